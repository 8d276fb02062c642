"""The callback worklist: one task per caller, oldest first; one taker at a time;
attempts counted; tasks made from the connector's events."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline_asterisk_connector.models import Call, Disposition
from hotline_asterisk_connector.publish import (
    CallbackRequested,
    CallChange,
    CallChanged,
    CallSettled,
    MessageLeft,
    publish,
)
from hotline_workspace import worklist
from hotline_workspace.models import Kind, WorklistItem, WorkStatus
from tests.conftest import PASSWORD
from tests.workspace.conftest import KYIV, make_call

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, 2, hour, minute, tzinfo=KYIV)


def missed(linkedid: str, number: str, started: datetime.datetime, **fields) -> Call:
    """A missed call as the connector closes it: the row, then its "ended" event."""
    call = make_call(
        linkedid,
        caller_number=number,
        started_at=started,
        ended_at=started + datetime.timedelta(seconds=40),
        disposition=fields.pop("disposition", Disposition.NOBODY_AVAILABLE),
        **fields,
    )
    publish(CallChanged(call, CallChange.ENDED))
    return call


def left_message(call: Call, at_: datetime.datetime, audio_file: str = "vm.wav") -> None:
    publish(MessageLeft(call, at_, audio_file, 12))


def asked_for_callback(call: Call, at_: datetime.datetime, number: str) -> None:
    publish(CallbackRequested(call, at_, number, True))


def test_a_finished_missed_call_lands_on_the_worklist():
    call = missed("m.1", "+380671111111", at(9))
    item = WorklistItem.objects.get(call=call)
    assert (item.kind, item.caller_number, item.created_at, item.status) == (
        Kind.MISSED,
        "+380671111111",
        at(9),
        WorkStatus.PENDING,
    )


def test_answered_ringing_and_own_row_outcomes_do_not():
    publish(CallChanged(make_call("m.2", ended_at=at(10)), CallChange.ENDED))  # answered
    # Not finished yet: a caller at the menu may still be answered.
    publish(CallChanged(make_call("m.3", disposition=Disposition.NOBODY_AVAILABLE)))
    missed("m.4", "+380672222222", at(9), disposition=Disposition.VOICEMAIL)
    missed("m.5", "+380673333333", at(9), disposition=Disposition.CALLBACK_REQUESTED)
    assert not WorklistItem.objects.exists()


def test_withheld_misses_are_each_a_row_with_no_number():
    missed("m.6", "", at(9), caller_withheld=True)
    missed("m.6b", "", at(9, 5), caller_withheld=True)
    assert list(WorklistItem.objects.values_list("kind", "caller_number")) == [
        (Kind.MISSED, ""),
        (Kind.MISSED, ""),
    ]
    assert [entry.is_task for entry in worklist.open_entries()] == [False, False]


def test_repeated_misses_from_one_number_make_one_item():
    first = missed("m.7", "+380671111111", at(9))
    missed("m.8", "+380671111111", at(9, 5))
    missed("m.9", "+380671111111", at(9, 10))
    assert list(WorklistItem.objects.values_list("call_id", flat=True)) == [first.pk]


def test_a_message_from_a_number_whose_missed_call_waits_becomes_that_task():
    missed("v.1", "+380671111111", at(9))
    second = missed("v.2", "+380671111111", at(9, 30), disposition=Disposition.VOICEMAIL)
    left_message(second, at(9, 31), "2026/03/02/v.2.wav")
    item = WorklistItem.objects.get()
    # One task for the caller, of the message's kind, in the missed call's place.
    assert (item.kind, item.call, item.created_at, item.audio_file, item.duration_seconds) == (
        Kind.VOICEMAIL,
        second,
        at(9),
        "2026/03/02/v.2.wav",
        12,
    )


def test_a_message_keeps_the_claim_a_consultant_makes_while_it_is_written(alice, monkeypatch):
    missed("v.1", "+380671111111", at(9))
    second = missed("v.2", "+380671111111", at(9, 30), disposition=Disposition.VOICEMAIL)
    becoming = worklist._task_becoming

    def read_then_taken(call, kind, at_):
        item = becoming(call, kind, at_)  # the connector reads the waiting missed call
        assert worklist.take(item.pk, alice)  # and alice takes it, meanwhile
        return item

    monkeypatch.setattr(worklist, "_task_becoming", read_then_taken)
    left_message(second, at(9, 31))
    item = WorklistItem.objects.get()
    assert (item.kind, item.call, item.taken_by, item.audio_file) == (
        Kind.VOICEMAIL,
        second,
        alice,
        "vm.wav",
    )


def test_a_missed_call_after_a_message_adds_no_task():
    call = missed("v.3", "+380671111111", at(9), disposition=Disposition.VOICEMAIL)
    left_message(call, at(9, 1))
    missed("v.4", "+380671111111", at(9, 20))
    assert list(WorklistItem.objects.values_list("kind", "call_id")) == [(Kind.VOICEMAIL, call.pk)]


def test_a_callback_request_takes_over_the_waiting_missed_call():
    missed("c.1", "+380671111111", at(9))
    second = missed("c.2", "+380671111111", at(9, 5), disposition=Disposition.CALLBACK_REQUESTED)
    asked_for_callback(second, at(9, 6), "+380509999999")
    item = WorklistItem.objects.get()
    assert (item.kind, item.call, item.number_to_call, item.may_say_who_we_are) == (
        Kind.CALLBACK,
        second,
        "+380509999999",
        True,
    )
    assert worklist.Entry(item).number_to_call == "+380509999999"


def test_a_message_after_a_done_missed_call_is_a_new_task(alice):
    first = missed("v.5", "+380671111111", at(9))
    item = WorklistItem.objects.get(call=first)
    worklist.take(item.pk, alice)
    worklist.record_attempt(item.pk, alice, reached=True)
    second = missed("v.6", "+380671111111", at(12), disposition=Disposition.VOICEMAIL)
    left_message(second, at(12, 1))
    assert list(WorklistItem.objects.values_list("kind", "status")) == [
        (Kind.MISSED, WorkStatus.DONE),
        (Kind.VOICEMAIL, WorkStatus.PENDING),
    ]


def test_the_same_message_seen_twice_is_one_task():
    call = missed("v.7", "+380671111111", at(9), disposition=Disposition.VOICEMAIL)
    left_message(call, at(9, 1))
    left_message(call, at(9, 1))
    assert WorklistItem.objects.count() == 1


def test_a_missed_call_answered_after_all_is_withdrawn():
    call = missed("r.1", "+380671111111", at(9))
    assert WorklistItem.objects.filter(call=call).exists()
    call.disposition = Disposition.ANSWERED
    call.save()
    publish(CallSettled(call))
    assert not WorklistItem.objects.exists()


def test_withdrawing_a_missed_call_keeps_the_message_it_became():
    first = missed("r.2", "+380671111111", at(9))
    second = missed("r.3", "+380671111111", at(9, 5), disposition=Disposition.VOICEMAIL)
    left_message(second, at(9, 6))
    first.disposition = Disposition.ANSWERED
    first.save()
    publish(CallSettled(first))
    assert list(WorklistItem.objects.values_list("kind", "call_id")) == [
        (Kind.VOICEMAIL, second.pk)
    ]


def test_one_list_oldest_first():
    missed("w.1", "+380671111111", at(11))
    WorklistItem.objects.create(
        kind=Kind.VOICEMAIL, caller_number="+380672222222", audio_file="a.wav", created_at=at(9)
    )
    WorklistItem.objects.create(
        kind=Kind.CALLBACK, number_to_call="+380673333333", created_at=at(10)
    )
    entries = worklist.open_entries()
    assert [(entry.kind, entry.number_to_call) for entry in entries] == [
        ("voicemail", "+380672222222"),
        ("callback", "+380673333333"),
        ("missed", "+380671111111"),
    ]


def test_the_second_consultant_cannot_take_a_taken_item(alice, bob):
    request = WorklistItem.objects.create(kind=Kind.CALLBACK, number_to_call="+380673333333")
    assert worklist.take(request.pk, alice) is True
    assert worklist.take(request.pk, bob) is False
    request.refresh_from_db()
    assert request.taken_by == alice


def test_unreached_attempt_counts_and_returns_the_item(alice, bob):
    request = WorklistItem.objects.create(kind=Kind.CALLBACK, number_to_call="+380673333333")
    worklist.take(request.pk, alice)
    assert worklist.record_attempt(request.pk, alice, reached=False, note="no answer")
    request.refresh_from_db()
    assert (request.status, request.attempts, request.taken_by) == (WorkStatus.PENDING, 1, None)
    assert worklist.take(request.pk, bob)
    assert worklist.record_attempt(request.pk, bob, reached=True, note="говорили")
    request.refresh_from_db()
    assert (request.status, request.attempts, request.outcome_note) == (
        WorkStatus.DONE,
        2,
        "говорили",
    )
    assert worklist.open_entries() == []


def test_only_the_taker_records_the_outcome(alice, bob):
    request = WorklistItem.objects.create(kind=Kind.CALLBACK, number_to_call="+380673333333")
    worklist.take(request.pk, alice)
    assert worklist.record_attempt(request.pk, bob, reached=True) is False
    request.refresh_from_db()
    assert (request.status, request.taken_by) == (WorkStatus.TAKEN, alice)


def test_a_forgotten_claim_is_offered_again(alice, bob):
    request = WorklistItem.objects.create(kind=Kind.CALLBACK, number_to_call="+380673333333")
    worklist.take(request.pk, alice)
    WorklistItem.objects.filter(pk=request.pk).update(
        taken_at=timezone.now() - worklist.CLAIM_LIFETIME - datetime.timedelta(minutes=1)
    )
    assert worklist.take(request.pk, bob) is True


def test_page_offers_a_taken_request_only_to_its_taker(client, alice, bob):
    request = WorklistItem.objects.create(kind=Kind.CALLBACK, number_to_call="+380673333333")
    client.login(username=alice.username, password=PASSWORD)
    take_url = reverse("hotline_workspace:take", args=[request.pk])
    assert client.post(take_url).status_code == 302
    alices_page = client.get(reverse("hotline_workspace:worklist")).content.decode()
    assert 'data-dial="+380673333333"' in alices_page

    client.login(username=bob.username, password=PASSWORD)
    bobs_page = client.get(reverse("hotline_workspace:worklist")).content.decode()
    assert take_url not in bobs_page
    assert 'data-dial="+380673333333"' not in bobs_page
    assert "Аліна" in bobs_page
    # Bob's page was loaded before Alice clicked: his late click must not steal it.
    response = client.post(take_url, follow=True)
    assert "Цьому номеру вже передзвонює хтось інший." in response.content.decode()
    request.refresh_from_db()
    assert request.taken_by == alice


def test_outcome_through_the_page(client, alice):
    call = missed("p.1", "+380671111111", at(9))
    item = WorklistItem.objects.get(call=call)
    client.login(username=alice.username, password=PASSWORD)
    client.post(reverse("hotline_workspace:take", args=[item.pk]))
    client.post(
        reverse("hotline_workspace:outcome", args=[item.pk]),
        {"outcome": "not_reached", "note": "вимкнений"},
    )
    item.refresh_from_db()
    assert (item.status, item.attempts, item.outcome_note) == (WorkStatus.PENDING, 1, "вимкнений")


def test_unknown_item_is_404(client, alice):
    client.login(username=alice.username, password=PASSWORD)
    assert client.post(reverse("hotline_workspace:take", args=[1])).status_code == 404


def test_a_withheld_missed_call_cannot_be_taken_only_acknowledged(client, alice):
    call = missed("a.1", "", at(9), caller_withheld=True)
    item = WorklistItem.objects.get(call=call)
    assert worklist.take(item.pk, alice) is False
    client.login(username=alice.username, password=PASSWORD)
    client.post(reverse("hotline_workspace:outcome", args=[item.pk]), {"outcome": "acknowledged"})
    item.refresh_from_db()
    assert (item.status, item.taken_by) == (WorkStatus.DONE, alice)
    assert worklist.open_entries() == []


def test_voicemail_audio_streams_to_the_consultant_who_took_it(client, alice, settings, tmp_path):
    settings.VOICEMAIL_DIR = tmp_path
    (tmp_path / "msg.wav").write_bytes(b"RIFF0123456789")
    voicemail = WorklistItem.objects.create(
        kind=Kind.VOICEMAIL, caller_number="+380672222222", audio_file="msg.wav"
    )
    client.login(username=alice.username, password=PASSWORD)
    url = reverse("hotline_workspace:voicemail_audio", args=[voicemail.pk])
    # Unclaimed, it shows its number only: neither the page nor the URL plays it.
    assert url not in client.get(reverse("hotline_workspace:worklist")).content.decode()
    assert client.get(url).status_code == 404

    client.post(reverse("hotline_workspace:take", args=[voicemail.pk]))
    assert url in client.get(reverse("hotline_workspace:worklist")).content.decode()
    response = client.get(url, headers={"Range": "bytes=4-7"})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"0123"
