"""A caller nobody could answer yet is still waiting: at the «nobody is free» menu
and in its keep-waiting loop they count on the wallboard, the journal says the
call is in progress, and it becomes missed only when the caller hangs up."""

import pytest

from hotline_asterisk_connector import journal
from hotline_asterisk_connector.models import Call, Disposition
from hotline_reports.live import wallboard_snapshot
from tests.connector.running import wait_for
from tests.integration.test_connector_calls import CALLER, connector, ended_call  # noqa: F401
from tests.support.ami import event, user_event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]


def in_dialplan(linkedid: str, exten: str):
    def matches(message) -> bool:
        return (
            message.event == "Newexten"
            and message.get("Linkedid") == linkedid
            and message.get("Exten") == exten
        )

    return matches


def test_a_caller_holding_on_with_nobody_free_is_waiting_until_they_hang_up(pbx, connector):  # noqa: F811
    pbx.add_trunks()
    pbx.apply()
    connector.start()

    pbx.call("tollfree", CALLER)
    inbound = pbx.inbound(CALLER)
    linkedid = inbound["Linkedid"]
    pbx.ami.wait_for(user_event("HotlineMenu", Linkedid=linkedid), since=pbx.mark)
    # No key pressed: the caller keeps their place and holds on with music.
    pbx.ami.wait_for(in_dialplan(linkedid, "keep-waiting"), since=pbx.mark, timeout=60)

    call = wait_for(
        lambda: Call.objects.filter(
            linkedid=linkedid, disposition=Disposition.NOBODY_AVAILABLE
        ).first(),
        "the menu in the journal",
    )
    assert list(journal.waiting_calls()) == [call]
    snapshot = wallboard_snapshot()
    assert snapshot["waiting"]["count"] == 1
    assert snapshot["waiting"]["longest_since"] == call.queued_at.isoformat()
    assert call.outcome_display() == "Триває"
    assert call not in journal.missed_calls()

    pbx.hang_up(inbound["Channel"])
    call = ended_call(linkedid)
    assert call.disposition == Disposition.NOBODY_AVAILABLE
    assert call.outcome_display() == "Ніхто не вільний"
    assert list(journal.waiting_calls()) == []
    assert wallboard_snapshot()["waiting"]["count"] == 0
    assert call in journal.missed_calls()


# No connector here: the roles the data migrations made must survive, which a
# transactional test's flush would remove.
@pytest.mark.django_db
def test_a_caller_holding_on_goes_back_to_the_queue_when_a_consultant_joins(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    # Far longer than the test waits: only the keep-waiting loop's own check
    # of the queue can bring the caller back in time.
    pbx.settings(max_wait_seconds=300)
    pbx.apply()
    log = pbx.asterisk.log_mark()

    pbx.call("tollfree", CALLER)
    linkedid = pbx.inbound(CALLER)["Linkedid"]
    pbx.ami.wait_for(in_dialplan(linkedid, "keep-waiting"), since=pbx.mark, timeout=60)
    assert "QUEUE_MEMBER" not in pbx.asterisk.log_since(log)

    mark = pbx.ami.mark()
    pbx.phone(line)
    pbx.log_in(line)
    # The loop looks every 2 s.
    called = pbx.ami.wait_for(event("AgentCalled", Linkedid=linkedid), since=mark, timeout=15)
    assert called["MemberName"] == "alice"
