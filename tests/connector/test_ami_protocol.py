"""The AMI wire format, as Asterisk 22 writes it."""

from hotline_asterisk_connector.ami.protocol import iter_messages, parse, serialise, split_frames

HANGUP = (
    "Event: Hangup\r\nPrivilege: call,all\r\nChannel: PJSIP/carrier-00000001\r\n"
    "CallerIDNum: +380671234567\r\nCallerIDName: Олена Петренко\r\nUniqueid: 1732.1\r\n"
    "Linkedid: 1732.1\r\nCause: 16\r\nCause-txt: Normal Clearing\r\n\r\n"
).encode()


def test_frame_split_inside_a_cyrillic_letter_is_decoded_whole():
    cut = HANGUP.index("Олена".encode()) + 1  # in the middle of the two bytes of "О"
    frames, rest = split_frames(HANGUP[:cut])
    assert frames == []
    frames, rest = split_frames(rest + HANGUP[cut:])
    assert rest == b""
    message = parse(frames[0])
    assert message["CallerIDName"] == "Олена Петренко"
    assert message.event == "Hangup"
    assert message["Cause-txt"] == "Normal Clearing"


def test_values_keep_colons_and_empty_values_stay_empty():
    message = parse(b"Event: VarSet\r\nVariable: URI\r\nValue: sip:1001@127.0.0.1:5060\r\nX: ")
    assert message["Value"] == "sip:1001@127.0.0.1:5060"
    assert message["X"] == ""


def test_repeated_headers_are_all_kept():
    message = parse(b"Response: Success\r\nOutput: line one\r\nOutput: line two")
    assert message.all_values("Output") == ["line one", "line two"]
    assert message.is_success


def test_greeting_line_and_blank_frames_are_no_messages():
    stream = b"Asterisk Call Manager/9.0.0\r\n" + HANGUP + b"\r\n\r\n" + HANGUP
    assert [m.event for m in iter_messages(stream)] == ["Hangup", "Hangup"]


def test_a_newline_in_a_value_cannot_inject_a_header():
    data = serialise(
        "Originate", {"CallerID": "Evil\r\nAction: Command", "Variable": ["A=1", "B=2"]}
    )
    assert data == (
        b"Action: Originate\r\nCallerID: Evil  Action: Command\r\n"
        b"Variable: A=1\r\nVariable: B=2\r\n\r\n"
    )
