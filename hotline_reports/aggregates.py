"""The median, computed by the database.

PostgreSQL has the ordered-set aggregate percentile_cont; SQLite (the
embedded default) has no median, so the app registers one on each SQLite
connection (see apps.py). Both give the mean of the two middle values when
the count is even and ignore NULLs.
"""

from statistics import median

from django.db.models import Aggregate, FloatField

SQLITE_MEDIAN = "hotline_median"


class Median(Aggregate):
    name = "Median"
    function = "PERCENTILE_CONT"
    # Django 5.2 appends a FILTER (WHERE ...) clause to the whole template, which
    # both databases accept after an ordered-set or a user-defined aggregate.
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # A copy, not template= and function= arguments: with a filter, Django
        # passes its own template beside them.
        median = self.copy()
        median.function = SQLITE_MEDIAN
        median.template = "%(function)s(%(expressions)s)"
        return median.as_sql(compiler, connection, **extra_context)


class SqliteMedian:
    """The aggregate class sqlite3.Connection.create_aggregate expects."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return float(median(self.values)) if self.values else None


def register_sqlite_median(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN, 1, SqliteMedian)
