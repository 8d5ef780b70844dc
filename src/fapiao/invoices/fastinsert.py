"""Insert many rows of one model and give them their ids, without bulk_create's overhead.

Django's bulk_create compiles every value of every row through its SQL compiler, which
costs more than the database's own work for wide rows (an invoice has 40-odd columns), and
on SQLite it cuts inserts at 999 parameters, i.e. 23 invoices per statement. Here values
are read with one attrgetter per row and only the fields whose database form differs from
the Python value (dates, decimals, JSON) go through their own get_db_prep_save; then
PostgreSQL receives the rows by COPY with ids drawn from the table's sequence, and SQLite
by multi-row INSERT ... RETURNING.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone

# SQLite's variable limit is 32766 by default (250000 on Debian): stay under the default.
SQLITE_MAX_PARAMS = 32_000
# Field classes whose Python value is what the database driver takes.
_PLAIN = (models.CharField, models.TextField, models.BooleanField, models.IntegerField)


def _is_plain(field: models.Field) -> bool:
    if isinstance(field, models.ForeignKey):
        return True
    overridden = type(field).get_db_prep_value is not models.Field.get_db_prep_value
    return isinstance(field, _PLAIN) and not overridden


def _converter(field: models.Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """The database form of one field's values."""
    if connection.vendor == "postgresql" and isinstance(field, models.JSONField):
        # COPY sends text, so JSON goes as its text (the server reads it into jsonb just
        # as it reads Django's Jsonb wrapper, which psycopg would serialise row by row).
        encoder = field.encoder

        def to_json(value: Any) -> Any:
            return None if value is None else json.dumps(value, cls=encoder)

        return to_json
    return lambda value: field.get_db_prep_save(value, connection)


class Columns:
    """The columns an insert of `model` writes, and each row's values in database form.

    Separate from the insert so that a bulk load can convert rows while another batch is
    being written (in a child process, see bulk_prepare.py); the auto_now timestamps are
    left to insert_rows, which stamps every row of one insert alike.
    """

    def __init__(self, model: type[models.Model]) -> None:
        connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: consulted per value
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.stamped = [
            i
            for i, f in enumerate(self.fields)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self._read = attrgetter(*(f.attname for f in self.fields))
        self._converted = [
            (i, _converter(f, connection)) for i, f in enumerate(self.fields) if not _is_plain(f)
        ]
        # Dates, timestamps and empty JSON repeat from row to row: convert each such value
        # once.
        self._memos: list[dict[Any, Any]] = [{} for _ in self._converted]

    def values(self, obj: models.Model) -> list[Any]:
        """`obj`'s column values in database form (its timestamps: see insert_rows)."""
        row = list(self._read(obj))
        for (i, convert), memo in zip(self._converted, self._memos, strict=True):
            value = row[i]
            if isinstance(value, (list, dict)):
                key: Any = type(value) if not value else None
            else:
                key = value if isinstance(value, dt.date) or value is None else None
            if key is None:
                row[i] = convert(value)
                continue
            if key not in memo:
                memo[key] = convert(value)
            row[i] = memo[key]
        return row


M = TypeVar("M", bound=models.Model)


@cache
def _defaults(
    model: type[models.Model],
) -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
    """(attribute name, constant default, default factory) per column, in model order."""
    out = []
    for f in model._meta.concrete_fields:
        factory = f.get_default if callable(f.default) else None
        out.append((f.attname, None if factory else f.get_default(), factory))
    return tuple(out)


def new_instance(model: type[M], values: dict[str, Any]) -> M:
    """model(**values) with its defaults, 10x faster, which matters when loading a million rows.

    Model.__init__ only stores each column's value under its attribute name in a new
    ModelState'd instance (and sends pre_init/post_init); with nobody listening to those
    for `model`, the values are stored directly."""
    row = {
        name: values[name] if name in values else (factory() if factory else default)
        for name, default, factory in _defaults(model)
    }
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model(**row)
    obj = model.__new__(model)
    obj._state = ModelState()
    obj.__dict__.update(row)
    return obj


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert `objs` (all new) and set their pks, as bulk_create would (auto_now included)."""
    if not objs:
        return
    columns = Columns(model)
    now = timezone.now()
    for i in columns.stamped:
        for obj in objs:
            setattr(obj, columns.fields[i].attname, now)
    ids = insert_rows(columns, [columns.values(obj) for obj in objs], now=now)
    alias = connections[DEFAULT_DB_ALIAS].alias
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = alias


def insert_rows(
    columns: Columns, rows: list[list[Any]], *, now: dt.datetime | None = None
) -> list[int]:
    """Insert rows made by `columns.values` (all new); their ids, in order.

    The auto_now columns of every row get `now` (default: this moment), as bulk_create's.
    """
    if not rows:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    now = now or timezone.now()
    for i in columns.stamped:
        stamp = columns.fields[i].get_db_prep_save(now, connection)
        for row in rows:
            row[i] = stamp
    meta = columns.model._meta
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns.fields)
    pk = meta.pk
    assert pk is not None
    if connection.vendor == "postgresql":
        return _insert_copy(connection, meta.db_table, pk.column, names, rows)
    return _insert_returning(connection, table, pk.column, names, rows)


def _insert_copy(
    connection: BaseDatabaseWrapper,
    db_table: str,
    pk_column: str,
    columns: str,
    rows: list[list[Any]],
) -> list[int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Ids come from the sequence, so concurrent writers never collide with them.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(db_table), pk_column, len(rows)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        sql = f"COPY {quote(db_table)} ({quote(pk_column)}, {columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for pk_value, row in zip(ids, rows, strict=True):
                copy.write_row([pk_value, *row])
    return ids


def _insert_returning(
    connection: BaseDatabaseWrapper,
    table: str,
    pk_column: str,
    columns: str,
    rows: list[list[Any]],
) -> list[int]:
    width = len(rows[0])
    per_statement = max(1, SQLITE_MAX_PARAMS // width)
    one = "(" + ", ".join(["%s"] * width) + ")"
    pk = connection.ops.quote_name(pk_column)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([one] * len(chunk))
            # RETURNING gives the ids in insertion order, as Django's bulk_create relies on.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}",
                [value for row in chunk for value in row],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids
