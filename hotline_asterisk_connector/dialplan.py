"""Names the connector shares with the rendered Asterisk configuration.

Kept in one place so the templates (hotline_asterisk_connector/pbx and
asterisk/templates) and the connector cannot drift apart unnoticed.
"""

from hotline_asterisk_connector.models import ConsultantLine, Trunk

QUEUE = "hotline"
# Rings every device of one consultant (browser, smartphone, mobile).
CONSULTANT_CONTEXT = "hotline-consultant"
# One hint per consultant: busy if either device is, free if either is free.
HINTS_CONTEXT = "hotline-hints"
# Dials the number in EXTEN through the trunk named in HOTLINE_TRUNK.
OUTBOUND_CONTEXT = "hotline-outbound"


def consultant_dial_target(line: ConsultantLine) -> str:
    return f"Local/{line.extension}@{CONSULTANT_CONTEXT}"


def queue_interface(line: ConsultantLine) -> str:
    return consultant_dial_target(line)


def state_interface(line: ConsultantLine) -> str | None:
    """What the queue watches: the hint that combines the consultant's devices. A
    consultant also reached on a mobile number has none: they are free whenever
    no call of theirs is up, whatever their app's registration says."""
    if line.forward_to_mobile and line.mobile_number:
        return None
    return f"hint:{line.extension}@{HINTS_CONTEXT}"


def outbound_exten(e164: str) -> str:
    return e164.removeprefix("+")


def outbound_variables(trunk: Trunk, linkedid: str) -> list[str]:
    return [f"HOTLINE_TRUNK={trunk.name}", f"HOTLINE_CALL={linkedid}"]
