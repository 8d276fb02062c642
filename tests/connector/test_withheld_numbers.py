"""A caller who withheld their number is a caller without a number: stored as
withheld, shown «Номер приховано», never offered as a new card's number, and on
the worklist as nothing to call back."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from hotline_asterisk_connector import journal, notify
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, Disposition
from hotline_crm.phones import is_withheld
from hotline_workspace import worklist

T0 = datetime(2026, 11, 25, 22, 0, 0, tzinfo=UTC)

# What Asterisk reports as CallerIDNum for callers of the carriers who hide it.
WITHHELD = ["anonymous", "Anonymous", "unknown", "<unknown>", "Restricted", "PRIVATE", "", " "]


@pytest.mark.parametrize("number", WITHHELD)
def test_carriers_words_for_no_number_are_withheld(number):
    assert is_withheld(number)


@pytest.mark.parametrize("number", ["0671234567", "+380671234567", "112", "067-123-45-67"])
def test_real_numbers_are_not_withheld(number):
    assert not is_withheld(number)


def test_a_restricted_presentation_withholds_even_a_real_number():
    # SIP `Privacy: id` with a trusted P-Asserted-Identity: Asterisk knows the
    # number but the caller asked not to show it.
    assert is_withheld("0671234567", "prohib_passed_screen")
    assert not is_withheld("0671234567", "allowed_not_screened")


def inbound(linkedid: str, number: str, name: str = "", presentation: str = "") -> Message:
    fields = {
        "Event": "UserEvent",
        "UserEvent": "HotlineInbound",
        "Channel": "PJSIP/trunk-kyivstar-00000001",
        "Uniqueid": linkedid,
        "Linkedid": linkedid,
        "CallerIDNum": number,
        "CallerIDName": name,
        "Did": "+380800500123",
        "Timestamp": str(T0.timestamp()),
    }
    if presentation:
        fields["Presentation"] = presentation
    return Message(fields)


@pytest.mark.parametrize(
    ("number", "name", "presentation"),
    [
        ("anonymous", "Anonymous", ""),
        ("unknown", "", ""),
        ("", "", ""),
        ("0671234567", "Олена", "prohib_passed_screen"),
    ],
)
def test_withheld_caller_is_stored_without_a_number(db, number, name, presentation):
    with notify.collecting():
        EventRouter().apply(inbound("W1", number, name, presentation))
    call = Call.objects.get(linkedid="W1")
    assert call.caller_withheld
    assert (call.caller_number, call.caller_number_raw, call.caller_name) == ("", "", "")
    assert call.client is None


def test_a_shown_number_is_not_withheld(db):
    with notify.collecting():
        EventRouter().apply(inbound("S1", "0671234567", "Олена"))
    call = Call.objects.get(linkedid="S1")
    assert not call.caller_withheld
    assert call.caller_number == "+380671234567"


def test_pop_of_a_withheld_caller_says_so_and_offers_no_number(alice):
    with translation.override("uk"), notify.collecting() as outbox:
        router = EventRouter()
        router.apply(inbound("W2", "anonymous", "Anonymous"))
        journal.record_leg_rung("W2", "W2.leg", T0 + timedelta(seconds=5), "", alice.pk)
    pops = [message for _group, message in outbox if message["type"] == "call.ringing"]
    call = pops[0]["call"]
    assert call["caller_withheld"] is True
    assert call["caller_number_display"] == "Номер приховано"
    assert (call["caller_number"], call["new_card_number"]) == ("", "")


def test_an_unanswered_withheld_call_is_on_the_worklist_as_no_number_to_call_back(
    client, alice, bob
):
    with notify.collecting():
        EventRouter().apply(inbound("W3", "anonymous"))
        journal.mark_queued("W3", T0 + timedelta(seconds=3))
        journal.end_call("W3", T0 + timedelta(seconds=20))
    call = Call.objects.get(linkedid="W3")
    assert call.disposition == Disposition.ABANDONED
    assert call in journal.missed_calls()
    [entry] = worklist.open_entries()
    assert (entry.kind, entry.item.call, entry.number_to_call) == ("missed", call, "")
    assert not entry.is_task
    # Not a task: nobody can take it to call back, anyone can say they saw it.
    assert not worklist.take(entry.item.pk, bob)
    client.force_login(alice)
    page = client.get(
        reverse("hotline_workspace:worklist"), HTTP_ACCEPT_LANGUAGE="uk"
    ).content.decode()
    row = page[page.index(f'id="item-{entry.item.pk}"') :].split("</tr>")[0]
    assert "Номер приховано: нема куди передзвонити" in row
    assert "Переглянуто, прибрати зі списку" in row
    assert "Я передзвонюю" not in row and "Я прослухаю" not in row
    client.post(
        reverse("hotline_workspace:outcome", args=[entry.item.pk]),
        {"outcome": "acknowledged"},
    )
    assert worklist.open_entries() == []
    entry.item.refresh_from_db()
    assert (entry.item.status, entry.item.taken_by) == ("done", alice)
    # Saying she saw the row gives Alice no access to the call.
    assert client.get(reverse("hotline_workspace:call", args=[call.pk])).status_code == 404


def test_a_withheld_callers_voice_message_has_no_number_to_call_back(client, alice, db):
    with notify.collecting():
        EventRouter().apply(inbound("W4", "anonymous"))
        journal.record_voicemail("W4", T0 + timedelta(seconds=30), "/nowhere/W4-anonymous.wav", 7)
    [entry] = worklist.open_entries()
    assert entry.number_to_call == ""
    client.force_login(alice)
    page = client.get(
        reverse("hotline_workspace:worklist"), HTTP_ACCEPT_LANGUAGE="uk"
    ).content.decode()
    assert "Номер приховано: нема куди передзвонити" in page
    assert "Я прослухаю" in page
