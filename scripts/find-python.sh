#!/usr/bin/env bash
# Prints the newest Python 3.11+ on this machine, preferring 3.12+ for Django 6
# (docs/decisions/0001-python-and-django-versions.md).
set -euo pipefail
candidates=(python3.13 python3.12)
for dir in "$HOME"/.pyenv/versions/3.13* "$HOME"/.pyenv/versions/3.12*; do
    [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
done
candidates+=(python3.11 python3)
for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        command -v "$candidate"
        exit 0
    fi
done
echo "hotline needs Python 3.11 or newer (3.12+ for Django 6)" >&2
exit 1
