"""The wallboard's listen, whisper and barge buttons, and the supervisor's phone behind them.

The supervisor's browser phone registers from the wallboard page itself
(static/hotline_reports/supervise.js, with the desk's softphone.js) and
answers the listening call by itself; the service that audits and rings is
hotline_asterisk_connector/supervise.py.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline_asterisk_connector.models import ConsultantLine
from hotline_asterisk_connector.supervise import Mode, SuperviseError, supervise
from hotline_crm.roles import is_supervisor, require
from hotline_workspace.desk import page_host, websocket_url


def phone_config(request: HttpRequest) -> dict | None:
    """What the wallboard's phone needs: the supervisor's own line only, else None."""
    line = ConsultantLine.objects.filter(user=request.user, is_active=True).first()
    if line is None:
        return None
    return {
        "sip": {
            "ws_url": websocket_url(request),
            "ice_url": reverse("hotline_workspace:ice"),
            "uri": f"sip:{line.webrtc_endpoint}@{page_host(request)}",
            "password": line.webrtc_password,
            "display_name": request.user.get_full_name() or request.user.get_username(),
        },
        "url": reverse("hotline_reports:supervise"),
        "modes": {mode.value: str(mode.label) for mode in Mode},
    }


@login_required
@require_POST
def supervise_call(request: HttpRequest) -> JsonResponse:
    """POST consultant=<user id>&mode=listen|whisper|barge: ring the supervisor's phone."""
    require(is_supervisor, request.user)
    mode = request.POST.get("mode", "")
    raw_id = request.POST.get("consultant", "")
    consultant = None
    if raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= 9:
        consultant = get_user_model().objects.filter(pk=int(raw_id)).first()
    if consultant is None or mode not in Mode.values:
        return JsonResponse({"error": _("No such consultant or way to join a call.")}, status=400)
    try:
        channel = supervise(request.user, consultant, Mode(mode), request=request)
    except SuperviseError as error:
        return JsonResponse({"error": str(error)}, status=409)
    return JsonResponse({"ok": True, "channel": channel.name})
