"""The wallboard: a supervisor's websocket receives the whole board on connect, then
one small update per change, which add up to the board a fresh snapshot shows;
consultants and strangers are refused."""

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hotline.asgi import application
from hotline_asterisk_connector import journal, presence
from hotline_asterisk_connector.models import (
    Call,
    ConsultantState,
    Disposition,
    PauseReason,
    PresenceState,
)
from hotline_crm.roles import Role
from hotline_reports.consumers import CHANGES_EVERY_SECONDS, CLOSE_NOT_ALLOWED, TODAY_EVERY_SECONDS
from hotline_reports.live import wallboard_snapshot
from hotline_reports.wallboard_events import CHANGES, WALLBOARD_GROUP

DEADLINE = 10


@pytest.fixture
def role_groups(transactional_db) -> None:
    """A transactional test may start after a flush emptied the groups the migration made."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def session_headers(user) -> list[tuple[bytes, bytes]]:
    http = HttpClient()
    http.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
    return [
        (b"cookie", cookie.encode()),
        (b"origin", b"http://127.0.0.1"),
        (b"host", b"127.0.0.1"),
    ]


# Headers are made by sync fixtures, before the test's event loop runs, so that
# no database connection is left open in a worker thread.
@pytest.fixture
def carol_headers(role_groups, carol):
    return session_headers(carol)


@pytest.fixture
def alice_headers(role_groups, alice):
    return session_headers(alice)


async def open_wallboard(headers=None) -> tuple[WebsocketCommunicator, bool, int | None]:
    """Refused or not, the test disconnects the communicator, as Daphne does: a
    consumer left running is cancelled amid a Redis receive when the loop closes,
    which can hang (channels_redis)."""
    headers = headers or [(b"origin", b"http://127.0.0.1")]
    communicator = WebsocketCommunicator(application, "/ws/wallboard/", headers=headers)
    connected, code = await communicator.connect(timeout=DEADLINE)
    return communicator, connected, code


class Board:
    """The page's copy of the board, updated as wallboard.js updates it."""

    def __init__(self, snapshot: dict) -> None:
        assert snapshot["type"] == "wallboard.snapshot"
        self.state = snapshot
        self.messages = [snapshot["type"]]
        self.call_changes = 0

    def apply(self, message: dict) -> None:
        self.messages.append(message["type"])
        board = self.state
        if message["type"] == "wallboard.consultants":
            changed = {row["id"]: row for row in message["consultants"]}
            rows = [c for c in board["consultants"] if c["id"] not in changed]
            rows += changed.values()
            board["consultants"] = sorted(rows, key=lambda c: (c["rank"], c["name"]))
            board["counts"] = {s: sum(c["state"] == s for c in rows) for s in board["counts"]}
        elif message["type"] == "wallboard.calls":
            for change in message["calls"]:
                self.apply_call(change["call"], change["waiting"])
        elif message["type"] == "wallboard.today":
            for key in ("today", "to_call_back", "voicemails", "now"):
                board[key] = message[key]
        else:
            raise AssertionError(f"unexpected {message['type']}")

    def apply_call(self, call: dict, waiting: bool) -> None:
        self.call_changes += 1
        calls = [c for c in self.state["waiting"]["calls"] if c["id"] != call["id"]]
        calls += [call] if waiting else []
        calls.sort(key=lambda c: c["since"])
        self.state["waiting"] = {
            "count": len(calls),
            "longest_since": calls[0]["since"] if calls else None,
            "calls": calls,
        }


async def board_where(communicator: WebsocketCommunicator, board: Board, wanted) -> dict:
    """Apply the updates as they come until the board shows `wanted`."""
    while not wanted(board.state):
        board.apply(await communicator.receive_json_from(timeout=DEADLINE))
    return board.state


def without_time(board: dict) -> dict:
    return {key: value for key, value in board.items() if key not in ("now", "type")}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_supervisor_sees_a_caller_queue_and_a_consultant_take_the_call(carol_headers, alice):
    communicator, connected, _code = await open_wallboard(carol_headers)
    assert connected
    board = Board(await communicator.receive_json_from(timeout=DEADLINE))
    assert board.state["waiting"]["count"] == 0
    assert [c["name"] for c in board.state["consultants"]] == ["Аліна"]
    assert board.state["consultants"][0]["state"] == "logged_out"

    # The connector's own service functions announce each change to the group.
    queued_at = timezone.now()
    caller = journal.Caller(number="+380671234567")
    await database_sync_to_async(journal.open_inbound_call)(
        "wb-1", "wb-1", queued_at, caller, "0800300100"
    )
    await database_sync_to_async(journal.mark_queued)("wb-1", queued_at)
    waiting = await board_where(
        communicator, board, lambda b: b["waiting"]["count"] == 1 and b["today"]["received"] == 1
    )
    assert waiting["waiting"]["longest_since"] == queued_at.isoformat()
    # Nothing on the wallboard names the caller.
    assert "+380671234567" not in str(waiting)

    await database_sync_to_async(presence.set_state)(
        alice.pk, PresenceState.ON_CALL, timezone.now()
    )
    on_call = await board_where(communicator, board, lambda b: b["counts"]["on_call"] == 1)
    assert on_call["consultants"][0]["state_label"] == str(PresenceState.ON_CALL.label)
    assert on_call["consultants"][0]["since"] is not None

    answered = queued_at + timedelta(seconds=30)
    await database_sync_to_async(journal.record_leg_answered)(
        "wb-1", "wb-1-leg", answered, "PJSIP/web1001", alice.pk, hold_seconds=30
    )
    done = await board_where(
        communicator, board, lambda b: b["waiting"]["count"] == 0 and b["today"]["answered"]
    )
    assert done["today"]["service_level"] == 0.0  # waited 30 s, over the 20 s threshold
    # Only small updates after the first snapshot, and they add up to a fresh one.
    assert board.messages.count("wallboard.snapshot") == 1
    assert without_time(board.state) == without_time(
        await database_sync_to_async(wallboard_snapshot)()
    )
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_a_burst_of_changes_reads_todays_figures_once(carol_headers, alice):
    communicator, connected, _code = await open_wallboard(carol_headers)
    assert connected
    board = Board(await communicator.receive_json_from(timeout=DEADLINE))
    at = timezone.now()
    started = time.monotonic()
    for n in range(10):
        await database_sync_to_async(journal.open_inbound_call)(
            f"wb-b{n}", f"wb-b{n}", at, journal.Caller(number=""), "0800300100"
        )
        await database_sync_to_async(journal.mark_queued)(f"wb-b{n}", at)
    await board_where(
        communicator, board, lambda b: b["waiting"]["count"] == 10 and b["today"]["received"] == 10
    )
    # One call update per change; today's figures at most every TODAY_EVERY_SECONDS.
    seconds = time.monotonic() - started
    assert board.call_changes == 20
    assert board.messages.count("wallboard.today") <= seconds / TODAY_EVERY_SECONDS + 1
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_a_burst_of_one_consultants_changes_reads_her_row_once(carol_headers, alice):
    """The wallboard's consumer reads a changed consultant's row itself, half a second
    after the change; the changes that come meanwhile, or while it waits for the
    database, are read with it, not once each."""
    communicator, connected, _code = await open_wallboard(carol_headers)
    assert connected
    await communicator.receive_json_from(timeout=DEADLINE)  # the snapshot
    await database_sync_to_async(presence.set_state)(
        alice.pk, PresenceState.PAUSED, timezone.now(), pause_reason=PauseReason.TRAINING
    )
    assert (await communicator.receive_json_from(timeout=DEADLINE))["type"] == (
        "wallboard.consultants"
    )
    # The web process's database thread is busy while five changes of hers arrive.
    release = threading.Event()
    holding = asyncio.ensure_future(database_sync_to_async(release.wait)(DEADLINE))
    layer = get_channel_layer()
    for _ in range(5):
        await layer.group_send(WALLBOARD_GROUP, {"type": CHANGES, "consultants": [alice.pk]})
    await asyncio.sleep(0.5)  # delivered: a layer takes milliseconds
    release.set()
    await holding
    update = await communicator.receive_json_from(timeout=DEADLINE)
    assert update["type"] == "wallboard.consultants"
    assert [row["id"] for row in update["consultants"]] == [alice.pk]
    assert await communicator.receive_nothing(timeout=CHANGES_EVERY_SECONDS * 2)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_consultants_who_change_within_half_a_second_are_read_and_sent_together(
    carol_headers, alice, bob
):
    communicator, connected, _code = await open_wallboard(carol_headers)
    assert connected
    await communicator.receive_json_from(timeout=DEADLINE)  # the snapshot
    at = timezone.now()
    await database_sync_to_async(presence.set_state)(alice.pk, PresenceState.AVAILABLE, at)
    await database_sync_to_async(presence.set_state)(bob.pk, PresenceState.RINGING, at)
    await database_sync_to_async(presence.set_state)(alice.pk, PresenceState.ON_CALL, at)
    update = await communicator.receive_json_from(timeout=DEADLINE)
    assert update["type"] == "wallboard.consultants"
    rows = {row["name"]: row["state"] for row in update["consultants"]}
    assert rows == {"Аліна": "on_call", "Богдан": "ringing"}
    assert await communicator.receive_nothing(timeout=CHANGES_EVERY_SECONDS * 2)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_snapshot_speaks_the_supervisors_language(carol_headers, alice):
    english = [
        (
            name,
            value + f"; {settings.LANGUAGE_COOKIE_NAME}=en".encode()
            if name == b"cookie"
            else value,
        )
        for name, value in carol_headers
    ]
    communicator, connected, _code = await open_wallboard(english)
    assert connected
    first = await communicator.receive_json_from(timeout=DEADLINE)
    assert first["consultants"][0]["state_label"] == "Logged out"
    # The updates too, although the connector that sends them speaks Ukrainian.
    await database_sync_to_async(presence.set_state)(
        alice.pk, PresenceState.PAUSED, timezone.now(), pause_reason=PauseReason.BREAK
    )
    update = await communicator.receive_json_from(timeout=DEADLINE)
    assert update["type"] == "wallboard.consultants"
    [row] = update["consultants"]
    assert (row["state_label"], row["pause_reason"]) == ("Paused", "Break")
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_consultant_is_refused(alice_headers):
    communicator, connected, code = await open_wallboard(alice_headers)
    assert not connected
    assert code == CLOSE_NOT_ALLOWED
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_anonymous_is_refused(role_groups):
    communicator, connected, code = await open_wallboard()
    assert not connected
    assert code == CLOSE_NOT_ALLOWED
    await communicator.disconnect()


@pytest.mark.django_db
def test_snapshot_states_and_waits(alice, bob, carol):
    now = timezone.now()
    # Every call started now, only their waits began earlier: a call started
    # minutes ago is yesterday's in the first minutes of a Kyiv day, and
    # «today» would count fewer than six.
    for name, minutes in (("w1", 3), ("w2", 1)):
        Call.objects.create(
            linkedid=name, started_at=now, queued_at=now - timedelta(minutes=minutes)
        )
    # Left the queue for the «nobody is free» menu, still on the line: still waiting,
    # since they first joined the queue.
    Call.objects.create(
        linkedid="w3",
        started_at=now,
        queued_at=now - timedelta(minutes=5),
        wait_seconds=60,
        disposition=Disposition.NOBODY_AVAILABLE,
    )
    # Chose to leave a message, or hung up at the menu: no longer waiting.
    Call.objects.create(
        linkedid="w5",
        started_at=now,
        queued_at=now - timedelta(minutes=7),
        wait_seconds=60,
        disposition=Disposition.VOICEMAIL,
    )
    Call.objects.create(
        linkedid="w6",
        started_at=now,
        queued_at=now - timedelta(minutes=8),
        wait_seconds=60,
        ended_at=now,
        disposition=Disposition.NOBODY_AVAILABLE,
    )
    Call.objects.create(
        linkedid="w4",
        started_at=now,
        queued_at=now,
        answered_at=now,
        wait_seconds=0,
        disposition=Disposition.ANSWERED,
    )
    ConsultantState.objects.create(
        user=bob, state=PresenceState.PAUSED, pause_reason=PauseReason.BREAK, since=now
    )
    ConsultantState.objects.create(user=alice, state=PresenceState.AVAILABLE, since=now)
    snapshot = wallboard_snapshot()
    assert snapshot["waiting"]["count"] == 3
    assert snapshot["waiting"]["longest_since"] == (now - timedelta(minutes=5)).isoformat()
    # Available before paused; the supervisor (no consultant role) is not listed.
    assert [(c["name"], c["state"]) for c in snapshot["consultants"]] == [
        ("Аліна", "available"),
        ("Богдан", "paused"),
    ]
    assert snapshot["consultants"][1]["pause_reason"] == str(PauseReason.BREAK.label)
    assert snapshot["counts"]["available"] == 1 and snapshot["counts"]["paused"] == 1
    assert snapshot["today"]["received"] == 6


@pytest.mark.django_db
def test_wallboard_page_renders_the_snapshot(client, carol, alice):
    client.force_login(carol)
    response = client.get(reverse("hotline_reports:wallboard"))
    assert response.status_code == 200
    assert response.context["snapshot"]["consultants"][0]["name"] == "Аліна"
    assert b'id="wallboard-snapshot"' in response.content
    assert b"hotline_reports/wallboard.js" in response.content
