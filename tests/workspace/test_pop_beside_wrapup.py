"""A consultant's screen pop never waits for their wrap-up.

The web process runs every database (and Asterisk) wait of its consumers on one
thread. After a wave of hang-ups each desk starts its consultant's wrap-up
there, and under load the consultant's next ring comes while those waits are
queued: the desk must show that pop at once, whatever the thread is doing.
"""

import asyncio
import threading

import pytest
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from hotline_reports.consumers import WallboardConsumer
from hotline_workspace.consumers import DeskConsumer
from hotline_workspace.screenpop import consultant_group
from tests.workspace.conftest import make_call
from tests.workspace.test_screen_pop import DEADLINE, connect_as

pytestmark = pytest.mark.usefixtures("channel_layer")


@pytest.mark.django_db(transaction=True)
async def test_a_pop_arrives_while_the_wrapup_waits_for_the_database(role_groups, alice):
    finished = await database_sync_to_async(make_call)(
        "1796000000.1", consultant=alice, answered_at=timezone.now(), ended_at=timezone.now()
    )
    desk = await connect_as("alice")
    assert (await desk.receive_json_from(timeout=DEADLINE))["type"] == "queue.waiting"
    layer = get_channel_layer()
    group = consultant_group(alice.pk)
    # Through, so the desk's connect (its own queries) has finished.
    ended = {"type": "call.ended", "call_id": finished.pk}
    await layer.group_send(group, ended)
    assert await desk.receive_json_from(timeout=DEADLINE) == ended

    busy = threading.Event()
    release = threading.Event()

    def hold_the_database_thread() -> None:
        busy.set()
        release.wait(DEADLINE)

    holding = asyncio.ensure_future(database_sync_to_async(hold_the_database_thread)())
    await asyncio.get_running_loop().run_in_executor(None, busy.wait, DEADLINE)
    try:
        await layer.group_send(group, {"type": "call.finished", "call_id": finished.pk})
        ringing = {"type": "call.ringing", "call": {"linkedid": "1796000001.1"}}
        await layer.group_send(group, ringing)

        assert await desk.receive_json_from(timeout=DEADLINE) == ringing
        assert not release.is_set()  # the database thread was held all along
    finally:
        release.set()
        await holding
    await desk.disconnect()


@pytest.mark.parametrize("consumer", [DeskConsumer, WallboardConsumer])
def test_every_message_passed_on_at_once_has_its_handler(consumer):
    for kind in consumer.without_database:
        assert callable(getattr(consumer, get_handler_name({"type": kind}), None)), kind
