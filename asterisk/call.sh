#!/usr/bin/env bash
# `make call`: one caller (sipp, playing a carrier) rings the hotline on the
# Asterisk that `make run` started, so the whole path — greeting, queue or menu,
# the consultant's browser ringing, the call journal — can be watched by hand.
#
#   asterisk/call.sh [CALLER_ID]        (default 0671234567)
#
# The call goes to the first active trunk's number from that trunk's own
# address, as the carrier would send it. It lasts until Asterisk hangs up or
# you press q in sipp's screen.
set -euo pipefail
cd "$(dirname "$0")/.."
caller="${1:-0671234567}"
command -v sipp >/dev/null || { echo "sipp is missing: run scripts/install-system-deps.sh" >&2; exit 1; }

# One line: dialled number, carrier address, Asterisk's SIP address and port, instance dir.
read -r dialled address asterisk_host asterisk_port instance < <(
    .venv/bin/python manage.py shell -v 0 -c '
from django.conf import settings
from hotline_asterisk_connector.pbx.config import load_config
config = load_config()
if not config.trunks:
    raise SystemExit("No active trunk: add one on the settings pages first.")
trunk = config.trunks[0]
print(trunk.caller_id, trunk.match[0].split("/")[0], settings.HOTLINE_SIP_BIND, settings.HOTLINE_SIP_PORT,
      config.paths.instance)
'
)
[ -S "$instance/run/asterisk.ctl" ] || { echo "Asterisk is not running: make run (or make asterisk-start)" >&2; exit 1; }

media="$instance/sipp-media"
mkdir -p "$media"
cp tests/sipp/caller.xml "$media/"
.venv/bin/python -c "import sys; from pathlib import Path; from tests.support import pcap; pcap.prepare(Path(sys.argv[1]))" "$media"
echo "Calling $dialled from $caller (through $address) at $asterisk_host:$asterisk_port"
cd "$media"
exec sipp "$asterisk_host:$asterisk_port" -sf caller.xml -s "$dialled" -key caller "$caller" \
    -i "$address" -m 1 -recv_timeout 3600000
