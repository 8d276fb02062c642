"""A statement (statements.py) reads what its queryset reads, with SQL built once."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline_asterisk_connector.models import Call, CallLeg
from hotline_asterisk_connector.statements import Statement
from hotline_crm.models import Client

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
CALL = Statement(
    lambda linkedid: Call.objects.select_related("client").filter(linkedid=linkedid)[:1],
    "\0linkedid",
)


def _call(linkedid: str, client: Client | None = None) -> Call:
    return Call.objects.create(linkedid=linkedid, uniqueid=linkedid, started_at=AT, client=client)


def test_each_value_reads_its_own_row_with_its_card_and_nothing_more():
    card = Client.objects.create(name="Олена")
    _call("1.1", card)
    _call("1.2")
    with CaptureQueriesContext(connection) as queries:
        first, second, none = CALL.first("1.1"), CALL.first("1.2"), CALL.first("1.3")
        assert first.client.name == "Олена"  # read with the call, no query of its own
        assert second.client is None
    assert len(queries) == 3
    assert none is None
    assert (first.linkedid, second.linkedid) == ("1.1", "1.2")
    # The same instance the queryset makes: every field, from the database.
    expected = Call.objects.get(linkedid="1.1")
    for field in Call._meta.concrete_fields:
        assert getattr(first, field.attname) == getattr(expected, field.attname), field.name
    assert not first._state.adding


def test_a_value_used_twice_goes_to_both_places():
    call = _call("2.1")
    CallLeg.objects.create(call=call, uniqueid="2.1-b", rang_at=AT)
    own = CallLeg.objects.create(call=call, uniqueid="2.1-a", rang_at=AT)
    both = Statement(
        lambda a: CallLeg.objects.filter(uniqueid__in=[a, "2.1-b"]).exclude(uniqueid=a), "\0a"
    )
    assert [leg.uniqueid for leg in both.all("2.1-a")] == ["2.1-b"]
    assert [leg.uniqueid for leg in both.all("2.1-b")] == []
    assert own.pk not in {leg.pk for leg in both.all("2.1-a")}


def test_a_stand_in_that_django_changes_on_its_way_is_refused():
    shouted = Statement(lambda linkedid: Call.objects.filter(linkedid=linkedid.upper()), "\0x")
    with pytest.raises(ValueError, match="not among the parameters"):
        shouted.first("x")
