"""A real call from sipp through the real Asterisk pops up on the ringing consultant's
open page (a websocket client), with the card of the caller."""

import asyncio
from dataclasses import replace

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from hotline_asterisk_connector.connector import Connector
from hotline_crm.models import Client, ClientPhone
from tests.connector.running import forget_call_records
from tests.workspace.test_screen_pop import connect_as, next_pop, no_pops

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]

DEADLINE = 30


@pytest.fixture
def lines(pbx, role_groups, alice, bob):
    """Alice in the queue with her phone; Bob logged in elsewhere, not in the queue."""
    card = Client.objects.create(name="Оксана")
    ClientPhone.objects.create(client=card, number="+380671234567")
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.add_consultant(bob, "102")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    forget_call_records(pbx.asterisk)
    return card


async def test_a_real_call_pops_up_on_the_ringing_consultants_page(pbx, lines, alice):
    card = lines
    alice_page = await connect_as("alice")
    bob_page = await connect_as("bob")
    connector = Connector(replace(pbx.asterisk.connector_ami, heartbeat_seconds=5))
    stop = asyncio.Event()
    running = asyncio.create_task(connector.run(stop))
    try:
        await asyncio.wait_for(connector.connected.wait(), DEADLINE)
        await asyncio.to_thread(pbx.call, "kyivstar", "0671234567")
        inbound = await asyncio.to_thread(pbx.inbound, "0671234567")

        pop = await next_pop(alice_page)
        while pop["type"] != "call.ringing":  # her own state changes come too
            pop = await next_pop(alice_page)
        call = pop["call"]
        assert call["linkedid"] == inbound["Linkedid"]
        assert call["client"] == {"id": card.pk, "name": "Оксана"}
        assert (call["caller_number"], call["dialled_number"]) == ("+380671234567", "+380671110011")
        answered = await next_pop(alice_page)
        between = []
        while answered["type"] != "call.answered":
            between.append(answered["type"])
            answered = await next_pop(alice_page)
        assert answered["answered_by_you"] is True
        # One pop: the journal applied the ring after the fast path and sent none.
        assert "call.ringing" not in between
        assert await no_pops(bob_page, timeout=0.5)
        await asyncio.to_thread(pbx.hang_up, inbound["Channel"])
    finally:
        stop.set()
        await asyncio.wait_for(running, DEADLINE)
        await alice_page.disconnect()
        await bob_page.disconnect()
    assert await sync_to_async(lambda: alice.calls.get().disposition)() == "answered"
    await sync_to_async(connections.close_all)()  # the connection of asgiref's thread
