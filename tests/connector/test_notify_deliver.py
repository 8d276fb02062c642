"""The outbox is sent with each group's messages in their order and the groups at
once (on Redis a group_send is several round trips), on both channel layers."""

from channels.layers import get_channel_layer

from hotline_asterisk_connector import notify


async def test_each_groups_messages_arrive_in_order(channel_layer):
    layer = get_channel_layer()
    desk = await layer.new_channel()
    board = await layer.new_channel()
    await layer.group_add("consultant.1", desk)
    await layer.group_add("wallboard", board)
    outbox = [
        ("consultant.1", {"type": "call.ringing", "n": 1}),
        ("wallboard", {"type": "wallboard.call", "n": 2}),
        ("consultant.1", {"type": "call.answered", "n": 3}),
        ("consultant.1", {"type": "call.ended", "n": 4}),
    ]
    await notify.deliver(outbox)
    assert [(await layer.receive(desk))["n"] for _ in range(3)] == [1, 3, 4]
    assert (await layer.receive(board))["n"] == 2
