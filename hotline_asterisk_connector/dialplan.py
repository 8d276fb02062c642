"""Names the connector shares with the rendered Asterisk configuration.

Kept in one place so the templates (hotline_asterisk_connector/pbx and
asterisk/templates) and the connector cannot drift apart unnoticed.
"""

from hotline_asterisk_connector.models import ConsultantLine, Trunk

QUEUE = "hotline"
# Rings every device of one consultant (browser, smartphone, mobile).
CONSULTANT_CONTEXT = "hotline-consultant"
# Rings the consultant EXTEN's mobile number through a trunk.
MOBILE_CONTEXT = "hotline-mobile"
# One hint per consultant: busy if either device is, free if either is free.
HINTS_CONTEXT = "hotline-hints"
# Dials the number in EXTEN through the trunk named in HOTLINE_TRUNK.
OUTBOUND_CONTEXT = "hotline-outbound"
# Rings a supervisor's own phones (browser answering by itself, app) to listen in.
SUPERVISOR_PHONE_CONTEXT = "hotline-supervisor-phone"
# Runs ChanSpy on HOTLINE_SPY_CHANNEL; the extension is the mode (supervise.Mode).
SUPERVISE_CONTEXT = "hotline-supervise"


def consultant_dial_target(line: ConsultantLine) -> str:
    return f"Local/{line.extension}@{CONSULTANT_CONTEXT}"


def click_to_call_channel(line: ConsultantLine) -> str:
    """The channel a click-to-call originates: the call's first channel, which
    the journal ends the call with, so it must not optimise itself away once
    both sides answer (/n). It did not while it carried the recording; now an
    outgoing call is recorded on the callee's leg, if at all (decision 0021)."""
    return f"{consultant_dial_target(line)}/n"


def queue_interface(line: ConsultantLine) -> str:
    return consultant_dial_target(line)


def state_interface(line: ConsultantLine) -> str:
    """What the queue watches: the hint that combines the consultant's devices (and
    their mobile, free while no call to it is up: see extensions.conf)."""
    return f"hint:{line.extension}@{HINTS_CONTEXT}"


def outbound_exten(e164: str) -> str:
    return e164.removeprefix("+")


def outbound_variables(trunk: Trunk, linkedid: str, line: ConsultantLine) -> list[str]:
    # HOTLINE_CONSULTANT: whose outgoing call it is (one at a time, extensions.conf);
    # the consultant's own phones have it from their endpoint.
    return [
        f"HOTLINE_TRUNK={trunk.name}",
        f"HOTLINE_CALL={linkedid}",
        f"HOTLINE_CONSULTANT={line.extension}",
    ]


def supervisor_dial_target(line: ConsultantLine) -> str:
    # /n: the Local channel must stay, ChanSpy runs on its first half.
    return f"Local/{line.extension}@{SUPERVISOR_PHONE_CONTEXT}/n"


def supervise_variables(
    channel: str, consultant: ConsultantLine, supervisor: ConsultantLine
) -> list[str]:
    return [
        f"HOTLINE_SPY_CHANNEL={channel}",
        f"HOTLINE_SPY_EXTENSION={consultant.extension}",
        f"HOTLINE_SUPERVISOR={supervisor.extension}",
    ]
