"""The journal's hottest reads, their SQL built once per database connection.

Django builds a query's SQL anew every time it runs. For the reads the
connector makes for nearly every event (a call by its linkedid, a leg by its
channel, a card by its phone number) building took three quarters of the
read: 0.9 of 1.2 ms, against 0.3 ms of PostgreSQL's own work
(docs/benchmarks-connector.md). A `Statement` builds its queryset once with
stand-in values, notes where each value goes among the query's parameters,
and from then on runs that SQL with an event's values, turning the rows into
model instances as the queryset itself would (its select_related included).

Values are passed as the database takes them (strings, integers: a key, not
a model instance); a stand-in that Django would have changed on its way to
the parameters is found nowhere, and the statement refuses to be built.

The journal's writes are the same story: `save(update_fields=…)` spent about
0.5 ms building an UPDATE of two columns by its key. `insert` and `update`
write a row as `Model.save` does (each field's `pre_save`, so `auto_now`
runs; its value prepared for the database by the field; the pre_save and
post_save signals, which feed the reports' roll-up), with the INSERT or
UPDATE built once per connection, model and list of fields. They take the
journal's plain models only: no parents, no field with a placeholder of its
own, no value the database computes but the key. Unlike `save`, they do not
check for a related object that is not saved yet: the journal links only
rows it read or wrote.

On PostgreSQL these statements bind their values on the server, so psycopg
prepares one that a connection runs often (`_cursor`): PostgreSQL then parses
and plans it once per connection, not once per event. Planning was most of
their cost: a call's read took 0.44 ms, prepared 0.12 ms; a card's 0.21 and
0.08; a call's INSERT 0.33 and 0.21 (decision 0039). A connection pooler in
front of PostgreSQL must keep prepared statements (PgBouncer: in session
mode, or `max_prepared_statements` in transaction mode).
"""

import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model, Q, QuerySet
from django.db.models import Value as Constant
from django.db.models.query import get_related_populators
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)
Value = str | int
# Prepared once a connection has run it this often (psycopg's own default): a
# web request's short-lived connection seldom runs one statement that often,
# and preparing costs a round trip of its own.
PREPARE_AFTER = 5


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple
    # Per parameter: the index of the value it takes, or None for a constant.
    slots: tuple[int | None, ...]
    # How a row becomes instances, as the queryset's own iteration (ModelIterable)
    # works it out: once, not per read.
    model_columns: slice
    names: list[str]
    populators: list
    # The columns' converters, as results_iter works them out anew for every read
    # (a quarter of a call's read: it compares each of its 52 columns' fields).
    converters: dict

    def instances(self, rows: list[tuple]) -> list[Model]:
        compiler, columns = self.compiler, self.model_columns
        model = compiler.klass_info["model"]
        if self.converters:
            rows = compiler.apply_converters(rows, self.converters)
        instances = []
        for row in rows:
            instance = model.from_db(compiler.using, self.names, row[columns])
            for populator in self.populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances


class Statement(Generic[M]):
    """A read `build(*values)` (a queryset), its SQL compiled once per connection."""

    def __init__(self, build: Callable[..., QuerySet[M]], *stand_ins: Value) -> None:
        self.build = build
        self.stand_ins = stand_ins
        # Per connection (each thread has its own): its SQL and converters are its own.
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def first(self, *values: Value) -> M | None:
        rows = self.all(*values)
        return rows[0] if rows else None

    def all(self, *values: Value) -> list[M]:
        connection = connections[DEFAULT_DB_ALIAS]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        params = [
            p if s is None else values[s]
            for p, s in zip(compiled.params, compiled.slots, strict=True)
        ]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled.instances(rows)

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        compiler = self.build(*self.stand_ins).query.get_compiler(using=connection.alias)
        sql, params = compiler.as_sql()
        slots = tuple(_slot(param, self.stand_ins) for param in params)
        missing = set(range(len(self.stand_ins))) - set(slots)
        if missing:
            raise ValueError(f"Stand-ins {sorted(missing)} are not among the parameters: {sql}")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        columns = slice(fields[0], fields[-1] + 1)
        selected = [column[0] for column in select[: compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise ValueError(f"A composite key is not read as Django would read it: {sql}")
        return _Compiled(
            compiler,
            sql,
            tuple(params),
            slots,
            model_columns=columns,
            names=[column[0].target.attname for column in select[columns]],
            populators=get_related_populators(klass_info, select, compiler.using),
            converters=compiler.get_converters(selected),
        )


def _slot(param: object, stand_ins: tuple[Value, ...]) -> int | None:
    for index, stand_in in enumerate(stand_ins):
        if type(param) is type(stand_in) and param == stand_in:
            return index
    return None


@dataclass(frozen=True)
class _Write:
    sql: str
    fields: tuple[Field, ...]


# Per connection, the writes built so far: by (model, insert or the updated fields).
_writes: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[tuple, _Write]] = (
    weakref.WeakKeyDictionary()
)


def insert(instance: Model) -> None:
    """`instance.save(force_insert=True)`; its key, from the database, is set on it."""
    connection = connections[DEFAULT_DB_ALIAS]
    write = _write(connection, type(instance), None)
    _send(pre_save, instance, connection, update_fields=None)
    with _cursor(connection) as cursor:
        cursor.execute(write.sql, _values(write, instance, connection, adding=True))
        (key,) = cursor.fetchone()
    meta = instance._meta
    setattr(instance, meta.pk.attname, key)
    instance._state.adding, instance._state.db = False, connection.alias
    _send(post_save, instance, connection, update_fields=None, created=True)


def update(instance: Model, fields: Sequence[str]) -> None:
    """`instance.save(update_fields=fields)`: the named fields of its row, by its key."""
    if not fields:
        return  # as Model.save: nothing to write, no signal
    connection = connections[DEFAULT_DB_ALIAS]
    write = _write(connection, type(instance), tuple(fields))
    names = frozenset(fields)
    _send(pre_save, instance, connection, update_fields=names)
    values = _values(write, instance, connection, adding=False)
    key = instance._meta.pk.get_db_prep_value(instance.pk, connection)
    with _cursor(connection) as cursor:
        cursor.execute(write.sql, [*values, key])
        if cursor.rowcount == 0:
            raise DatabaseError("Save with update_fields did not affect any rows.")
    instance._state.adding, instance._state.db = False, connection.alias
    _send(post_save, instance, connection, update_fields=names, created=False)


@contextmanager
def _cursor(connection: BaseDatabaseWrapper) -> Iterator[CursorWrapper]:
    """Django's cursor (its error wrapping, its query log); on PostgreSQL over a
    psycopg cursor that binds on the server, on a connection that prepares what it
    runs often (see the module's docstring). Django's other cursors bind on the
    client and never prepare."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # as Django opens it: never prepare
        raw.prepare_threshold = PREPARE_AFTER
    factory, raw.cursor_factory = raw.cursor_factory, ServerBindingCursor
    try:
        cursor = connection.cursor()
    finally:
        raw.cursor_factory = factory
    with cursor:
        yield cursor


def _values(write: _Write, instance: Model, connection, adding: bool) -> list:
    return [f.get_db_prep_save(f.pre_save(instance, adding), connection) for f in write.fields]


def _send(signal, instance: Model, connection, **arguments) -> None:
    signal.send(
        sender=type(instance), instance=instance, raw=False, using=connection.alias, **arguments
    )


def _write(connection: BaseDatabaseWrapper, model: type[Model], fields: tuple | None) -> _Write:
    built = _writes.setdefault(connection, {})
    key = (model, fields)
    if key not in built:
        built[key] = (
            _insert_of(connection, model)
            if fields is None
            else _update_of(connection, model, fields)
        )
    return built[key]


def _insert_of(connection: BaseDatabaseWrapper, model: type[Model]) -> _Write:
    """Django's own INSERT of the model, as `save` sends it (of a new instance's
    defaults: only the placeholders are kept)."""
    meta = model._meta
    fields = _plain(model, [f for f in meta.local_concrete_fields if f is not meta.auto_field])
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    ((sql, _params),) = compiler.as_sql()
    return _Write(sql, fields)


def _update_of(connection: BaseDatabaseWrapper, model: type[Model], names: tuple) -> _Write:
    """Django's own UPDATE of the named fields by the key (its parameters: the
    fields' values in their order, then the key)."""
    meta = model._meta
    named = {meta.get_field(name) for name in names}
    # In the model's order, as Model.save writes them.
    fields = _plain(model, [f for f in meta.local_concrete_fields if f in named])
    if len(fields) != len(named):
        raise ValueError(f"{model.__name__}: {sorted(names)} are not all its own columns")
    query = UpdateQuery(model)
    # Any value that is a parameter: the placeholders are all that is kept.
    query.add_update_fields([(f, None, Constant("")) for f in fields])
    query.add_q(Q(pk=0))
    sql, params = query.get_compiler(connection=connection).as_sql()
    if len(params) != len(fields) + 1:
        raise ValueError(f"Unexpected parameters {params} of {sql}")
    return _Write(sql, fields)


def _plain(model: type[Model], fields: list[Field]) -> tuple[Field, ...]:
    """The fields, if `insert` and `update` write them as Django would (see above)."""
    meta = model._meta
    odd = [f.name for f in fields if hasattr(f, "get_placeholder") or f.generated or f.primary_key]
    if meta.parents or odd or meta.auto_field is None or meta.db_returning_fields != [meta.pk]:
        raise ValueError(f"{model.__name__} ({odd}) is not written as Django would write it")
    return tuple(fields)
