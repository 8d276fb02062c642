"""The outbox is sent with each group's messages in their order and the groups at
once (on Redis a group_send is several round trips), on both channel layers;
summaries at most every SUMMARY_SECONDS, and only when they changed."""

import asyncio

from channels.layers import get_channel_layer

from hotline_asterisk_connector import notify
from tests.support.inbox import inbox


async def a_desk_and_a_wallboard():
    """The layer, and a channel in the group of consultant 1 and one in the wallboard's."""
    layer = get_channel_layer()
    desk = await layer.new_channel()
    board = await layer.new_channel()
    await layer.group_add("consultant.1", desk)
    await layer.group_add("wallboard", board)
    return layer, desk, board


async def test_each_groups_messages_arrive_in_order(channel_layer):
    layer, desk, board = await a_desk_and_a_wallboard()
    outbox = [
        ("consultant.1", {"type": "call.ringing", "n": 1}),
        ("wallboard", {"type": "wallboard.changes", "n": 2}),
        ("consultant.1", {"type": "call.answered", "n": 3}),
        ("consultant.1", {"type": "call.ended", "n": 4}),
    ]
    await notify.deliver(outbox)
    assert [(await layer.receive(desk))["n"] for _ in range(3)] == [1, 3, 4]
    assert (await layer.receive(board))["n"] == 2


async def test_an_outboxs_parts_to_a_group_go_as_one_message_of_lists(channel_layer):
    layer, desk, board = await a_desk_and_a_wallboard()
    with notify.collecting() as outbox:
        notify.emit_part("wallboard", "wallboard.changes", consultants=7)
        notify.emit("consultant.1", {"type": "call.ringing", "n": 1})
        notify.emit_part("wallboard", "wallboard.changes", calls="a waits", consultants=8)
        notify.emit_part("wallboard", "wallboard.changes", calls="a answered")
        notify.emit_part("wallboard", "wallboard.changes", calls="a waits", consultants=7)
    await notify.deliver(outbox)
    assert (await layer.receive(desk))["n"] == 1
    # One message; a change given again counts as the newest, so it moves to the end.
    assert await layer.receive(board) == {
        "type": "wallboard.changes",
        "consultants": [8, 7],
        "calls": ["a answered", "a waits"],
    }
    async with inbox(layer, board) as box:
        assert await box.within(0.5) == []


async def test_a_summary_goes_at_most_every_summary_seconds_and_only_when_it_changed(
    channel_layer, monkeypatch
):
    monkeypatch.setattr(notify, "SUMMARY_SECONDS", 0.3)
    layer = get_channel_layer()
    desk = await layer.new_channel()
    await layer.group_add("desks", desk)

    async def summarise(count: int) -> None:
        with notify.collecting() as outbox:
            notify.emit("desks", {"type": "queue.waiting", "count": count}, summary=True)
        await notify.deliver(outbox)

    async with inbox(layer, desk) as box:
        for count in (1, 2, 3):  # within SUMMARY_SECONDS of each other
            await summarise(count)
        assert (await box.next(5))["count"] == 1  # the first at once
        # 2 was replaced by 3 before its time came; 3 comes once it has.
        assert (await box.next(5))["count"] == 3
        await asyncio.sleep(0.4)
        await summarise(3)  # what the desks were told last: not sent again
        await summarise(4)
        assert (await box.next(5))["count"] == 4
        await summarise(5)
        await summarise(4)  # back to what was sent before 5's time came: nothing to send
        assert await box.within(1) == []


async def test_other_messages_are_not_held_back(channel_layer):
    layer = get_channel_layer()
    desk = await layer.new_channel()
    await layer.group_add("consultant.1", desk)
    for n in range(3):
        await notify.deliver([("consultant.1", {"type": "call.ringing", "n": n})])
    assert [(await layer.receive(desk))["n"] for _ in range(3)] == [0, 1, 2]


# A group no other test joins: the Redis layer's groups outlive a test.
BOARD = "board-only-when-listened"


async def test_a_group_sent_to_only_when_listened_reaches_a_page_that_just_joined(
    channel_layer, monkeypatch
):
    monkeypatch.setattr(notify, "_only_when_listened", {BOARD})
    layer = get_channel_layer()
    board = await layer.new_channel()
    assert not await notify._has_members(layer, BOARD)
    await notify.deliver([(BOARD, {"type": "wallboard.changes", "n": 1})])  # nobody there
    await layer.group_add(BOARD, board)  # then the wallboard reads its snapshot
    assert await notify._has_members(layer, BOARD)
    async with inbox(layer, board) as box:
        await notify.deliver([(BOARD, {"type": "wallboard.changes", "n": 2})])
        assert (await box.next(5))["n"] == 2
    await layer.group_discard(BOARD, board)
    assert not await notify._has_members(layer, BOARD)


async def test_a_group_nobody_listens_to_is_asked_about_once_a_batch(channel_layer, monkeypatch):
    """Most batches: no wallboard open and several parts for it. Whether anyone
    listens is a round trip on Redis: asked once, not once a part."""
    from hotline_reports.wallboard_events import CHANGES, WALLBOARD_GROUP

    asked = []
    has_members = notify._has_members

    async def counted(layer, group: str) -> bool:
        asked.append(group)
        return await has_members(layer, group)

    monkeypatch.setattr(notify, "_has_members", counted)
    layer = get_channel_layer()
    desk = await layer.new_channel()
    await layer.group_add("consultant.1", desk)
    with notify.collecting() as outbox:
        for consultant in (7, 8, 9):
            notify.emit_part(WALLBOARD_GROUP, CHANGES, consultants=consultant)
        notify.emit("consultant.1", {"type": "call.ringing", "n": 1})
    async with inbox(layer, desk) as box:
        await notify.deliver(outbox)
        assert await box.next(5) == {"type": "call.ringing", "n": 1}
    assert asked == [WALLBOARD_GROUP]
