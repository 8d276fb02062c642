"""The ICE servers a consultant's browser phone uses to reach Asterisk from behind
a home router: STUN, and TURN over UDP, TCP and TLS through coturn.

TURN credentials are coturn's time-limited ones (`use-auth-secret`): the user
name is the expiry time and the consultant's line, the password an HMAC of it
with the secret coturn shares. Nothing is stored; a leaked pair stops working
by itself, and the secret never leaves the server.
"""

import base64
import hashlib
import hmac
import time

from django.conf import settings

from hotline_asterisk_connector.models import ConsultantLine


def turn_credentials(line: ConsultantLine, now: float | None = None) -> tuple[str, str]:
    expires = int(now if now is not None else time.time()) + settings.HOTLINE_TURN_TTL_SECONDS
    username = f"{expires}:{line.webrtc_endpoint}"
    digest = hmac.new(
        settings.HOTLINE_TURN_SECRET.encode(), username.encode(), hashlib.sha1
    ).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(line: ConsultantLine, page_host: str) -> list[dict]:
    """RTCPeerConnection's iceServers; none without a TURN secret (local runs, tests
    on one host), where the browser and Asterisk see each other directly."""
    if not settings.HOTLINE_TURN_SECRET:
        return []
    host = settings.HOTLINE_TURN_HOST or page_host
    username, credential = turn_credentials(line)
    port, tls_port = settings.HOTLINE_TURN_PORT, settings.HOTLINE_TURN_TLS_PORT
    return [
        {"urls": [f"stun:{host}:{port}"]},
        {
            "urls": [
                f"turn:{host}:{port}?transport=udp",
                f"turn:{host}:{port}?transport=tcp",
                f"turns:{host}:{tls_port}?transport=tcp",
            ],
            "username": username,
            "credential": credential,
        },
    ]
