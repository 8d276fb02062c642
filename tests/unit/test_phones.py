import pytest
from django.utils import translation

from hotline_crm.phones import display, normalise, why_invalid


@pytest.mark.parametrize(
    "raw",
    ["+380 67 123 45 67", "0671234567", "380671234567", "80671234567", "(067) 123-45-67"],
)
def test_ukrainian_mobile_written_any_way_gives_one_e164_number(raw):
    phone = normalise(raw, "UA")
    assert phone.is_e164
    assert phone.value == "+380671234567"
    assert phone.raw == raw


def test_toll_free_number_is_kept_as_the_0800_number():
    phone = normalise("0 800 500 335", "UA")
    assert phone.value == "+380800500335"
    assert display(phone.value) == "0800 500 335"


@pytest.mark.parametrize("raw", ["anonymous", "112", "Unknown", ""])
def test_withheld_or_short_caller_ids_are_kept_raw(raw):
    phone = normalise(raw, "UA")
    assert not phone.is_e164
    assert phone.value == raw


@pytest.mark.parametrize(
    "typed",
    ["+380 67 123 45 67", "0671234567", "80671234567", "(067) 123-45-67", "0 800 500 335", ""],
)
def test_valid_or_empty_numbers_have_nothing_wrong(typed):
    assert why_invalid(typed, "UA") is None


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("067 123 45 6", "Too short: a full number has 10 digits, for example 050 123 4567."),
        ("+380 67 123 456", "Too short: a full number has 10 digits, for example 050 123 4567."),
        ("8 067 123 45 6", "Too short: a full number has 10 digits, for example 050 123 4567."),
        ("112", "Too short: a full number has 10 digits, for example 050 123 4567."),
        ("067 123 45 678", "Too long: a full number has 10 digits, for example 050 123 4567."),
        ("380 67 123 45 678", "Too long: a full number has 10 digits, for example 050 123 4567."),
        (
            "012 345 67 89",
            "No operator or area uses numbers beginning with 012: check the first digits.",
        ),
        (
            "000 123 45 67",
            "No operator or area uses numbers beginning with 000: check the first digits.",
        ),
        ("+999 1234 5678", "No country has the code after the plus sign: check the first digits."),
        ("+1 202 555 010", "This is not a valid number for the country code +1."),
        (
            "067 12З 45 67",
            "A phone number may contain only digits, spaces, brackets, dashes "
            "and a plus sign at the start.",
        ),
    ],
)
def test_invalid_number_gets_the_reason(typed, reason):
    with translation.override("en"):
        assert why_invalid(typed, "UA") == reason
