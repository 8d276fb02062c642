#!/usr/bin/env bash
# Installs hotline on a fresh Debian 12 or 13 VPS, or upgrades it in place.
#
#   sudo deploy/install.sh --domain hotline.example.org [--email admin@example.org] \
#        [--carriers 198.51.100.10,198.51.100.0/28] [--tls-internal]
#
# Run again (with no options) to upgrade: the settings of the first run are kept
# in /etc/hotline/install.conf, the secrets in /etc/hotline/hotline.env (0600).
# An upgrade migrates the database, collects the new static files and restarts
# the web app and the connector; Asterisk is reloaded, Caddy and coturn restart
# only when their configuration changed and no call is up (decision 0028).
#
#   deploy/install.sh --render-only DIR [options]   writes every generated file
#       into DIR and changes nothing else (used by the tests to validate them).
#
# Guide, in Ukrainian: docs/deploy.uk.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/.." && pwd)"
# shellcheck source=deploy/lib.sh
source "$here/lib.sh"

render_only=""
while [ $# -gt 0 ]; do
    case "$1" in
    --domain) DOMAIN="$2" && shift ;;
    --email) ACME_EMAIL="$2" && shift ;;
    --carriers) CARRIERS="$2" && shift ;;
    --public-address) PUBLIC_ADDRESS="$2" && shift ;;
    --tls-internal) TLS_INTERNAL=1 ;;
    --render-only) render_only="$2" && shift ;;
    -h | --help) sed -n '2,16p' "$0" && exit 0 ;;
    *) die "невідомий параметр: $1 (див. $0 --help)" ;;
    esac
    shift
done

if [ -n "$render_only" ]; then
    load_settings
    render_all "$render_only"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "запустіть від root: sudo $0 …"
# shellcheck source=/dev/null
. /etc/os-release
case "${ID}:${VERSION_ID:-}" in
debian:12 | debian:13) ;;
*) die "потрібен Debian 12 або 13, а тут ${PRETTY_NAME:-невідома система}" ;;
esac

started=$(date +%s)
load_settings
[ -n "${DOMAIN:-}" ] || die "вкажіть доменне ім'я сервера: $0 --domain hotline.example.org"
upgrade=""
[ -f "$ENV_FILE" ] && upgrade=1
RESTARTED=()

step "Пакети Debian"
install_packages
detect_addresses
[ -n "$LOCAL_ADDRESS" ] || die "не знайдено IP-адресу сервера (немає маршруту за замовчуванням)"
step "Користувачі та каталоги"
create_users
step "Програма в $APP_DIR"
install_app "$source_dir"
step "Секрети в $ENV_FILE"
write_settings
write_env_file
step "PostgreSQL"
setup_database
step "Asterisk 22"
install_asterisk
step "Конфігурація (Caddy, coturn, systemd, nftables, logrotate)"
render_all /
validate_all /
step "База даних і налаштування АТС"
mapfile -t MIGRATED < <(pending_migrations)
run_manage migrate --noinput -v 0
run_manage collectstatic --noinput -v 0
run_manage render_asterisk_config >/dev/null
first_password="$(run_manage create_administrator --username admin)"
# HOTLINE_INSTALL_NO_START=1: a root without a running systemd (an image, the
# install test), whose services someone else starts from the units.
if [ -z "${HOTLINE_INSTALL_NO_START:-}" ]; then
    step "Служби"
    start_services "$upgrade"
fi

minutes=$((($(date +%s) - started + 59) / 60))
print_summary "$first_password" "$minutes" "$upgrade"
