#!/usr/bin/env bash
# Installs Asterisk 22 for hotline, without Docker; idempotent.
#
#   1. the system already has Asterisk 22                  → nothing to do;
#   2. the distribution ships an asterisk 22 package        → apt-get install it;
#   3. otherwise (Debian 12 has no asterisk at all)         → debootstrap a minimal
#      Debian sid root into ${XDG_CACHE_HOME:-~/.cache}/hotline/asterisk-root
#      (HOTLINE_ASTERISK_ROOT overrides), about a minute and ~500 MB, which
#      asterisk/run.sh then runs with chroot against the project's configuration.
#
# Environment: HOTLINE_ASTERISK_ROOT, HOTLINE_ASTERISK_SUITE (default sid),
# HOTLINE_DEBIAN_MIRROR (default: the Debian mirror this machine's apt uses).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=asterisk/lib.sh
source "$here/lib.sh"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# The Debian mirror the machine's apt already uses (deb822 .sources or one-line .list),
# so that the root comes from the same, reachable place.
debian_mirror() {
    if [ -n "${HOTLINE_DEBIAN_MIRROR:-}" ]; then
        echo "$HOTLINE_DEBIAN_MIRROR"
        return
    fi
    {
        awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' /etc/apt/sources.list.d/*.sources || true
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
            /etc/apt/sources.list /etc/apt/sources.list.d/*.list || true
    } 2>/dev/null | grep -E '/debian/?$' | head -1 || true
}

# Asterisk looks up the host's own name and A.ROOT-SERVERS.NET while setting up
# calls; on a machine without DNS every lookup stalls SIP (measured: 266 of 200×2
# calls failed). Rewritten on every run because the host's name may change.
write_root_hosts() {
    local root="$1"
    printf '127.0.0.1\tlocalhost %s A.ROOT-SERVERS.NET\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
        "$(hostname)" >"$root/etc/hosts"
}

install_root() {
    local root mirror suite partial version
    root="$(asterisk_root)"
    if root_ready "$root"; then
        write_root_hosts "$root"
        return
    fi
    case "$root" in
    /*/*) ;;
    *) echo "HOTLINE_ASTERISK_ROOT must be an absolute path below /, got '$root'" >&2 && exit 1 ;;
    esac
    if [ "$(id -u)" -ne 0 ]; then
        echo "Building the Asterisk root needs root (debootstrap, chroot): run as root or install asterisk 22." >&2
        exit 1
    fi
    mirror="$(debian_mirror)"
    if [ -z "$mirror" ]; then
        echo "No Debian mirror found in /etc/apt; set HOTLINE_DEBIAN_MIRROR (e.g. http://<mirror>/debian)." >&2
        exit 1
    fi
    suite="${HOTLINE_ASTERISK_SUITE:-sid}"
    partial="$root.partial"
    echo "Building the Asterisk root from Debian $suite ($mirror) into $root (about a minute, ~500 MB)"
    rm -rf "$partial" "$root"
    mkdir -p "$(dirname "$root")"
    if ! debootstrap --variant=minbase --include=asterisk,asterisk-modules,tzdata \
        "$suite" "$partial" "$mirror" >"$partial.log" 2>&1; then
        tail -20 "$partial.log" >&2
        echo "debootstrap failed (log: $partial.log); try HOTLINE_ASTERISK_SUITE=testing" >&2
        exit 1
    fi
    version="$(chroot "$partial" /usr/sbin/asterisk -V)"
    if ! is_wanted_version "$version"; then
        echo "Debian $suite has $version, hotline needs Asterisk $ASTERISK_MAJOR" >&2
        exit 1
    fi
    write_root_hosts "$partial"
    rm -f "$partial.log"
    touch "$partial/.hotline-ready"
    mv "$partial" "$root"
    echo "Asterisk root ready: $version"
}

if system_asterisk_ok; then
    exit 0
fi
if [ -z "${HOTLINE_ASTERISK_ROOT:-}" ] && ! root_ready "$DEFAULT_ASTERISK_ROOT"; then
    candidate="$(apt-cache policy asterisk 2>/dev/null | awk '/Candidate:/ { print $2 }')"
    if [[ "$candidate" =~ ^([0-9]+:)?${ASTERISK_MAJOR}\. ]]; then
        echo "Installing the distribution's asterisk $candidate"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            asterisk asterisk-modules
        # The package starts its own service on the default ports; hotline runs its own instance.
        $sudo systemctl disable --now asterisk >/dev/null 2>&1 || true
        exit 0
    fi
fi
install_root
