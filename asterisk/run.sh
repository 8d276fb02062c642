#!/usr/bin/env bash
# Runs hotline's Asterisk 22 against one rendered instance directory:
#
#   asterisk/run.sh INSTANCE_DIR [asterisk options…]
#   asterisk/run.sh var/asterisk -f          # in the foreground (tests)
#   asterisk/run.sh var/asterisk -rx 'queue show'
#
# INSTANCE_DIR holds etc/asterisk.conf and the file `dirs`, one absolute path a
# line (the instance directory itself, recordings, voicemail, prompts), both
# written by `manage.py render_asterisk_config`.
#
# With the Debian sid root (see install.sh) every directory in `dirs` is bind
# mounted at the same path inside the root, in a private mount namespace: the
# paths Asterisk writes into its events are the paths Django reads, and the
# mounts vanish with the process, so a crashed run leaves nothing behind.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=asterisk/lib.sh
source "$here/lib.sh"

if [ "${1:-}" = "--inside-namespace" ]; then
    root="$2" instance="$3"
    shift 3
    # Parents first, so a directory inside another one stays visible.
    sort -u "$instance/dirs" | while read -r dir; do
        [ -n "$dir" ] || continue
        mkdir -p "$dir" "$root$dir"
        mount --bind "$dir" "$root$dir"
    done
    exec chroot "$root" /usr/sbin/asterisk -C "$instance/etc/asterisk.conf" "$@"
fi

if [ $# -lt 1 ] || [ ! -f "$1/etc/asterisk.conf" ]; then
    echo "usage: $0 INSTANCE_DIR [asterisk options] (render it first: manage.py render_asterisk_config)" >&2
    exit 2
fi
instance="$(cd "$1" && pwd)"
shift

if system_asterisk_ok; then
    exec /usr/sbin/asterisk -C "$instance/etc/asterisk.conf" "$@"
fi
root="$(asterisk_root)"
if ! root_ready "$root"; then
    echo "Asterisk is not installed: run asterisk/install.sh (make asterisk)" >&2
    exit 1
fi
exec unshare --mount --propagation private -- "$0" --inside-namespace "$root" "$instance" "$@"
