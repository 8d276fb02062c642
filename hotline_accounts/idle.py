"""The idle timeout: a session nobody has used for a while ends.

Only what a person does counts: a page, a form, a frame in the desk. The
desk's own once-a-minute ping counts only while the consultant is in the
queue, since waiting for the next call is work too.
"""

import time

from django.http import HttpRequest

from hotline_accounts.policy import idle_timeout_seconds

LAST_SEEN = "hotline_last_seen"
# Writing the session on every request would be a database write per frame.
_RESOLUTION_SECONDS = 15


def expired(request: HttpRequest) -> bool:
    last_seen = request.session.get(LAST_SEEN)
    return last_seen is not None and time.time() - last_seen > idle_timeout_seconds()


def seen(request: HttpRequest) -> None:
    now = int(time.time())
    if now - request.session.get(LAST_SEEN, 0) >= _RESOLUTION_SECONDS:
        request.session[LAST_SEEN] = now


def keep_alive_for_the_queue(request: HttpRequest) -> bool:
    from hotline_asterisk_connector.models import ConsultantState, PresenceState

    in_queue = (
        ConsultantState.objects.filter(user=request.user)
        .exclude(state=PresenceState.LOGGED_OUT)
        .exists()
    )
    if in_queue:
        seen(request)
    return in_queue
