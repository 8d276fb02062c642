"""The callback worklist: one list, oldest first; one taker at a time; attempts counted."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline_asterisk_connector.models import CallbackRequest, Disposition, Voicemail, WorkStatus
from hotline_workspace import worklist
from hotline_workspace.models import MissedCall
from tests.conftest import PASSWORD
from tests.workspace.conftest import KYIV, make_call

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, 2, hour, minute, tzinfo=KYIV)


def missed(linkedid: str, number: str, started: datetime.datetime, **fields):
    return make_call(
        linkedid,
        caller_number=number,
        started_at=started,
        ended_at=started + datetime.timedelta(seconds=40),
        disposition=fields.pop("disposition", Disposition.NOBODY_AVAILABLE),
        **fields,
    )


def test_a_finished_missed_call_lands_on_the_worklist():
    call = missed("m.1", "+380671111111", at(9))
    item = MissedCall.objects.get(call=call)
    assert item.caller_number == "+380671111111"
    assert item.created_at == at(9)
    assert item.status == WorkStatus.PENDING


def test_answered_ringing_and_own_row_outcomes_do_not():
    make_call("m.2", ended_at=at(10))  # answered
    make_call("m.3", disposition=Disposition.NOBODY_AVAILABLE)  # not finished yet
    missed("m.4", "+380672222222", at(9), disposition=Disposition.VOICEMAIL)
    missed("m.5", "+380673333333", at(9), disposition=Disposition.CALLBACK_REQUESTED)
    assert MissedCall.objects.count() == 0


def test_withheld_misses_are_each_a_row_with_no_number():
    missed("m.6", "", at(9), caller_withheld=True)
    missed("m.6b", "", at(9, 5), caller_withheld=True)
    assert list(MissedCall.objects.values_list("caller_number", flat=True)) == ["", ""]
    assert [entry.is_task for entry in worklist.open_entries()] == [False, False]


def test_repeated_misses_from_one_number_make_one_item():
    first = missed("m.7", "+380671111111", at(9))
    missed("m.8", "+380671111111", at(9, 5))
    missed("m.9", "+380671111111", at(9, 10))
    assert list(MissedCall.objects.values_list("call_id", flat=True)) == [first.pk]


def test_one_list_oldest_first():
    missed("w.1", "+380671111111", at(11))
    Voicemail.objects.create(caller_number="+380672222222", audio_file="a.wav", created_at=at(9))
    CallbackRequest.objects.create(number_to_call="+380673333333", created_at=at(10))
    entries = worklist.open_entries()
    assert [(entry.kind, entry.number_to_call) for entry in entries] == [
        ("voicemail", "+380672222222"),
        ("callback", "+380673333333"),
        ("missed", "+380671111111"),
    ]


def test_the_second_consultant_cannot_take_a_taken_item(alice, bob):
    request = CallbackRequest.objects.create(number_to_call="+380673333333")
    assert worklist.take("callback", request.pk, alice) is True
    assert worklist.take("callback", request.pk, bob) is False
    request.refresh_from_db()
    assert request.taken_by == alice


def test_unreached_attempt_counts_and_returns_the_item(alice, bob):
    request = CallbackRequest.objects.create(number_to_call="+380673333333")
    worklist.take("callback", request.pk, alice)
    assert worklist.record_attempt("callback", request.pk, alice, reached=False, note="no answer")
    request.refresh_from_db()
    assert (request.status, request.attempts, request.taken_by) == (WorkStatus.PENDING, 1, None)
    assert worklist.take("callback", request.pk, bob)
    assert worklist.record_attempt("callback", request.pk, bob, reached=True, note="говорили")
    request.refresh_from_db()
    assert (request.status, request.attempts, request.outcome_note) == (
        WorkStatus.DONE,
        2,
        "говорили",
    )
    assert worklist.open_entries() == []


def test_only_the_taker_records_the_outcome(alice, bob):
    request = CallbackRequest.objects.create(number_to_call="+380673333333")
    worklist.take("callback", request.pk, alice)
    assert worklist.record_attempt("callback", request.pk, bob, reached=True) is False
    request.refresh_from_db()
    assert (request.status, request.taken_by) == (WorkStatus.TAKEN, alice)


def test_a_forgotten_claim_is_offered_again(alice, bob):
    request = CallbackRequest.objects.create(number_to_call="+380673333333")
    worklist.take("callback", request.pk, alice)
    CallbackRequest.objects.filter(pk=request.pk).update(
        taken_at=timezone.now() - worklist.CLAIM_LIFETIME - datetime.timedelta(minutes=1)
    )
    assert worklist.take("callback", request.pk, bob) is True


def test_page_offers_a_taken_request_only_to_its_taker(client, alice, bob):
    request = CallbackRequest.objects.create(number_to_call="+380673333333")
    client.login(username=alice.username, password=PASSWORD)
    take_url = reverse("hotline_workspace:take", args=["callback", request.pk])
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
    item = MissedCall.objects.get(call=call)
    client.login(username=alice.username, password=PASSWORD)
    client.post(reverse("hotline_workspace:take", args=["missed", item.pk]))
    client.post(
        reverse("hotline_workspace:outcome", args=["missed", item.pk]),
        {"outcome": "not_reached", "note": "вимкнений"},
    )
    item.refresh_from_db()
    assert (item.status, item.attempts, item.outcome_note) == (WorkStatus.PENDING, 1, "вимкнений")


def test_unknown_kind_is_404(client, alice):
    client.login(username=alice.username, password=PASSWORD)
    assert client.post(reverse("hotline_workspace:take", args=["nonsense", 1])).status_code == 404


def test_voicemail_audio_streams_to_the_consultant_who_took_it(client, alice, settings, tmp_path):
    settings.VOICEMAIL_DIR = tmp_path
    (tmp_path / "msg.wav").write_bytes(b"RIFF0123456789")
    voicemail = Voicemail.objects.create(caller_number="+380672222222", audio_file="msg.wav")
    client.login(username=alice.username, password=PASSWORD)
    url = reverse("hotline_workspace:voicemail_audio", args=[voicemail.pk])
    # Unclaimed, it shows its number only: neither the page nor the URL plays it.
    assert url not in client.get(reverse("hotline_workspace:worklist")).content.decode()
    assert client.get(url).status_code == 404

    client.post(reverse("hotline_workspace:take", args=["voicemail", voicemail.pk]))
    assert url in client.get(reverse("hotline_workspace:worklist")).content.decode()
    response = client.get(url, headers={"Range": "bytes=4-7"})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"0123"
