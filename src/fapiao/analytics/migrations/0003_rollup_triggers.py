"""Triggers that keep fapiao.analytics.rollups honest: every change to an invoice that can
move a spending figure marks its month (and, for a red invoice, the month of the blue one
it reverses) dirty, in the same transaction as the change. Whatever writes the invoices -
the ORM, a bulk load, a queryset update, a hand-written statement - the roll-ups can
never silently miss it. Existing months start dirty, so the first refresh builds them.

SQLite: row triggers; an UPDATE fires only when a column the figures read changed.
PostgreSQL: statement triggers with transition tables, so a bulk load of a million rows
costs one upsert per statement rather than one per row.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Every invoice column a spending figure reads (counting.py): a change to any other
# column (notes, timestamps, findings) leaves the roll-ups as they are.
WATCHED = (
    "organisation_id", "issue_date", "original_invoice_id", "category", "department_id",
    "invoice_type", "status", "tax_status", "is_red", "total_amount", "amount", "tax_amount",
    "seller_name",
)  # fmt: skip

UPSERT_TAIL = "ON CONFLICT (organisation_id, month) DO UPDATE SET gen = {table}gen + 1"


def _sqlite_marks(row: str) -> str:
    upsert = UPSERT_TAIL.format(table="")
    return f"""
  INSERT INTO analytics_rollupdirty (organisation_id, month, gen)
  SELECT {row}.organisation_id, substr({row}.issue_date, 1, 7), 1
  WHERE {row}.issue_date IS NOT NULL
  {upsert};
  INSERT INTO analytics_rollupdirty (organisation_id, month, gen)
  SELECT o.organisation_id, substr(o.issue_date, 1, 7), 1 FROM invoices_invoice o
  WHERE o.id = {row}.original_invoice_id AND o.issue_date IS NOT NULL
  {upsert};"""


SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
SQLITE_FORWARD = [
    f"""CREATE TRIGGER analytics_dirty_insert AFTER INSERT ON invoices_invoice
BEGIN{_sqlite_marks("NEW")}
END""",
    f"""CREATE TRIGGER analytics_dirty_update AFTER UPDATE ON invoices_invoice
WHEN {SQLITE_CHANGED}
BEGIN{_sqlite_marks("OLD")}{_sqlite_marks("NEW")}
END""",
    f"""CREATE TRIGGER analytics_dirty_delete AFTER DELETE ON invoices_invoice
BEGIN{_sqlite_marks("OLD")}
END""",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS analytics_dirty_{op}" for op in ("insert", "update", "delete")
]

PG_UPSERT = UPSERT_TAIL.format(table="analytics_rollupdirty.")
PG_OLD_COLUMNS = ", ".join(f"o.{c}" for c in WATCHED)
PG_NEW_COLUMNS = ", ".join(f"n.{c}" for c in WATCHED)


def _pg_mark(touched: str) -> str:
    """Mark the months of `touched` rows (organisation_id, issue_date, original_invoice_id)
    and of the blue invoices they reverse; one row per month, in key order (no deadlock
    between two statements marking the same months)."""
    return f"""
    INSERT INTO analytics_rollupdirty (organisation_id, month, gen)
    SELECT org, to_char(day, 'YYYY-MM'), 1 FROM (
      SELECT t.organisation_id AS org, t.issue_date AS day FROM ({touched}) t
      UNION
      SELECT b.organisation_id, b.issue_date
      FROM ({touched}) t JOIN invoices_invoice b ON b.id = t.original_invoice_id
    ) marks
    WHERE day IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    {PG_UPSERT};"""


PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION analytics_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN{
    _pg_mark("SELECT organisation_id, issue_date, original_invoice_id FROM new_rows")}
  ELSIF TG_OP = 'DELETE' THEN{
    _pg_mark("SELECT organisation_id, issue_date, original_invoice_id FROM old_rows")}
  ELSE{
    _pg_mark(
        "SELECT o.organisation_id, o.issue_date, o.original_invoice_id "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE ({PG_OLD_COLUMNS}) IS DISTINCT FROM ({PG_NEW_COLUMNS}) "
        "UNION ALL "
        "SELECT n.organisation_id, n.issue_date, n.original_invoice_id "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE ({PG_OLD_COLUMNS}) IS DISTINCT FROM ({PG_NEW_COLUMNS})"
    )}
  END IF;
  RETURN NULL;
END
$$"""
PG_FORWARD = [
    PG_FUNCTION,
    """CREATE TRIGGER analytics_dirty_insert AFTER INSERT ON invoices_invoice
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_dirty()""",
    """CREATE TRIGGER analytics_dirty_update AFTER UPDATE ON invoices_invoice
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_dirty()""",
    """CREATE TRIGGER analytics_dirty_delete AFTER DELETE ON invoices_invoice
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_dirty()""",
]
PG_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS analytics_dirty_{op} ON invoices_invoice"
      for op in ("insert", "update", "delete")),
    "DROP FUNCTION IF EXISTS analytics_mark_dirty()",
]  # fmt: skip

MARK_ALL = {
    "sqlite": "substr(issue_date, 1, 7)",
    "postgresql": "to_char(issue_date, 'YYYY-MM')",
}


def forward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in MARK_ALL:
        raise RuntimeError(f"roll-up triggers are written for SQLite and PostgreSQL, not {vendor}")
    for sql in SQLITE_FORWARD if vendor == "sqlite" else PG_FORWARD:
        schema_editor.execute(sql, params=None)
    month = MARK_ALL[vendor]
    schema_editor.execute(
        "INSERT INTO analytics_rollupdirty (organisation_id, month, gen) "
        f"SELECT organisation_id, {month}, 1 FROM invoices_invoice "
        "WHERE issue_date IS NOT NULL GROUP BY 1, 2",
        params=None,
    )


def backward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_BACKWARD if vendor == "sqlite" else PG_BACKWARD:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_rollups"),
        ("invoices", "0003_list_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
