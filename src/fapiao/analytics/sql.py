"""Two SQL expressions that the ORM lacks and that must mean the same on both databases.

SUM over a DecimalField is exact on PostgreSQL (numeric) but not on SQLite, which stores
a Decimal as a REAL and sums floats: past ~10^13 fen a float cannot hold every fen, and
Django then rounds the float it gets to 15 digits. So sums are taken in whole fen as
integers on both databases (SQLite rounds each stored float to its fen first, which is
exact for every amount of up to 15 digits) and turned back into Decimal in Python.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Aggregate, Func


class CentsSum(Aggregate):
    """SUM(column) in whole fen, as an integer."""

    function = "SUM"
    name = "CentsSum"
    template = "SUM(CAST(%(expressions)s * 100 AS BIGINT))"
    output_field = models.BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="SUM(CAST(ROUND(%(expressions)s * 100) AS INTEGER))",
            **extra,
        )


class MonthKey(Func):
    """'YYYY-MM' of a date column, natively (TruncMonth calls a Python function per row
    on SQLite: ~4x slower over a year of invoices)."""

    output_field = models.CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')")


CENT = Decimal("0.01")


def from_cents(value: int | Decimal | None) -> Decimal:
    """Whole fen from the database -> yuan as an exact Decimal with two places."""
    if value is None:
        return Decimal("0.00")
    return (Decimal(int(value)) * CENT).quantize(CENT)
