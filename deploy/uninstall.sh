#!/usr/bin/env bash
# Removes hotline's services, configuration and program; leaves the data: the
# database, /var/lib/hotline (recordings, voice messages, backups), the secrets
# file and the Debian packages. Run deploy/install.sh again to bring it back.
#   sudo deploy/uninstall.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=deploy/lib.sh
source "$here/lib.sh"
[ "$(id -u)" -eq 0 ] || die "запустіть від root: sudo $0"

systemctl disable --now "${UNITS[@]}" 2>/dev/null || true
for unit in "${UNITS[@]}"; do
    rm -f "$SYSTEMD_DIR/$unit"
done
systemctl daemon-reload 2>/dev/null || true
# The firewall table and the port-443 routing rule, where no systemd stopped them.
"$here/firewall.sh" stop "$ETC_DIR/nftables.conf" 2>/dev/null || true
rm -f /etc/logrotate.d/hotline "$ETC_DIR/nftables.conf" "$ETC_DIR/haproxy.cfg"
rm -rf "$ETC_DIR/turn" "$APP_DIR" "$VENV" "$PREFIX/asterisk-root"
echo "hotline вилучено. Дані залишилися: база даних «hotline», $DATA_DIR, $ENV_FILE."
echo "Caddy і coturn ще мають конфігурацію hotline (/etc/caddy/Caddyfile, /etc/turnserver.conf);"
echo "зупиніть їх, якщо вони більше не потрібні: systemctl disable --now caddy coturn"
