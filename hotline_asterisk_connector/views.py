"""Click-to-call and queue membership endpoints, called by the workspace page's script.

They answer JSON: `{"ok": true, …}` or, with status 400, `{"ok": false, "error": "…"}`
with the reason in the user's language.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline_asterisk_connector import clicktocall, membership
from hotline_asterisk_connector.models import ConsultantState, PauseReason, PresenceState
from hotline_crm import safe_contact
from hotline_crm.roles import is_staff_member, require


@login_required
@require_POST
def dial(request: HttpRequest) -> JsonResponse:
    require(is_staff_member, request.user)
    trunk = request.POST.get("trunk", "").strip()
    if trunk and not trunk.isdigit():
        return _refused(_("Choose one of the listed lines."))
    try:
        call = clicktocall.place_call(
            request.user,
            request.POST.get("number", ""),
            int(trunk) if trunk else None,
            confirmed=request.POST.get("confirmed") == "1",
            request=request,
        )
    except clicktocall.NeedsConfirmation as error:
        # 409: nothing was dialled; the page asks the consultant and posts again.
        return JsonResponse(
            {"ok": False, "confirm": True, "error": str(error), "warnings": error.warnings},
            status=409,
        )
    except clicktocall.ClickToCallError as error:
        return _refused(str(error))
    return JsonResponse(
        {"ok": True, "call_id": call.pk, "briefing": safe_contact.briefing(call.client)}
    )


@login_required
@require_POST
def queue_action(request: HttpRequest, action: str) -> JsonResponse:
    require(is_staff_member, request.user)
    try:
        if action == "login":
            membership.log_in(request.user)
        elif action == "logout":
            membership.log_out(request.user)
        elif action == "pause":
            reason = request.POST.get("reason", "")
            if reason not in PauseReason.values:
                return _refused(_("Choose a reason for the pause."))
            membership.pause(request.user, PauseReason(reason))
        elif action == "unpause":
            membership.unpause(request.user)
        else:
            return JsonResponse({"ok": False, "error": _("Unknown action.")}, status=404)
    except membership.MembershipError as error:
        return _refused(str(error))
    return JsonResponse({"ok": True})


@login_required
@require_GET
def my_state(request: HttpRequest) -> JsonResponse:
    require(is_staff_member, request.user)
    state = ConsultantState.objects.filter(user=request.user).first()
    if state is None:
        state = ConsultantState(user=request.user, state=PresenceState.LOGGED_OUT)
    return JsonResponse(
        {
            "ok": True,
            "state": state.state,
            "label": state.get_state_display(),
            "pause_reason": state.pause_reason,
            "since": state.since.isoformat(),
            "pause_reasons": [
                {"value": v, "label": str(label)} for v, label in PauseReason.choices
            ],
        }
    )


def _refused(message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=400)
