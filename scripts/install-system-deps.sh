#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages hotline needs, only those missing.
#   python3-venv the distribution's Python makes the virtual environment (ensurepip)
#   gettext      compiles the Ukrainian and English translations
#   debootstrap  builds the Asterisk root where the distribution has no asterisk
#   sip-tester   sipp, which plays carriers and callers in tests and `make call`
#   espeak-ng, sox, libsox-fmt-all, ffmpeg   default prompts and prompt uploads
#   chromium     the browser of the end-to-end tests
#   iproute2     network namespaces for WebRTC tests
#   redis-server the channel layer's tests start a Redis server of their own
#   postgresql   the database-restart test starts a cluster of its own (initdb, pg_ctl)
#   caddy, coturn, haproxy, nftables, logrotate   validate deploy/'s generated configuration
#   nodejs, npm  bundle JsSIP from npm into the static files (npm only when none
#                is on PATH: NodeSource's nodejs already carries its own npm)
set -euo pipefail
packages=(python3-venv gettext debootstrap sip-tester espeak-ng sox libsox-fmt-all ffmpeg chromium iproute2 redis-server postgresql ca-certificates
    caddy coturn haproxy nftables logrotate openssl)
missing=()
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
