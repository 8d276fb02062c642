from asgiref.sync import async_to_sync
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline_asterisk_connector import clicktocall
from hotline_audit.trail import Kind, record
from hotline_crm import access as card_access
from hotline_crm import safe_contact
from hotline_crm.roles import is_staff_member, is_supervisor, require
from hotline_workspace import (
    access,
    availability,
    calls,
    desk,
    ice,
    journal,
    playback,
    worklist,
    wrapup,
)


@login_required
@require_GET
def journal_list(request: HttpRequest) -> HttpResponse:
    require(is_staff_member, request.user)
    form = journal.JournalFilter(request.GET or None, user=request.user)
    calls = journal.visible_calls(request.user)
    if form.is_bound:
        calls = form.apply(calls)
    page = journal.journal_page(calls, request.GET.get("older"), request.GET.get("newer"))
    query = request.GET.copy()
    for position in ("older", "newer", "page"):
        query.pop(position, None)
    # The supervisor's count of calls left without a form, per consultant.
    missing_forms = journal.without_form_by_consultant(calls) if is_supervisor(request.user) else []
    return render(
        request,
        "hotline_workspace/journal.html",
        {"form": form, "page": page, "query": query.urlencode(), "missing_forms": missing_forms},
    )


@login_required
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    require(is_staff_member, request.user)
    call = access.call_or_404(request.user, call_id)
    form = journal.CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        journal.add_comment(call, request.user, form.cleaned_data["text"])
        return redirect(reverse("hotline_workspace:call", args=[call.pk]) + "#comments")
    record(Kind.CALL_VIEW, request=request, obj=call, client=call.client_id)
    comments = call.comments.select_related("author")
    return render(
        request,
        "hotline_workspace/call_detail.html",
        {"call": call, "comments": comments, "form": form},
    )


@login_required
@require_GET
def call_recording(request: HttpRequest, call_id: int) -> HttpResponse:
    require(is_staff_member, request.user)
    return playback.play_recording(request, access.recording_or_404(request.user, call_id))


@login_required
@require_GET
def worklist_page(request: HttpRequest) -> HttpResponse:
    require(is_staff_member, request.user)
    entries = worklist.open_entries()
    shown = [entry.item.pk for entry in entries if entry.item.audio_file]
    # Unclaimed voice messages show their number, never their audio. Asked of
    # the messages shown only: every message ever left is tens of thousands.
    playable = access.worklist_for(request.user).filter(pk__in=shown)
    return render(
        request,
        "hotline_workspace/worklist.html",
        {"entries": entries, "playable": set(playable.values_list("pk", flat=True))},
    )


@login_required
@require_POST
def worklist_take(request: HttpRequest, item_id: int) -> HttpResponse:
    require(is_staff_member, request.user)
    entry = _entry_or_404(item_id)
    if not worklist.take(item_id, request.user):
        messages.error(request, _("Someone else is already calling this number back."))
    return redirect(reverse("hotline_workspace:worklist") + f"#{entry.key}")


@login_required
@require_POST
def worklist_outcome(request: HttpRequest, item_id: int) -> HttpResponse:
    require(is_staff_member, request.user)
    entry = _entry_or_404(item_id)
    outcome = request.POST.get("outcome")
    note = request.POST.get("note", "")[: journal.COMMENT_MAX_LENGTH]
    if outcome == "give_back":
        done = worklist.give_back(item_id, request.user)
    elif outcome == "acknowledged":
        done = worklist.acknowledge(item_id, request.user)
    elif outcome in {"reached", "not_reached"}:
        done = worklist.record_attempt(
            item_id, request.user, reached=outcome == "reached", note=note
        )
    else:
        messages.error(request, _("Choose how the call back went."))
        return redirect(reverse("hotline_workspace:worklist") + f"#{entry.key}")
    if not done:
        messages.error(request, _("This item is no longer yours: someone else has it now."))
    return redirect("hotline_workspace:worklist")


@login_required
@require_GET
def voice_message_audio(request: HttpRequest, item_id: int) -> HttpResponse:
    require(is_staff_member, request.user)
    item = access.voice_message_or_404(request.user, item_id)
    return playback.play_voice_message(request, item)


def _entry_or_404(item_id: int) -> worklist.Entry:
    entry = worklist.get_entry(item_id)
    if entry is None:
        raise Http404
    return entry


@login_required
@require_GET
def desk_page(request: HttpRequest) -> HttpResponse:
    require(is_staff_member, request.user)
    open_path = request.GET.get("open", "")
    if not (
        open_path.startswith("/")
        and url_has_allowed_host_and_scheme(open_path, allowed_hosts=None)
        and not open_path.startswith(reverse("hotline_workspace:desk"))
    ):
        open_path = reverse("hotline_crm:workspace")
    response = render(request, "hotline_workspace/desk.html", desk.desk_context(request, open_path))
    # The browser phone talks to Asterisk's WebSocket, which is not this origin.
    response._csp_update = {"connect-src": [desk.websocket_url(request)]}
    return response


@login_required
@require_GET
def desk_ice(request: HttpRequest) -> JsonResponse:
    """Fresh STUN/TURN servers for the signed-in consultant's own line, fetched
    before each call, so a desk left open for days never holds expired ones."""
    require(is_staff_member, request.user)
    line = desk.line_of(request.user)
    if line is None:
        raise Http404
    response = JsonResponse({"iceServers": ice.ice_servers(line, desk.page_host(request))})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def desk_status(request: HttpRequest) -> JsonResponse:
    require(is_staff_member, request.user)
    choice, _sep, reason = request.POST.get("state", "").partition(":")
    reason = request.POST.get("reason", "") or reason
    if choice not in availability.Choice.values:
        return JsonResponse({"ok": False, "error": _("Choose a status.")}, status=400)
    try:
        availability.set_availability(request.user, availability.Choice(choice), reason)
    except availability.MembershipError as error:
        return JsonResponse({"ok": False, "error": str(error)}, status=400)
    async_to_sync(wrapup.discard)(request.user.pk)
    return JsonResponse({"ok": True})


@login_required
@require_POST
def desk_dial(request: HttpRequest) -> JsonResponse:
    """Click-to-call: `{"ok": true, "call_id": …}`, or 400 with the reason in the user's words."""
    require(is_staff_member, request.user)
    trunk = request.POST.get("trunk", "").strip()
    if trunk and not trunk.isdigit():
        return JsonResponse(
            {"ok": False, "error": _("Choose one of the listed lines.")}, status=400
        )
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
        return JsonResponse({"ok": False, "error": str(error)}, status=400)
    return JsonResponse(
        {"ok": True, "call_id": call.pk, "briefing": safe_contact.briefing(call.client)}
    )


@login_required
@require_POST
def attach_client(request: HttpRequest, call_id: int, client_id: int) -> JsonResponse:
    require(is_staff_member, request.user)
    call = access.call_or_404(request.user, call_id)
    client = card_access.client_or_404(request.user, client_id)
    if not calls.attach_client(request.user, call, client):
        return JsonResponse(
            {"ok": False, "error": _("This call already belongs to another card.")}, status=400
        )
    return JsonResponse({"ok": True})
