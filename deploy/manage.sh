#!/usr/bin/env bash
# manage.py of the installed hotline, as its own user with its settings:
#   sudo /opt/hotline/app/deploy/manage.sh backup
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
source "$here/lib.sh"
[ "$(id -u)" -eq 0 ] || die "запустіть від root: sudo $0 $*"
run_manage "$@"
