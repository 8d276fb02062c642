#!/usr/bin/env bash
# hotline's own nftables table, and the routing rule the port-443 split needs
# (hotline-tls-split.service): HAProxy connects to Caddy and coturn on loopback
# from the client's own address, so their replies (from 127.0.0.1 or ::1 to
# that address) are delivered back here instead of leaving the server.
# The machine's /etc/nftables.conf and main routing table stay the admin's.
#   deploy/firewall.sh start|stop RULES_FILE
set -euo pipefail
action="$1" rules="$2"
table=443

routing() {
    local verb="$1" family
    for family in 4 6; do
        local loopback=127.0.0.0/8 everything=0.0.0.0/0
        [ "$family" = 4 ] || loopback=::1/128 everything=::/0
        # Without IPv6 on the machine there is nothing to route for it.
        [ "$family" = 4 ] || [ -e /proc/net/if_inet6 ] || continue
        ip "-$family" rule del from "$loopback" iif lo lookup "$table" 2>/dev/null || true
        ip "-$family" route flush table "$table" 2>/dev/null || true
        [ "$verb" = add ] || continue
        ip "-$family" rule add from "$loopback" iif lo lookup "$table"
        ip "-$family" route add local "$everything" dev lo table "$table"
    done
}

case "$action" in
start)
    # Early in the boot (before network-pre.target) loopback may still be down.
    ip link set lo up
    nft -f "$rules"
    routing add
    ;;
stop)
    routing del
    nft delete table inet hotline 2>/dev/null || true
    ;;
*)
    echo "usage: $0 start|stop RULES_FILE" >&2
    exit 2
    ;;
esac
