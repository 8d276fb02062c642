#!/usr/bin/env bash
# hotline's own Asterisk for `make run`: asterisk/ctl.sh start|stop|restart|status|apply
#
#   start    render the configuration from the database and start Asterisk (or,
#            when it already runs, apply the configuration without dropping calls)
#   stop     stop it (calls in progress are cut)
#   status   what runs: uptime, endpoints, trunk registrations, the queue
#   apply    render and reload the changed modules (as the settings pages do)
#
# The instance directory is HOTLINE_ASTERISK_DIR (default var/asterisk).
set -euo pipefail
cd "$(dirname "$0")/.."
manage=(.venv/bin/python manage.py)
instance="$("${manage[@]}" render_asterisk_config --print-dir)"

running() {
    [ -S "$instance/run/asterisk.ctl" ] && asterisk/run.sh "$instance" -rx "core show version" >/dev/null 2>&1
}

start() {
    if running; then
        "${manage[@]}" render_asterisk_config --apply
        return
    fi
    "${manage[@]}" render_asterisk_config
    asterisk/run.sh "$instance"
    for _ in $(seq 60); do
        if running && asterisk/run.sh "$instance" -rx "core waitfullybooted" >/dev/null 2>&1; then
            echo "Asterisk runs (logs in $instance/log)"
            return
        fi
        sleep 0.5
    done
    echo "Asterisk did not start; see $instance/log/messages.log" >&2
    exit 1
}

stop() {
    running || return 0
    asterisk/run.sh "$instance" -rx "core stop now" >/dev/null 2>&1 || true
    for _ in $(seq 40); do
        running || return 0
        sleep 0.25
    done
    echo "Asterisk did not stop" >&2
    exit 1
}

case "${1:-}" in
start) start ;;
stop) stop ;;
restart) stop && start ;;
apply) "${manage[@]}" render_asterisk_config --apply ;;
status)
    if ! running; then
        echo "Asterisk is not running"
        exit 3
    fi
    for command in "core show uptime" "pjsip show endpoints" "pjsip show registrations" "queue show hotline"; do
        asterisk/run.sh "$instance" -rx "$command"
    done
    ;;
*)
    echo "usage: $0 start|stop|restart|status|apply" >&2
    exit 2
    ;;
esac
