"""A statement (statements.py) reads what its queryset reads, and a write writes
what Model.save writes, with SQL built once."""

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, connections
from django.test.utils import CaptureQueriesContext

from hotline_asterisk_connector import statements
from hotline_asterisk_connector.models import Call, CallLeg, Disposition
from hotline_asterisk_connector.statements import Statement
from hotline_crm.models import Client

pytestmark = pytest.mark.django_db

# A day before today: a write to its calls also makes the reports' roll-up forget
# that day (post_save), so every write below sends that roll-up's statements too.
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
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


class Sent:
    """Every statement sent to the database, with its parameters as Django passes them."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)


def sent(write) -> list[tuple[str, tuple]]:
    recorder = Sent()
    with connection.execute_wrapper(recorder):
        write()
    return recorder.statements


def test_an_insert_sends_what_django_sends_and_fires_the_signals():
    from django.db.models.signals import post_save

    card = Client.objects.create(name="Олена")
    saved = []

    def heard(sender, instance, created, update_fields, **kwargs):
        saved.append((instance.linkedid, created, update_fields))

    post_save.connect(heard, sender=Call)
    try:
        by_django = Call(linkedid="3.1", uniqueid="3.1", started_at=AT, client=card)
        ours = Call(linkedid="3.2", uniqueid="3.2", started_at=AT, client=card)
        by_django_sent = sent(lambda: by_django.save(force_insert=True))
        ours_sent = sent(lambda: statements.insert(ours))
    finally:
        post_save.disconnect(heard, sender=Call)
    assert [sql for sql, _ in ours_sent] == [sql for sql, _ in by_django_sent]
    assert len(ours_sent) == 3  # the INSERT and the roll-up's two DELETEs
    [our_params] = [p for sql, p in ours_sent if sql.startswith("INSERT")]
    [django_params] = [p for sql, p in by_django_sent if sql.startswith("INSERT")]
    assert len(our_params) == len(django_params)
    assert saved == [("3.1", True, None), ("3.2", True, None)]
    # The key came back, auto_now and auto_now_add ran, and the rows are alike.
    assert ours.pk == by_django.pk + 1 and not ours._state.adding
    assert ours.created_at is not None and ours.updated_at is not None
    skip = {"id", "linkedid", "uniqueid", "created_at", "updated_at"}
    ours_read, django_read = Call.objects.get(pk=ours.pk), Call.objects.get(pk=by_django.pk)
    for field in Call._meta.concrete_fields:
        if field.name not in skip:
            assert getattr(ours_read, field.attname) == getattr(django_read, field.attname)


def test_an_update_writes_only_the_named_fields_as_django_does():
    call = _call("4.1")
    stale = Call.objects.get(pk=call.pk)  # what the connector read before
    Call.objects.filter(pk=call.pk).update(caller_name="з вебу")  # the web's write meanwhile
    before = Call.objects.get(pk=call.pk).updated_at
    stale.disposition, stale.caller_name = Disposition.VOICEMAIL, "застаріле"
    fresh = Call.objects.get(pk=call.pk)
    by_django_sent = sent(lambda: fresh.save(update_fields=["updated_at", "disposition"]))
    ours_sent = sent(lambda: statements.update(stale, ["disposition", "updated_at"]))
    assert [sql for sql, _ in ours_sent] == [sql for sql, _ in by_django_sent]
    [our_params] = [p for sql, p in ours_sent if sql.startswith("UPDATE")]
    assert our_params[0] == Disposition.VOICEMAIL
    row = Call.objects.get(pk=call.pk)
    assert (row.disposition, row.caller_name) == (Disposition.VOICEMAIL, "з вебу")
    assert row.updated_at > before  # auto_now ran


def test_an_update_of_a_row_that_is_gone_fails_as_django_does():
    call = _call("5.1")
    Call.objects.filter(pk=call.pk).delete()
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        statements.update(call, ["disposition"])
    with pytest.raises(ValueError, match="not all its own columns"):
        statements.update(call, ["disposition", "legs"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_a_statement_the_connection_runs_often_is_prepared_and_django_s_own_are_not():
    _call("6.1")
    Call.objects.filter(linkedid="6.1").count()
    for _ in range(statements.PREPARE_AFTER + 1):
        assert CALL.first("6.1").linkedid == "6.1"
        Call.objects.filter(linkedid="6.1").count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [sql for (sql,) in cursor.fetchall()]
    # Those of the tests before it on this connection may be there too.
    assert CALL._compiled[connections["default"]].sql.replace("%s", "$1") in prepared
    assert not [sql for sql in prepared if "COUNT(" in sql]
