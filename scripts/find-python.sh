#!/usr/bin/env bash
# Prints the Python interpreter for hotline's virtual environment
# (docs/decisions/0001-python-and-django-versions.md).
#   scripts/find-python.sh           the distribution's own python3 (Debian 12:
#                                    3.11, Debian 13: 3.13), as on the VPS
#   scripts/find-python.sh --newest  the newest Python 3.11+ on this machine, which
#                                    CI also tests
set -euo pipefail
usable() {
    "$1" -c 'import sys, venv, ensurepip; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' \
        2>/dev/null
}
if [ "${1:-}" = "--newest" ]; then
    candidates=()
    for dir in "$HOME"/.pyenv/versions/3.13* "$HOME"/.pyenv/versions/3.12*; do
        candidates+=("$dir/bin/python3")
    done
    candidates+=(/usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11)
else
    candidates=(/usr/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11)
fi
for candidate in "${candidates[@]}"; do
    if [ -x "$candidate" ] && usable "$candidate"; then
        echo "$candidate"
        exit 0
    fi
done
echo "hotline needs Python 3.11, 3.12 or 3.13 with venv (Debian: apt install python3-venv)" >&2
exit 1
