"""What the desk page needs to run the phone: given to the signed-in consultant only.

The line's WebRTC password is rendered into the consultant's own page and
nowhere else; other users get no `sip` block at all.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from hotline_asterisk_connector.clicktocall import outbound_trunks
from hotline_asterisk_connector.models import ConsultantLine, PauseReason, PresenceState
from hotline_workspace import availability
from hotline_workspace.availability import PAUSE_REASONS

# Placeholder ids, replaced by `{call}` and `{client}` in the URL templates the page fills.
_CALL = 900000001
_CLIENT = 900000002


def line_of(user: AbstractBaseUser) -> ConsultantLine | None:
    return ConsultantLine.objects.filter(user=user, is_active=True).first()


def page_host(request: HttpRequest) -> str:
    return split_domain_port(request.get_host())[0]


def websocket_url(request: HttpRequest) -> str:
    """Asterisk's SIP-over-WebSocket address as this browser reaches it."""
    if settings.HOTLINE_WEBRTC_WS_URL:
        return settings.HOTLINE_WEBRTC_WS_URL
    host = page_host(request)
    if request.is_secure():
        return f"wss://{host}:{settings.HOTLINE_ASTERISK_HTTPS_PORT}/ws"
    return f"ws://{host}:{settings.HOTLINE_ASTERISK_HTTP_PORT}/ws"


def config(request: HttpRequest) -> dict:
    user = request.user
    line = line_of(user)
    state = availability.current_state(user)
    sip = None
    if line is not None:
        sip = {
            "ws_url": websocket_url(request),
            "ice_url": reverse("hotline_workspace:ice"),
            "uri": f"sip:{line.webrtc_endpoint}@{page_host(request)}",
            "password": line.webrtc_password,
            "display_name": user.get_full_name() or user.get_username(),
        }
    return {
        "user_id": user.pk,
        "sip": sip,
        "desk_ws": "/ws/desk/",
        "presence": {"state": state.state, "pause_reason": state.pause_reason},
        "presence_labels": dict(PresenceState.choices),
        "pause_labels": dict(PauseReason.choices),
        "line_labels": {
            "connecting": _("Phone: connecting…"),
            "registered": _("Phone: ready"),
            "unregistered": _("Phone: off"),
            "failed": _("Phone: not registered"),
            "disconnected": _("Phone: connection lost"),
        },
        "urls": {
            "status": reverse("hotline_workspace:status"),
            "dial": reverse("hotline_workspace:dial"),
            "login": reverse("login"),
            "keep_alive": reverse("accounts:keep_alive"),
            "attach": reverse("hotline_workspace:attach", args=[_CALL, _CLIENT])
            .replace(str(_CALL), "{call}")
            .replace(str(_CLIENT), "{client}"),
            "client": reverse("hotline_crm:client_detail", args=[0]).replace("/0/", "/{client}/"),
            "client_path_pattern": "^"
            + reverse("hotline_crm:client_detail", args=[0]).replace("/0/", r"/(\d+)/")
            + "$",
            "new_client": reverse("hotline_crm:client_create") + "?phone={number}&call={call}",
            "search": reverse("hotline_crm:workspace") + "?q={query}",
            "form": reverse("hotline_crm:consultation_create", args=[0]).replace(
                "/0/", "/{client}/"
            )
            + "?call={call}",
        },
        "strings": {
            "waiting": _("In the queue: {count}"),
            "waiting_longest": _("In the queue: {count} · longest {wait}"),
            "call": _("Call"),
            "close_tab": _("Close this call's tab"),
            "server_error": _("The server did not answer; try again."),
            "events_lost": _("Lost touch with the server: cards will not open. Reconnecting…"),
            "asterisk_says": _("In the queue"),
            "registration_failed": _(
                "The phone could not register ({cause}). Calls will not ring here; "
                "retrying. If this persists, ask the administrator to check your line."
            ),
            "connection_lost": _(
                "The connection to the phone server dropped. Reconnecting by itself…"
            ),
            "microphone_blocked": _(
                "The microphone is blocked or missing. Allow it for this site in the "
                "browser (the icon in the address bar) and reload the page."
            ),
            "moved_to_other_tab": _(
                "The phone is now open in another tab; this tab no longer rings."
            ),
            "transfer_failed": _("The transfer did not go through; the caller is still with you."),
            "no_line": _("You have no browser phone line; ask the administrator for one."),
            "default_device": _("System default"),
            "device": _("Device"),
            "calling": _("Calling {number}: your phone rings first, answer it to connect."),
            "safe_contact_warning": _(
                "This call goes against how the client asked to be contacted. "
                "Call anyway? Your decision is recorded."
            ),
            "call_cancelled": _("Not called."),
            "unknown_caller": _("No card has this number."),
            "new_card": _("New card"),
            "search": _("Find"),
            "search_placeholder": _("Find the client by name or another number"),
            "supervisor_whispers": _(
                "The supervisor is listening and may prompt you; the caller does not hear them."
            ),
            "supervisor_barges": _(
                "The supervisor is listening and has joined the call: the caller hears them too."
            ),
        },
        "hands": hand_strings(),
    }


RINGTONES = [
    ("classic", pgettext_lazy("ringtone", "Classic")),
    ("double", pgettext_lazy("ringtone", "Double beep")),
    ("soft", pgettext_lazy("ringtone", "Soft")),
    ("none", pgettext_lazy("ringtone", "Silent (notification and title only)")),
]


def hand_strings() -> dict:
    """What desk-hands.js says: the desktop notification and the flashing title."""
    return {
        "incoming_call": _("Incoming call"),
        "unknown_caller": _("Unknown caller"),
        "title_ringing": _("☎ Call: {caller}"),
    }


def desk_context(request: HttpRequest, open_path: str) -> dict:
    line = line_of(request.user)
    colleagues = (
        ConsultantLine.objects.filter(is_active=True)
        .exclude(user=request.user)
        .select_related("user")
        .order_by("user__first_name", "extension")
    )
    state = availability.current_state(request.user)
    if state.state == PresenceState.LOGGED_OUT:
        selected = availability.Choice.LOGGED_OUT.value
    elif state.state == PresenceState.PAUSED:
        selected = f"paused:{state.pause_reason}"
    elif line is not None and line.on_mobile:
        selected = availability.Choice.ON_MOBILE.value
    else:
        selected = availability.Choice.AVAILABLE.value
    return {
        "config": config(request),
        "line": line,
        "open_path": open_path,
        "colleagues": colleagues,
        "trunks": outbound_trunks(),
        "pause_reasons": [(reason.value, reason.label) for reason in PAUSE_REASONS],
        "selected_availability": selected,
        "keypad": "123456789*0#",
        "ringtones": RINGTONES,
    }
