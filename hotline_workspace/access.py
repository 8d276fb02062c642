"""Who may reach which call, recording, voice message, callback request and missed call.

The twin of `hotline_crm.access` for the call journal and the worklist.
Supervisors and administrators reach everything. A consultant reaches the
calls they handled, were rung for, or claimed on the worklist, and the
voice messages, callback requests and missed calls of those calls or
claimed by them. An unclaimed worklist item shows only what is needed to
call back (number, time, kind): its audio, card and call stay closed until
it is taken. Views fetch only through these functions, so anything outside
them is a 404, exactly like an id that does not exist.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from hotline_asterisk_connector.models.calls import Call, CallLeg
from hotline_crm.roles import User, is_staff_member, is_supervisor
from hotline_workspace.models import Kind, WorklistItem


def calls_for(user: User) -> QuerySet[Call]:
    if is_supervisor(user):
        return Call.objects.all()
    if not is_staff_member(user):
        return Call.objects.none()
    # A withheld number's missed call is only marked seen, never taken to call
    # back: seeing the row opens nothing.
    claimed = WorklistItem.objects.filter(taken_by=user).exclude(kind=Kind.MISSED, caller_number="")
    return Call.objects.filter(
        Q(consultant=user)
        | Q(pk__in=CallLeg.objects.filter(consultant=user).values("call_id"))
        | Q(pk__in=claimed.values("call_id"))
    )


def call_or_404(user: User, pk: int) -> Call:
    return _get_or_404(calls_for(user), pk)


def recording_or_404(user: User, call_pk: int) -> Call:
    """The call whose recording the user may hear: one they may open, with a recording."""
    return _get_or_404(calls_for(user).exclude(recording_file=""), call_pk)


def worklist_for(user: User) -> QuerySet[WorklistItem]:
    """The items whose audio, card and call the user may open: all for a supervisor;
    for a consultant those they took and those of calls they may open."""
    if is_supervisor(user):
        return WorklistItem.objects.all()
    if not is_staff_member(user):
        return WorklistItem.objects.none()
    return WorklistItem.objects.filter(Q(taken_by=user) | Q(call__in=calls_for(user)))


def voice_message_or_404(user: User, pk: int) -> WorklistItem:
    """An item with a voice message the user may hear."""
    return _get_or_404(worklist_for(user).exclude(audio_file=""), pk)


def _get_or_404(queryset: QuerySet, pk: int):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None
