"""The desk's dial pad and card buttons call from the callee's operator unless told otherwise."""

import pytest

from hotline_asterisk_connector.clicktocall import _choose_trunk
from hotline_asterisk_connector.models import Operator, Trunk

pytestmark = pytest.mark.django_db


@pytest.fixture
def trunks() -> dict[str, Trunk]:
    def trunk(name: str, operator: Operator, number: str, **fields) -> Trunk:
        return Trunk.objects.create(
            name=name, operator=operator, number=number, host="127.0.0.1", **fields
        )

    return {
        "kyivstar": trunk("kyivstar", Operator.KYIVSTAR, "0671000000", is_default_outbound=True),
        "vodafone": trunk("vodafone", Operator.VODAFONE, "0501000000"),
        "lifecell": trunk("lifecell", Operator.LIFECELL, "0631000000"),
    }


def test_same_operator_as_the_callee(trunks):
    assert _choose_trunk(None, "+380501112233") == trunks["vodafone"]
    assert _choose_trunk(None, "+380931234567") == trunks["lifecell"]
    assert _choose_trunk(None, "+380671234567") == trunks["kyivstar"]


def test_landline_goes_out_on_the_default_line(trunks):
    assert _choose_trunk(None, "+380562345678") == trunks["kyivstar"]


def test_the_consultants_choice_wins(trunks):
    assert _choose_trunk(trunks["lifecell"].pk, "+380501112233") == trunks["lifecell"]
