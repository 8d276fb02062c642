"""Phone numbers as the hotline meets them.

Cards store numbers in E.164 so a ringing number finds its card with one
exact index lookup. Callers' networks also send withheld, short or odd caller
IDs; those are real callers, so the raw value is kept rather than dropped.
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings

_DIGITS = re.compile(r"\d+")
# Before 2010 Ukrainian long-distance calls began with 8, and people still
# write mobile numbers as 8 0XX XXX XX XX.
_OLD_LONG_DISTANCE = re.compile(r"^80\d{9}$")


@dataclass(frozen=True)
class Phone:
    """A phone number: `value` is E.164 when it could be parsed, else the raw text."""

    value: str
    raw: str
    is_e164: bool


def normalise(raw: str, region: str | None = None) -> Phone:
    """Return the E.164 form of `raw`, or `raw` itself (stripped) when it is not a number."""
    text = (raw or "").strip()
    parsed = _parse(text, region or settings.PHONE_REGION)
    if parsed is None:
        return Phone(value=text, raw=text, is_e164=False)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return Phone(value=e164, raw=text, is_e164=True)


def lookup_key(raw: str) -> str:
    """The value a number is stored and looked up under."""
    return normalise(raw).value


def display(value: str) -> str:
    """A stored value written the way a Ukrainian reads a number."""
    if not value.startswith("+"):
        return value
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if parsed.country_code == 380:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    digits = "".join(_DIGITS.findall(text))
    if len(digits) < 7:
        return None
    candidate = text
    if not text.lstrip().startswith("+"):
        candidate = digits[1:] if _OLD_LONG_DISTANCE.match(digits) else digits
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return parsed
