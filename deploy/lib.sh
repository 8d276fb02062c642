# The steps of deploy/install.sh (and the paths deploy/uninstall.sh removes).
# shellcheck shell=bash

PREFIX="${HOTLINE_PREFIX:-/opt/hotline}"
APP_DIR="${HOTLINE_APP_DIR:-$PREFIX/app}"
VENV="${HOTLINE_VENV:-$PREFIX/venv}"
ETC_DIR="${HOTLINE_ETC_DIR:-/etc/hotline}"
ENV_FILE="$ETC_DIR/hotline.env"
SETTINGS_FILE="$ETC_DIR/install.conf"
DATA_DIR="${HOTLINE_DATA_DIR:-/var/lib/hotline}"
ASTERISK_DIR="$DATA_DIR/asterisk"
SYSTEMD_DIR="${HOTLINE_SYSTEMD_DIR:-/etc/systemd/system}"
APP_USER="${HOTLINE_APP_USER:-hotline}"
PBX_USER="${HOTLINE_PBX_USER:-hotline-pbx}"
WEB_PORT=8000
ASTERISK_HTTP_PORT=8088
SIP_PORT=5060
RTP_MIN=10000
RTP_MAX=20000
TURN_PORT=3478
# 443/tcp is HAProxy's (hotline-tls-split.service): browsers' HTTPS goes on to
# Caddy's port, TURN over TLS to coturn's; both of those on loopback only.
HTTPS_PORT=443
CADDY_HTTPS_PORT=8443
TURN_TLS_PORT=5349
TURN_RELAY_MIN=49152
TURN_RELAY_MAX=65535
UNITS=(hotline-web.service hotline-connector.service hotline-daily.service hotline-daily.timer
    hotline-asterisk.service hotline-firewall.service hotline-turn-cert.service hotline-turn-cert.timer
    hotline-tls-split.service)
PACKAGES=(python3-venv gettext nodejs npm espeak-ng sox libsox-fmt-all
    ffmpeg postgresql redis-server caddy coturn haproxy nftables logrotate debootstrap rsync openssl
    ca-certificates iproute2 systemd curl)

die() {
    echo "Помилка: $*" >&2
    exit 1
}

step() {
    echo "==> $*"
}

# The first run's options, kept for upgrades; options given now win.
load_settings() {
    local domain="${DOMAIN:-}" email="${ACME_EMAIL:-}" carriers="${CARRIERS-unset}"
    local public="${PUBLIC_ADDRESS:-}" internal="${TLS_INTERNAL:-}"
    if [ -f "$SETTINGS_FILE" ]; then
        # shellcheck source=/dev/null
        . "$SETTINGS_FILE"
    fi
    DOMAIN="${domain:-${DOMAIN:-}}"
    ACME_EMAIL="${email:-${ACME_EMAIL:-}}"
    [ "$carriers" = unset ] || CARRIERS="$carriers"
    CARRIERS="${CARRIERS:-}"
    PUBLIC_ADDRESS="${public:-${PUBLIC_ADDRESS:-}}"
    TLS_INTERNAL="${internal:-${TLS_INTERNAL:-}}"
    detect_addresses
}

# The address this server sends from (a route lookup: no packet leaves); again
# once iproute2 is surely installed.
detect_addresses() {
    LOCAL_ADDRESS="${HOTLINE_LOCAL_ADDRESS:-}"
    if [ -z "$LOCAL_ADDRESS" ] && command -v ip >/dev/null; then
        LOCAL_ADDRESS="$(ip -4 route get 198.51.100.1 2>/dev/null |
            awk '{ for (i = 1; i < NF; i++) if ($i == "src") print $(i + 1) }' | head -1 || true)"
    fi
    PUBLIC_ADDRESS="${PUBLIC_ADDRESS:-$LOCAL_ADDRESS}"
}

write_settings() {
    mkdir -p "$ETC_DIR"
    chmod 0755 "$ETC_DIR"
    {
        printf 'DOMAIN=%q\n' "$DOMAIN"
        printf 'ACME_EMAIL=%q\n' "$ACME_EMAIL"
        printf 'CARRIERS=%q\n' "$CARRIERS"
        [ "$PUBLIC_ADDRESS" = "$LOCAL_ADDRESS" ] || printf 'PUBLIC_ADDRESS=%q\n' "$PUBLIC_ADDRESS"
        printf 'TLS_INTERNAL=%q\n' "$TLS_INTERNAL"
    } >"$SETTINGS_FILE"
}

install_packages() {
    local missing=() package
    for package in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    # Fresh package lists only when the ones there are not enough.
    apt_install "${missing[@]}" 2>/dev/null || { apt-get update -qq && apt_install "${missing[@]}"; }
}

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

create_users() {
    getent group "$APP_USER" >/dev/null || groupadd --system "$APP_USER"
    id "$APP_USER" >/dev/null 2>&1 ||
        useradd --system --gid "$APP_USER" --home-dir "$PREFIX" --shell /usr/sbin/nologin "$APP_USER"
    # Asterisk's own user: in the app's group, to read the rendered configuration
    # and to write recordings the app can play; it cannot read the secrets file.
    id "$PBX_USER" >/dev/null 2>&1 ||
        useradd --system --gid "$APP_USER" --home-dir "$ASTERISK_DIR" --shell /usr/sbin/nologin "$PBX_USER"
    mkdir -p "$PREFIX" "$DATA_DIR" "$ASTERISK_DIR"
    chmod 0755 "$PREFIX"
    chown "$APP_USER:$APP_USER" "$DATA_DIR"
    chmod 2770 "$DATA_DIR"
    # Files made inside keep the app's group (setgid), whoever makes them.
    find "$DATA_DIR" -type d -exec chown "$APP_USER:$APP_USER" {} + -exec chmod 2770 {} +
}

install_app() {
    local source="$1"
    # The code belongs to root: the app's user runs it and cannot change it.
    mkdir -p "$APP_DIR"
    rsync -a --delete --exclude .git --exclude .venv --exclude .venv-newest --exclude var \
        --exclude node_modules --exclude test-artifacts --exclude '__pycache__' \
        --exclude 'hotline/static/vendor' --exclude '*.egg-info' "$source/" "$APP_DIR/"
    chown -R root:root "$APP_DIR"
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        "$("$APP_DIR/scripts/find-python.sh")" -m venv --clear "$VENV"
    fi
    "$VENV/bin/pip" install --quiet --upgrade pip
    # Editable: settings find templates and static files beside the code.
    "$VENV/bin/pip" install --quiet -e "$APP_DIR"
    (cd "$APP_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run --silent build)
    (cd "$APP_DIR" && HOTLINE_VAR_DIR="$DATA_DIR" "$VENV/bin/python" manage.py compilemessages \
        --ignore=node_modules -v 0)
}

random_secret() {
    openssl rand -base64 48 | tr -d '\n/+=' | cut -c1-"${1:-50}"
}

# Secrets are made once and kept across upgrades; everything else is rewritten.
write_env_file() {
    local secret_key db_password ami_secret status_secret apply_secret turn_secret
    if [ -f "$ENV_FILE" ]; then
        # shellcheck source=/dev/null
        . "$ENV_FILE"
    fi
    secret_key="${SECRET_KEY:-$(random_secret 60)}"
    db_password="${HOTLINE_DB_PASSWORD:-$(random_secret 32)}"
    ami_secret="${HOTLINE_AMI_SECRET:-$(random_secret 32)}"
    status_secret="${HOTLINE_AMI_STATUS_SECRET:-$(random_secret 32)}"
    apply_secret="${HOTLINE_AMI_APPLY_SECRET:-$(random_secret 32)}"
    turn_secret="${HOTLINE_TURN_SECRET:-$(random_secret 40)}"
    umask 077
    cat >"$ENV_FILE.new" <<EOF
# Written by deploy/install.sh; the secrets are kept on every upgrade. Mode 0600:
# systemd reads it for the services, nobody else may.
HOTLINE_PRODUCTION=1
DEBUG=0
SECRET_KEY=$secret_key
HOTLINE_DB_PASSWORD=$db_password
DATABASE_URL=postgres://hotline:$db_password@127.0.0.1:5432/hotline
DATABASE_CONN_MAX_AGE=60
REDIS_URL=redis://127.0.0.1:6379/0
HOTLINE_EMBEDDED_CONNECTOR=0
ALLOWED_HOSTS=$DOMAIN
CSRF_TRUSTED_ORIGINS=https://$DOMAIN
SESSION_COOKIE_SECURE=1
HOTLINE_VAR_DIR=$DATA_DIR
HOTLINE_ASTERISK_DIR=$ASTERISK_DIR
HOTLINE_AMI_SECRET=$ami_secret
HOTLINE_AMI_STATUS_SECRET=$status_secret
HOTLINE_AMI_APPLY_SECRET=$apply_secret
HOTLINE_SIP_BIND=0.0.0.0
HOTLINE_SIP_PORT=$SIP_PORT
HOTLINE_SIP_PUBLIC_HOST=$DOMAIN
HOTLINE_RTP_PORT_MIN=$RTP_MIN
HOTLINE_RTP_PORT_MAX=$RTP_MAX
HOTLINE_ASTERISK_HTTP_BIND=127.0.0.1
HOTLINE_ASTERISK_HTTP_PORT=$ASTERISK_HTTP_PORT
HOTLINE_WEBRTC_WS_URL=wss://$DOMAIN/sip-ws
HOTLINE_TURN_SECRET=$turn_secret
HOTLINE_TURN_HOST=$DOMAIN
HOTLINE_TURN_PORT=$TURN_PORT
HOTLINE_TURN_TLS_PORT=$HTTPS_PORT
HOTLINE_DAILY_JOBS=0
EOF
    if [ "$PUBLIC_ADDRESS" != "$LOCAL_ADDRESS" ]; then
        printf 'HOTLINE_SIP_EXTERNAL_ADDRESS=%s\nHOTLINE_SIP_LOCAL_NETWORKS=%s\n' \
            "$PUBLIC_ADDRESS" "$LOCAL_ADDRESS/32" >>"$ENV_FILE.new"
    fi
    umask 022
    chmod 0600 "$ENV_FILE.new"
    mv "$ENV_FILE.new" "$ENV_FILE"
    HOTLINE_TURN_SECRET="$turn_secret"
    HOTLINE_DB_PASSWORD="$db_password"
}

run_manage() {
    (
        set -a
        # shellcheck source=/dev/null
        . "$ENV_FILE"
        set +a
        cd "$APP_DIR"
        # As the services (UMask=0007): what the app makes, Asterisk's user may write.
        umask 0007
        setpriv --reuid="$APP_USER" --regid="$APP_USER" --init-groups --inh-caps=-all \
            env HOME="$PREFIX" "$VENV/bin/python" manage.py "$@"
    )
}

ensure_postgresql_running() {
    pg_isready -q -h 127.0.0.1 && return
    systemctl start postgresql 2>/dev/null ||
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    for _ in $(seq 60); do
        pg_isready -q -h 127.0.0.1 && return
        sleep 1
    done
    die "PostgreSQL не запустився"
}

setup_database() {
    ensure_postgresql_running
    local exists
    exists="$(runuser -u postgres -- psql -Atc "select 1 from pg_roles where rolname = 'hotline'")"
    if [ "$exists" = 1 ]; then
        runuser -u postgres -- psql -q -c "alter role hotline with login password '$HOTLINE_DB_PASSWORD'"
    else
        runuser -u postgres -- psql -q -c "create role hotline with login password '$HOTLINE_DB_PASSWORD'"
    fi
    exists="$(runuser -u postgres -- psql -Atc "select 1 from pg_database where datname = 'hotline'")"
    [ "$exists" = 1 ] || runuser -u postgres -- createdb -O hotline -E UTF8 -T template0 hotline
}

# The distribution's Asterisk 22 where it has one, else the project's Debian sid
# root (asterisk/install.sh) under $PREFIX; HOTLINE_ASTERISK_ROOT_CACHE names a
# finished root to copy instead of building one (the install test's cache).
install_asterisk() {
    ASTERISK_ROOT=""
    local candidate
    candidate="$(apt-cache policy asterisk 2>/dev/null | awk '/Candidate:/ { print $2 }')"
    if [[ "$candidate" =~ ^([0-9]+:)?22\. ]]; then
        apt_install asterisk asterisk-modules
        systemctl disable --now asterisk >/dev/null 2>&1 || true
        return
    fi
    ASTERISK_ROOT="$PREFIX/asterisk-root"
    if [ ! -f "$ASTERISK_ROOT/.hotline-ready" ] && [ -n "${HOTLINE_ASTERISK_ROOT_CACHE:-}" ]; then
        rm -rf "$ASTERISK_ROOT"
        cp -a "$HOTLINE_ASTERISK_ROOT_CACHE" "$ASTERISK_ROOT"
    fi
    HOTLINE_ASTERISK_ROOT="$ASTERISK_ROOT" "$APP_DIR/asterisk/install.sh"
    # Asterisk drops root for its own user inside the root: it must know the names.
    local entry
    for entry in "passwd:$PBX_USER" "passwd:$APP_USER" "group:$APP_USER"; do
        grep -q "^${entry#*:}:" "$ASTERISK_ROOT/etc/${entry%%:*}" ||
            getent "${entry%%:*}" "${entry#*:}" >>"$ASTERISK_ROOT/etc/${entry%%:*}"
    done
}

# nftables elements from a comma-separated list of addresses and networks.
carrier_elements() {
    local family="$1" item items=()
    IFS=',' read -ra list <<<"$CARRIERS"
    for item in "${list[@]}"; do
        item="${item// /}"
        [ -n "$item" ] || continue
        if [ "$family" = 6 ] && [[ "$item" == *:* ]]; then
            items+=("$item")
        elif [ "$family" = 4 ] && [[ "$item" != *:* ]]; then
            items+=("$item")
        fi
    done
    [ ${#items[@]} -eq 0 ] && return
    local joined
    joined="$(printf '%s, ' "${items[@]}")"
    echo "elements = { ${joined%, } }"
}

# Fill @NAME@ from the variables of the same name; a placeholder left over is a bug.
render_template() {
    local template="$1" target="$2" text name
    text="$(cat "$template")"
    for name in $(grep -o '@[A-Z0-9_]*@' "$template" | sort -u | tr -d @); do
        [ -n "${!name+set}" ] || die "$template: немає значення для @$name@"
        text="${text//@$name@/${!name}}"
    done
    mkdir -p "$(dirname "$target")"
    printf '%s\n' "$text" >"$target"
}

# Every generated file, under ROOT ("/" on the server, a scratch directory in tests).
render_all() {
    local root="${1%/}" templates="$APP_DIR/deploy/templates"
    [ -d "$templates" ] || templates="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/templates"
    : "${ASTERISK_ROOT=$PREFIX/asterisk-root}"
    : "${HOTLINE_TURN_SECRET:=render-only-secret}"
    : "${DOMAIN:=hotline.example.org}"
    SSH_PORT="${SSH_PORT:-22}"
    TURN_SECRET="$HOTLINE_TURN_SECRET"
    CARRIERS4="$(carrier_elements 4)"
    CARRIERS6="$(carrier_elements 6)"
    ASTERISK_ROOT_ENV=""
    [ -z "$ASTERISK_ROOT" ] || ASTERISK_ROOT_ENV="Environment=HOTLINE_ASTERISK_ROOT=$ASTERISK_ROOT"
    if [ -n "$TLS_INTERNAL" ]; then
        CADDY_GLOBAL="local_certs"
        CADDY_TLS="tls internal"
    else
        CADDY_GLOBAL="${ACME_EMAIL:+email $ACME_EMAIL}"
        CADDY_TLS=""
    fi
    TURN_RELAY_IP="${LOCAL_ADDRESS:-127.0.0.1}"
    TURN_EXTERNAL=""
    [ "$PUBLIC_ADDRESS" = "$LOCAL_ADDRESS" ] || TURN_EXTERNAL="external-ip=$PUBLIC_ADDRESS/$LOCAL_ADDRESS"
    # The relay may reach this server's Asterisk only.
    TURN_PEERS="allowed-peer-ip=${LOCAL_ADDRESS:-127.0.0.1}"
    [ "$PUBLIC_ADDRESS" = "$LOCAL_ADDRESS" ] || TURN_PEERS+=$'\n'"allowed-peer-ip=$PUBLIC_ADDRESS"
    TURN_CERT="$ETC_DIR/turn/cert.pem"
    TURN_KEY="$ETC_DIR/turn/key.pem"

    local unit before caddy_before turn_before
    before="$(cat "$root$SYSTEMD_DIR/hotline-asterisk.service" 2>/dev/null || true)"
    caddy_before="$(cat "$root/etc/caddy/Caddyfile" 2>/dev/null || true)"
    for unit in "${UNITS[@]}"; do
        render_template "$templates/$unit" "$root$SYSTEMD_DIR/$unit"
    done
    ASTERISK_UNIT_CHANGED=""
    [ "$before" = "$(cat "$root$SYSTEMD_DIR/hotline-asterisk.service")" ] || ASTERISK_UNIT_CHANGED=1
    render_template "$templates/Caddyfile" "$root/etc/caddy/Caddyfile"
    CADDY_CHANGED=""
    [ "$caddy_before" = "$(cat "$root/etc/caddy/Caddyfile")" ] || CADDY_CHANGED=1
    turn_before="$(cat "$root/etc/turnserver.conf" 2>/dev/null || true)"
    render_template "$templates/turnserver.conf" "$root/etc/turnserver.conf"
    TURN_CHANGED=""
    [ "$turn_before" = "$(cat "$root/etc/turnserver.conf")" ] || TURN_CHANGED=1
    render_template "$templates/nftables.conf" "$root$ETC_DIR/nftables.conf"
    render_template "$templates/haproxy.cfg" "$root$ETC_DIR/haproxy.cfg"
    render_template "$templates/logrotate" "$root/etc/logrotate.d/hotline"
    chmod 0640 "$root/etc/turnserver.conf"
    if [ "$root" = "" ] && getent group turnserver >/dev/null; then
        chown root:turnserver "$root/etc/turnserver.conf"
    fi
}

# The generated configuration, checked by the tools that own it.
validate_all() {
    local root="${1%/}" units=()
    caddy validate --config "$root/etc/caddy/Caddyfile" --adapter caddyfile >/dev/null 2>&1 ||
        caddy validate --config "$root/etc/caddy/Caddyfile" --adapter caddyfile
    nft -c -f "$root$ETC_DIR/nftables.conf"
    haproxy -c -q -f "$root$ETC_DIR/haproxy.cfg"
    for unit in "${UNITS[@]}"; do units+=("$root$SYSTEMD_DIR/$unit"); done
    SYSTEMD_LOG_LEVEL=err systemd-analyze verify --man=no "${units[@]}"
    logrotate --debug "$root/etc/logrotate.d/hotline" >/dev/null 2>&1 ||
        logrotate --debug "$root/etc/logrotate.d/hotline"
}

start_services() {
    local upgrade="$1"
    "$APP_DIR/deploy/turn-cert.sh" "$DOMAIN" "$ETC_DIR/turn" || true
    systemctl daemon-reload
    # Debian's own HAProxy (an empty /etc/haproxy) would only sit there: ours
    # is hotline-tls-split.service.
    systemctl disable --quiet --now haproxy.service 2>/dev/null || true
    systemctl enable --quiet postgresql redis-server caddy coturn "${UNITS[@]}"
    # The rule set is swapped whole; the calls' packets pass as established flows.
    systemctl restart hotline-firewall.service
    systemctl start redis-server postgresql caddy coturn
    if [ -n "$upgrade" ]; then
        upgrade_services
    else
        systemctl restart hotline-asterisk hotline-web hotline-connector
    fi
    # After Caddy, which leaves 443 when it comes from an older install. A
    # reload leaves the connections of the calls in progress to the old workers.
    systemctl reload-or-restart hotline-tls-split.service
    systemctl start hotline-daily.timer hotline-turn-cert.timer
}

# An upgrade under calls in progress (docs/decisions/0028): the web app and the
# connector restart at once, since no call's SIP or media passes through them
# (the desks reconnect by themselves and are shown their call again; the
# connector reads the channels up again). Caddy carries the browser phones'
# SIP WebSockets and coturn their relayed media: they restart, when their
# configuration changed, only once no call is up. Asterisk re-reads its
# configuration; a changed unit restarts it with "core stop when convenient".
upgrade_services() {
    systemctl start hotline-asterisk
    run_manage render_asterisk_config --apply >/dev/null || true
    systemctl restart hotline-web hotline-connector
    RESTARTED+=("веб-застосунок" "конектор")
    if [ -n "$CADDY_CHANGED$TURN_CHANGED" ]; then
        local changed="${CADDY_CHANGED:+Caddy}"
        [ -z "$TURN_CHANGED" ] || changed="${changed:+$changed і }coturn"
        wait_for_no_calls "$changed"
        [ -z "$CADDY_CHANGED" ] || { systemctl reload-or-restart caddy && RESTARTED+=(Caddy); }
        [ -z "$TURN_CHANGED" ] || { systemctl restart coturn && RESTARTED+=(coturn); }
    fi
    if [ -n "$ASTERISK_UNIT_CHANGED" ]; then
        systemctl restart --no-block hotline-asterisk
        RESTARTED+=("Asterisk (після останнього дзвінка)")
    fi
}

# Calls up in Asterisk ("core show channels count"); 0 when it does not answer.
active_calls() {
    HOTLINE_ASTERISK_ROOT="${ASTERISK_ROOT:-}" "$APP_DIR/asterisk/run.sh" "$ASTERISK_DIR" \
        -rx "core show channels count" 2>/dev/null | awk '/active call/ { print $1 }' | grep . ||
        echo 0
}

wait_for_no_calls() {
    local what="$1" calls shown=""
    while calls="$(active_calls)" && [ "$calls" -gt 0 ]; do
        if [ "$calls" != "$shown" ]; then
            echo "    Чекаю завершення дзвінків (зараз: $calls), щоб перезапустити $what…"
            shown="$calls"
        fi
        sleep 2
    done
}

# The migrations the database has not had yet, one name a line.
pending_migrations() {
    run_manage showmigrations --plan | awk '/^\[ \]/ { print $NF }'
}

print_summary() {
    local password="$1" minutes="$2" upgrade="$3"
    echo
    if [ -n "$upgrade" ]; then
        echo "Оновлення завершено за ~$minutes хв. Дзвінки, що тривали, не перервано."
        echo "  Нові міграції бази даних: ${#MIGRATED[@]}${MIGRATED[*]:+ (${MIGRATED[*]})}"
        echo "  Статичні файли оновлено."
        echo "  Перезапущено: ${RESTARTED[*]:-нічого (служби запустить systemd)}"
    else
        echo "Встановлення завершено за ~$minutes хв."
    fi
    echo
    echo "Адреса для консультанток і адміністраторки: https://$DOMAIN/"
    if [ -n "$password" ]; then
        echo "Перший вхід: користувач «admin», пароль: $password"
        echo "(пароль показано лише зараз — запишіть його і змініть після входу;"
        echo " одразу після пароля система попросить підключити застосунок-автентифікатор"
        echo " на телефоні — це другий фактор входу для адміністраторки й супервізорки)"
    fi
    echo
    echo "Що далі:"
    echo "  1. Увійдіть як admin, відкрийте «Налаштування → Номери» і внесіть дані операторів."
    echo "  2. Дозвольте SIP і RTP з адрес операторів: sudo $APP_DIR/deploy/install.sh --carriers АДРЕСА1,АДРЕСА2"
    echo "     (зараз дозволено: ${CARRIERS:-нікого})."
    echo "  3. Додайте консультанток у «Налаштування → Консультантки»; кожна входить на https://$DOMAIN/."
    echo "  4. Налаштуйте копії поза сервером (docs/deploy.uk.md, розділ «Резервні копії»)."
    echo "  5. Оновлення: отримайте нову версію і знову запустіть sudo deploy/install.sh."
}
