# Shared by install.sh, run.sh and ctl.sh: where hotline's Asterisk 22 lives.
#
# Either the distribution's own package (Ubuntu, Debian testing/sid) or, on
# Debian 12 which has none, a minimal Debian sid root made by debootstrap in a
# cache directory outside the repository, run with chroot.
# shellcheck shell=bash

HOTLINE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/hotline"
DEFAULT_ASTERISK_ROOT="$HOTLINE_CACHE/asterisk-root"
ASTERISK_MAJOR=22

is_wanted_version() {
    grep -q "^Asterisk ${ASTERISK_MAJOR}\." <<<"$1"
}

# The system's asterisk, if it is the version we need.
system_asterisk_ok() {
    [ -z "${HOTLINE_ASTERISK_ROOT:-}" ] || return 1
    [ -x /usr/sbin/asterisk ] || return 1
    is_wanted_version "$(/usr/sbin/asterisk -V 2>/dev/null)"
}

asterisk_root() {
    echo "${HOTLINE_ASTERISK_ROOT:-$DEFAULT_ASTERISK_ROOT}"
}

# A root counts as ready only once the installer finished it (marker written last).
root_ready() {
    local root="$1"
    [ -f "$root/.hotline-ready" ] && [ -x "$root/usr/sbin/asterisk" ]
}
