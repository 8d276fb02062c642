import pytest

from hotline_crm.phones import display, normalise


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
