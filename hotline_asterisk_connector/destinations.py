"""Where consultants may call: the NGO's outbound policy, one table for the app and the PBX.

A leaked SIP password must not become a phone bill, so outgoing calls reach
only Ukrainian landline and mobile numbers unless the administrator allows
more (PbxSettings: a switch and a list of prefixes). The same rules are
enforced twice: by the desk before it asks Asterisk to dial
(clicktocall.place_call), and by the dialplan for whatever a consultant's
phone dials itself (`asterisk_patterns` renders them into extensions.conf).

Numbers are compared as E.164 digits without the `+`. The Ukrainian codes
follow the national numbering plan as libphonenumber describes it (fixed
line and mobile; tests/unit/test_destinations.py checks the table against
it): 0800 free numbers, 0900 premium-rate services, 089 VoIP and short
numbers are not among them.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UKRAINE = "380"
# National significant numbers are 9 digits; these are their first digits.
FIXED_LINE_CODES = (
    *(f"3{d}" for d in "12345678"),
    *(f"4{d}" for d in "1345678"),
    *(f"5{d}" for d in "1234567"),
    *(f"6{d}" for d in "12459"),
)
MOBILE_CODES = (
    "39",
    "50",
    "63",
    "66",
    "67",
    "68",
    *(f"7{d}" for d in "12357"),
    "790",
    *(f"9{d}" for d in "123456789"),
)
UKRAINIAN_CODES = FIXED_LINE_CODES + MOBILE_CODES
_NATIONAL_LENGTH = 9
# Ranges no prefix of the administrator's may reach into: premium-rate
# services (0900…, 0901…, … 0909…) and the 070 information services.
PREMIUM_PREFIXES = (f"{UKRAINE}90", f"{UKRAINE}70")
E164_MAX_DIGITS = 15
MAX_PREFIXES = 30

_NON_DIGITS = re.compile(r"\D")
_PREFIX = re.compile(r"^\+[0-9]{1,15}\Z")
_SEPARATORS = re.compile(r"[\s,;]+")


def e164_digits(dialled: str) -> str:
    """What the dialplan makes of a dialled number, as E.164 digits; "" for short numbers.

    Mirrors [hotline-route] and [hotline-outbound] in extensions.conf: 380 and
    nine digits, or 0 and nine, are Ukrainian; 00… is international; other
    digits of 11 or more are E.164 without the +; anything else is a short
    number (112, 1414), which no prefix allows.
    """
    digits = _NON_DIGITS.sub("", dialled)
    if len(digits) == 12 and digits.startswith(UKRAINE):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "38" + digits
    if len(digits) >= 11:
        return digits
    return ""


def parse_prefixes(text: str) -> tuple[str, ...]:
    """The administrator's list (`+48, +380800`) as digits; ValidationError says what is wrong."""
    items = [item for item in _SEPARATORS.split(text.strip()) if item]
    if len(items) > MAX_PREFIXES:
        raise ValidationError(
            _("At most %(count)d prefixes.") % {"count": MAX_PREFIXES}, code="too_many"
        )
    prefixes = []
    for item in items:
        if not _PREFIX.match(item):
            raise ValidationError(
                _("“%(item)s” is not a prefix: write + and the digits, e.g. +48 or +380800.")
                % {"item": item[:40]},
                code="invalid",
            )
        digits = item[1:]
        if any(digits.startswith(p) or p.startswith(digits) for p in PREMIUM_PREFIXES):
            raise ValidationError(
                _(
                    "“%(item)s” would allow premium-rate numbers (0900…, 070…), "
                    "which stay closed; write a narrower prefix."
                )
                % {"item": item},
                code="premium",
            )
        if digits not in prefixes:
            prefixes.append(digits)
    return tuple(prefixes)


def validate_prefixes(text: str) -> None:
    parse_prefixes(text)


@dataclass(frozen=True)
class DiallingPolicy:
    """Ukrainian landline and mobile numbers, plus `extra_prefixes` (digits) when allowed."""

    extra_prefixes: tuple[str, ...] = ()

    def allows(self, dialled: str) -> bool:
        digits = e164_digits(dialled)
        if not digits or len(digits) > E164_MAX_DIGITS:
            return False
        national = digits.removeprefix(UKRAINE)
        ukrainian = len(digits) == 12 and national != digits
        if ukrainian and any(national.startswith(code) for code in UKRAINIAN_CODES):
            return True
        return any(digits.startswith(prefix) for prefix in self.extra_prefixes)

    def asterisk_patterns(self) -> list[str]:
        """Extensions of [hotline-allowed-destinations]: each matches allowed E.164 digits."""
        patterns = [
            f"_{UKRAINE}{code}" + "X" * (_NATIONAL_LENGTH - len(code)) for code in UKRAINIAN_CODES
        ]
        for prefix in self.extra_prefixes:
            # The prefix itself is a whole number too (one allowed number).
            patterns += [prefix, f"_{prefix}."]
        return patterns


def policy(allow_other: bool, prefixes: str) -> DiallingPolicy:
    return DiallingPolicy(parse_prefixes(prefixes) if allow_other else ())
