"""Phone numbers as the hotline meets them.

Cards store numbers in E.164 so a ringing number finds its card with one
exact index lookup. Callers' networks also send withheld, short or odd caller
IDs; those are real callers, so the raw value is kept rather than dropped.
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

_DIGITS = re.compile(r"\d+")
# What people put in a written number besides digits.
_NOT_IN_A_NUMBER = re.compile(r"[^\d\s()+\-./]")
# Before 2010 Ukrainian long-distance calls began with 8, and people still
# write mobile numbers as 8 0XX XXX XX XX.
_OLD_LONG_DISTANCE = re.compile(r"^80\d{9}$")


# What carriers and Asterisk put in place of a number the caller withheld
# (RFC 3323 "anonymous", Asterisk's "<unknown>", the carriers' own words).
_WITHHELD = {
    "",
    "anonymous",
    "anonymous@anonymous.invalid",
    "unknown",
    "<unknown>",
    "restricted",
    "private",
    "private number",
    "withheld",
    "number withheld",
    "unavailable",
    "not available",
    "blocked",
    "no caller id",
    "null",
    "<null>",
}


def is_withheld(number: str, presentation: str = "") -> bool:
    """Whether a caller ID is no number to call back: withheld, unknown, or presented
    as restricted (Asterisk's CALLERID(pres) `prohib_…`, from SIP `Privacy: id`)."""
    if presentation.lower().startswith("prohib"):
        return True
    text = (number or "").strip().lower()
    return text in _WITHHELD or not _DIGITS.search(text)


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


def why_invalid(raw: str, region: str | None = None) -> str | None:
    """Why a number someone typed is not a valid phone number, or None when it is.

    Used for what people type; caller IDs from the network go through
    `normalise`, which keeps odd ones raw instead of refusing them.
    """
    text = (raw or "").strip()
    region = region or settings.PHONE_REGION
    if not text or normalise(text, region).is_e164:
        return None
    if _NOT_IN_A_NUMBER.search(text):
        return _(
            "A phone number may contain only digits, spaces, brackets, dashes "
            "and a plus sign at the start."
        )
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    example_text = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    full_length = len("".join(_DIGITS.findall(example_text)))
    try:
        parsed = phonenumbers.parse(_prepare(text), region)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return _("No country has the code after the plus sign: check the first digits.")
        return _("Too short: a full number has %(digits)s digits, for example %(example)s.") % {
            "digits": full_length,
            "example": example_text,
        }
    if parsed.country_code != example.country_code:
        return _("This is not a valid number for the country code +%(code)s.") % {
            "code": parsed.country_code
        }
    prefix = phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix or ""
    national = _national_digits(text, str(parsed.country_code), prefix)
    expected = len(phonenumbers.national_significant_number(example))
    if len(national) < expected:
        return _("Too short: a full number has %(digits)s digits, for example %(example)s.") % {
            "digits": full_length,
            "example": example_text,
        }
    if len(national) > expected:
        return _("Too long: a full number has %(digits)s digits, for example %(example)s.") % {
            "digits": full_length,
            "example": example_text,
        }
    return _(
        "No operator or area uses numbers beginning with %(start)s: check the first digits."
    ) % {"start": prefix + national[:2]}


def _national_digits(text: str, country_code: str, prefix: str) -> str:
    """The digits after the country code or trunk prefix, counted as the person typed them.

    phonenumbers keeps the trunk 0 of a number too short to be real, so its
    own national number would miscount.
    """
    if text.lstrip().startswith("+"):
        return "".join(_DIGITS.findall(text))[len(country_code) :]
    digits = _prepare(text)
    if digits.startswith("80"):
        digits = digits[1:]  # the old long-distance 8, whatever the length
    if prefix and digits.startswith(prefix):
        return digits[len(prefix) :]
    if digits.startswith(country_code):
        return digits[len(country_code) :]
    return digits


def _prepare(text: str) -> str:
    """The text phonenumbers should parse: digits only, without an old leading 8."""
    if text.lstrip().startswith("+"):
        return text
    digits = "".join(_DIGITS.findall(text))
    return digits[1:] if _OLD_LONG_DISTANCE.match(digits) else digits


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    digits = "".join(_DIGITS.findall(text))
    if len(digits) < 7:
        return None
    try:
        parsed = phonenumbers.parse(_prepare(text), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return parsed
