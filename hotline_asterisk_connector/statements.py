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
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)
Value = str | int


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

    def instances(self, rows: list[tuple]) -> list[Model]:
        compiler, columns = self.compiler, self.model_columns
        model = compiler.klass_info["model"]
        instances = []
        for row in compiler.results_iter([rows]):
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
        with connection.cursor() as cursor:
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
        return _Compiled(
            compiler,
            sql,
            tuple(params),
            slots,
            model_columns=columns,
            names=[column[0].target.attname for column in select[columns]],
            populators=get_related_populators(klass_info, select, compiler.using),
        )


def _slot(param: object, stand_ins: tuple[Value, ...]) -> int | None:
    for index, stand_in in enumerate(stand_ins):
        if type(param) is type(stand_in) and param == stand_in:
            return index
    return None
