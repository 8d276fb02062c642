"""`make run`'s demo gives `make call` a 0-800 line and the demo consultants browser phones."""

import pytest
from django.core.management import call_command

from hotline_asterisk_connector.models import ConsultantLine, Operator, Trunk
from hotline_crm.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_demo_lines_are_added_once():
    make_user("consultant", Role.CONSULTANT)
    make_user("consultant2", Role.CONSULTANT)
    call_command("load_demo_desk")
    call_command("load_demo_desk")
    assert sorted(Trunk.objects.values_list("operator", flat=True)) == sorted(
        [Operator.TOLL_FREE, Operator.KYIVSTAR]
    )
    assert sorted(ConsultantLine.objects.values_list("extension", "user__username")) == [
        ("1001", "consultant"),
        ("1002", "consultant2"),
    ]


def test_real_trunks_are_left_alone():
    Trunk.objects.create(
        name="real", operator=Operator.TOLL_FREE, number="0800123456", host="sip.example.org"
    )
    call_command("load_demo_desk")
    assert list(Trunk.objects.values_list("name", flat=True)) == ["real"]
