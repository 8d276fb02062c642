"""Which Ukrainian mobile operator a number belongs to, by its code.

Calling a client from a number of the same operator is free or cheap for
the NGO and more likely to be answered, so outgoing calls default to the
trunk of the callee's operator. Codes move between operators only through
number portability, which a prefix table cannot see; a ported number just
goes out through another operator's trunk and still connects.
"""

import re

from hotline_asterisk_connector.models import Operator

# Mobile codes after the trunk prefix 0 (national format 0XX XXX XX XX).
OPERATOR_CODES: dict[Operator, tuple[str, ...]] = {
    Operator.KYIVSTAR: ("067", "068", "096", "097", "098", "077"),
    Operator.VODAFONE: ("050", "066", "095", "099", "075"),
    Operator.LIFECELL: ("063", "073", "093"),
}

_NON_DIGITS = re.compile(r"\D")


def national(number: str) -> str:
    """A Ukrainian number in national digits (0XXXXXXXXX); other numbers as bare digits.

    Accepts what people and carriers write: +380 67 123 45 67, 380671234567,
    (067) 123-45-67, 8 067 123 45 67 (the pre-2010 long-distance prefix).
    """
    digits = _NON_DIGITS.sub("", number)
    if digits.startswith("380") and len(digits) == 12:
        return "0" + digits[3:]
    if digits.startswith("80") and len(digits) == 11:
        return digits[1:]
    return digits


def operator_of(number: str) -> Operator | None:
    """The mobile operator whose code `number` starts with, or None (landline, foreign, short)."""
    digits = national(number)
    if len(digits) != 10 or not digits.startswith("0"):
        return None
    for operator, codes in OPERATOR_CODES.items():
        if digits[:3] in codes:
            return operator
    return None
