#!/usr/bin/env bash
# Copies the certificate Caddy obtained (or made, with `tls internal`) for DOMAIN
# to coturn, and restarts coturn only when it changed (a restart drops relayed
# calls: Let's Encrypt renews every ~60 days, at night with the daily timer).
#   deploy/turn-cert.sh DOMAIN TARGET_DIR
set -euo pipefail
domain="$1" target="$2"
storage="${CADDY_STORAGE:-/var/lib/caddy/.local/share/caddy/certificates}"
crt="$(find "$storage" -path "*/$domain/$domain.crt" 2>/dev/null | head -1)"
if [ -z "$crt" ]; then
    echo "Caddy has no certificate for $domain yet; TURN over TLS waits for it" >&2
    exit 1
fi
key="${crt%.crt}.key"
mkdir -p "$target"
if cmp -s "$crt" "$target/cert.pem" && cmp -s "$key" "$target/key.pem"; then
    exit 0
fi
install -m 0644 "$crt" "$target/cert.pem"
install -m 0640 -g turnserver "$key" "$target/key.pem"
# Without a running systemd (an image being built) coturn reads it when it starts.
if [ -d /run/systemd/system ]; then
    systemctl try-restart coturn
fi
