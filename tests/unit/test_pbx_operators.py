"""Which operator's trunk an outgoing call takes, and the numbers as carriers want them."""

import pytest

from hotline_asterisk_connector.models import Operator
from hotline_asterisk_connector.pbx.operators import national, operator_of


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("+380 67 123 45 67", "0671234567"),
        ("380671234567", "0671234567"),
        ("(067) 123-45-67", "0671234567"),
        ("8 067 123 45 67", "0671234567"),
        ("0 800 500 123", "0800500123"),
        ("+48 22 123 45 67", "48221234567"),
    ],
)
def test_numbers_become_national_digits(written, digits):
    assert national(written) == digits


@pytest.mark.parametrize(
    ("number", "operator"),
    [
        ("0671234567", Operator.KYIVSTAR),
        ("+380681234567", Operator.KYIVSTAR),
        ("0961234567", Operator.KYIVSTAR),
        ("0971234567", Operator.KYIVSTAR),
        ("0981234567", Operator.KYIVSTAR),
        ("0771234567", Operator.KYIVSTAR),
        ("0501234567", Operator.VODAFONE),
        ("0661234567", Operator.VODAFONE),
        ("0951234567", Operator.VODAFONE),
        ("0991234567", Operator.VODAFONE),
        ("0751234567", Operator.VODAFONE),
        ("0631234567", Operator.LIFECELL),
        ("0731234567", Operator.LIFECELL),
        ("380931234567", Operator.LIFECELL),
    ],
)
def test_mobile_codes_name_their_operator(number, operator):
    assert operator_of(number) == operator


@pytest.mark.parametrize("number", ["0442223344", "0800500123", "067123456", "+48221234567", ""])
def test_landlines_short_and_foreign_numbers_have_no_operator(number):
    assert operator_of(number) is None
