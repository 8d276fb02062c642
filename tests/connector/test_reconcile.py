"""`manage.py reconcile_journal`: the journal against Asterisk's records, field by field."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from hotline_asterisk_connector import journal, notify
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, Disposition, Reconciliation
from tests.connector.test_exact_after_outage import (
    LINKEDID,
    T0,
    answered_rows,
    at,
    before_the_kill,
    event,
)

SINCE = ["--since", (T0.replace(hour=0)).isoformat()]


def journal_as_events_saw_it(alice) -> None:
    """The whole call, heard while connected: answered at 8.3 s, ended at 30 s."""
    router = EventRouter()
    with notify.collecting():
        before_the_kill(router, alice)
        router.apply(
            event(
                "AgentConnect",
                8.3,
                Interface="Local/101@hotline-consultant",
                DestChannel="Local/101@hotline-consultant-00000001;1",
                DestUniqueid="hotline-1764064805.2",
                HoldTime="4",
                RingTime="3",
            )
        )
        router.apply(event("Hangup", 30))


def run(*args: str) -> str:
    out = StringIO()
    call_command("reconcile_journal", *SINCE, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_journal_that_matches_the_records_has_no_difference(role_groups, records, alice_line):
    records(*answered_rows())
    journal_as_events_saw_it(alice_line)
    assert run().splitlines() == ["Calls checked: 1; differences: 0"]
    assert Reconciliation.objects.get().differences == 0


@pytest.mark.django_db(transaction=True)
def test_every_wrong_field_is_printed_and_fix_corrects_them(role_groups, records, alice_line):
    records(*answered_rows())
    with notify.collecting():
        before_the_kill(EventRouter(), alice_line)
        journal.end_call(LINKEDID, at(30))  # the answer was never heard: abandoned
    with pytest.raises(CommandError, match="4 differences"):
        run()
    printed = Reconciliation.objects.get().details.splitlines()
    assert [line.split(": ", 1)[1].split(" ", 1)[0] for line in printed] == [
        "outcome",
        "consultant",
        "answered",
        "talk",
    ]
    assert "outcome abandoned, Asterisk: answered" in printed[0]

    assert run("--fix").splitlines()[-1] == "Calls checked: 1; differences: 0; corrected: 1"
    call = Call.objects.get()
    assert (call.disposition, call.consultant, call.talk_seconds) == (
        Disposition.ANSWERED,
        alice_line,
        22,
    )
    assert run().splitlines() == ["Calls checked: 1; differences: 0"]


@pytest.mark.django_db(transaction=True)
def test_a_call_missing_from_the_journal_and_a_missing_recording_are_differences(
    role_groups, records, alice_line, settings, tmp_path
):
    rows = answered_rows()
    rows[0]["recording"] = str(tmp_path / "2026/11/25" / f"{LINKEDID}.wav")
    records(*rows)
    with pytest.raises(CommandError, match="1 differences"):
        run()
    assert Reconciliation.objects.get().details == f"{LINKEDID}: missing from the journal"
    journal_as_events_saw_it(alice_line)
    with pytest.raises(CommandError, match="1 differences"):
        run()
    assert "missing or empty" in Reconciliation.objects.first().details


@pytest.mark.django_db(transaction=True)
def test_the_status_page_shows_the_last_result(role_groups, records, alice_line, client, dave):
    records(*answered_rows())
    journal_as_events_saw_it(alice_line)
    run()
    client.force_login(dave)
    page = client.get(reverse("hotline_admin:status"), HTTP_ACCEPT_LANGUAGE="uk")
    assert "Звірка з АТС: 0 розбіжностей" in page.content.decode()
