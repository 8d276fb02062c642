"""The screen pop's fast path: in a batch of events, each AgentCalled and its own
call's earlier events are applied (and the pop sent) before the other calls'."""

from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.connector import pops_first


def message(name: str, linkedid: str = "", **fields: str) -> Message:
    return Message({"Event": name, **({"Linkedid": linkedid} if linkedid else {}), **fields})


def test_each_pop_with_its_own_calls_earlier_events_goes_first():
    batch = [
        message("Hangup", "A"),
        message("UserEvent", "B", UserEvent="HotlineInbound"),
        message("QueueMemberStatus", Interface="Local/1001@hotline-consultant"),
        message("QueueCallerJoin", "B"),
        message("AgentComplete", "C"),
        message("AgentCalled", "B"),
        message("AgentRingNoAnswer", "B"),
        message("AgentCalled", "D"),
    ]
    urgent, rest = pops_first(batch)
    assert [(m.event, m.get("Linkedid", "")) for m in urgent] == [
        ("UserEvent", "B"),
        ("QueueCallerJoin", "B"),
        ("AgentCalled", "B"),
        ("AgentCalled", "D"),
    ]
    assert [(m.event, m.get("Linkedid", "")) for m in rest] == [
        ("Hangup", "A"),
        ("QueueMemberStatus", ""),
        ("AgentComplete", "C"),
        ("AgentRingNoAnswer", "B"),
    ]


def test_a_batch_without_a_pop_keeps_its_order():
    batch = [message("Hangup", "A"), message("QueueCallerJoin", "B")]
    assert pops_first(batch) == ([], batch)
