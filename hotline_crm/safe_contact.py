"""How to reach a client without endangering them: the safe-contact profile of a card.

Callers of a violence line may live with the person who hurts them. A callback
at the wrong hour, a voice message or a careless "hello, this is the hotline"
to whoever picks up can put them in danger. The profile says when and how a
callback is safe; `warnings()` lists what a call now would go against, and
the consultant must confirm before dialling anyway (audited by the caller of
this module, hotline_asterisk_connector.clicktocall).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hotline_crm.models import CallbackSafety, Client, MessagePolicy
from hotline_crm.phones import display

SAFE_CONTACT_FIELDS = [
    "callback_safety",
    "safe_from",
    "safe_until",
    "safe_number",
    "messages_allowed",
    "code_word",
    "if_someone_else_answers",
]


def within_safe_hours(client: Client, at: datetime.datetime) -> bool | None:
    """Whether `at` (Kyiv time) falls in the client's safe hours; None when none are set.

    Hours may run past midnight (22:00–07:00)."""
    if client.safe_from is None or client.safe_until is None:
        return None
    now = timezone.localtime(at).time()
    start, end = client.safe_from, client.safe_until
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def warnings(client: Client | None, number: str, at: datetime.datetime | None = None) -> list[str]:
    """What dialling `number` for `client` now goes against, in the user's language."""
    if client is None:
        return []
    at = at or timezone.now()
    found = []
    if client.callback_safety == CallbackSafety.NEVER:
        found.append(_("The client asked not to be called back."))
    if within_safe_hours(client, at) is False:
        found.append(
            _("Now is outside the client's safe hours (%(start)s–%(end)s).")
            % {"start": f"{client.safe_from:%H:%M}", "end": f"{client.safe_until:%H:%M}"}
        )
    if client.safe_number and number and client.safe_number != number:
        found.append(
            _("The client asked to be called only on %(number)s.")
            % {"number": display(client.safe_number)}
        )
    return found


def briefing(client: Client | None) -> list[str]:
    """What the consultant should know before anyone answers: shown before every call."""
    if client is None:
        return []
    lines = []
    if client.callback_safety == CallbackSafety.SAFE:
        lines.append(_("A callback is safe."))
    if client.safe_from and client.safe_until:
        lines.append(
            _("Safe hours: %(start)s–%(end)s.")
            % {"start": f"{client.safe_from:%H:%M}", "end": f"{client.safe_until:%H:%M}"}
        )
    if client.messages_allowed:
        lines.append(str(MessagePolicy(client.messages_allowed).label).capitalize() + ".")
    if client.code_word:
        lines.append(_("Code word: %(word)s.") % {"word": client.code_word})
    if client.if_someone_else_answers:
        lines.append(
            _("If someone else answers: %(say)s") % {"say": client.if_someone_else_answers}
        )
    return lines
