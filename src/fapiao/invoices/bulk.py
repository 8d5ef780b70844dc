"""Bulk loading: many invoices at once, with exactly the fields the one-by-one service stores.

For the benchmark corpus, the demo and the platform Excel import. Each row is prepared by
prepare.prepare_invoice (identity, region, default category, findings), rows are stored
`batch_size` at a time, one transaction per batch, and each stored batch is announced by
signals.invoices_recorded, as record_invoice announces its one invoice (the organisation's
category rules apply to both alike); an invoice already stored (or met earlier in the same
load) is recorded as a DuplicateSubmission of the stored one, never stored twice; red
invoices are tied to the blue ones they reverse once every batch is in, with set-based
queries, whichever of the two arrived first, and the blue ones' new statuses are set by
services.set_tax_statuses, as every status change.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from fapiao.accounts.models import Department, Organisation, User
from fapiao.core import codes
from fapiao.core.invoice import InvoiceData
from fapiao.invoices import bulk_prepare, fastinsert, prepare, services, signals
from fapiao.invoices.bulk_prepare import PreparedRow
from fapiao.invoices.models import DuplicateSubmission, Invoice, LineItem, Source
from fapiao.invoices.services import IN_CHUNK

# After a load this large the query planner needs to learn how the table looks now …
ANALYZE_MIN_ROWS = 10_000
# … unless it is a small share of what was there: the statistics describe the table's
# shape (rows per organisation, date, amount), which a quarter more rows of the same kind
# barely changes, and gathering them at a million rows takes seconds each time.
ANALYZE_MIN_SHARE = 0.25
# SQLite page cache during a load (KiB), taken only as pages are touched; the connection's
# own size is restored afterwards. At a million invoices the indexes hold ~700 MB: with
# 256 MB the load took 289 s, with 1 GiB 268 s.
LOAD_CACHE_KIB = 1024 * 1024
# A batch that lost a race with a concurrent writer (unique identity) is retried this often.
RETRIES = 3


@dataclass
class BulkResult:
    processed: int = 0  # rows read from `invoices`
    created: int = 0
    duplicates: int = 0
    red_linked: int = 0  # red invoices tied to their blue one (old or new) by this load
    # (row index, existing invoice id) per duplicate row, for an import report.
    duplicate_rows: list[tuple[int, int]] = field(default_factory=list)
    # (row index, what is wrong, in Chinese) per row that cannot be stored.
    rejected: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0


def bulk_record(
    *,
    organisation: Organisation,
    invoices: Iterable[InvoiceData],
    submitter: User | None = None,
    department: Department | None = None,
    source: str = Source.IMPORT,
    batch_size: int = 2000,
    on_progress: Callable[[BulkResult], None] | None = None,
) -> BulkResult:
    """Store `invoices` for `organisation`; duplicates are linked, red invoices tied to blue."""
    started = time.perf_counter()
    result = BulkResult()
    pending_reds: dict[int, str] = {}  # red invoice id -> identity key of its blue invoice
    context = bulk_prepare.LoadContext(
        organisation=organisation,
        submitter=submitter,
        # Looked up here, once: the rows may be prepared where no query may run.
        department=department or (submitter.department if submitter else None),
        source=source,
    )
    with (
        _collector_paused(),
        _large_page_cache(),
        bulk_prepare.prepared_batches(invoices, batch_size=batch_size, context=context) as batches,
    ):
        for batch in batches:
            result.rejected += batch.rejected
            result.processed += len(batch.rows)
            for attempt in range(RETRIES):
                try:
                    with transaction.atomic():
                        _store_batch(batch, organisation, submitter, source, result, pending_reds)
                    break
                except IntegrityError:
                    # Another writer stored one of these identities meanwhile: look again.
                    if attempt == RETRIES - 1:
                        raise
            if on_progress is not None:
                on_progress(result)
    if pending_reds:
        with transaction.atomic():
            result.red_linked = _link_reds(organisation, pending_reds)
    if result.created >= ANALYZE_MIN_ROWS:
        refresh_statistics(added=result.created)
    result.seconds = time.perf_counter() - started
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No automatic garbage collection during the load.

    A batch keeps tens of thousands of objects alive (rows, their data, findings), and the
    cyclic collector, triggered by allocations, walks them again and again: at 300,000 rows
    that was 5 of 41 s. Reference counting frees each batch as before; the collector runs
    again, as it was, once the load is over.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """SQLite's default page cache (2 MB) is far smaller than the indexes of a large table:
    every inserted row would re-read its index pages from the OS, so enlarge it for the load.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size={-LOAD_CACHE_KIB}")  # negative: in KiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={before}")


def _chunks(items: list, size: int = IN_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _store_batch(
    batch: bulk_prepare.PreparedBatch,
    organisation: Organisation,
    submitter: User | None,
    source: str,
    result: BulkResult,
    pending_reds: dict[int, str],
) -> None:
    rows = batch.prepared
    # Keys stored before (SQLite's IMMEDIATE transactions and the retry cover races).
    keys = list({row.identity_key for row in rows})
    known: dict[str, int] = {}
    for chunk in _chunks(keys):
        known.update(
            Invoice.objects.filter(organisation=organisation, identity_key__in=chunk).values_list(
                "identity_key", "id"
            )
        )
    new: dict[str, PreparedRow] = {}
    repeats: list[PreparedRow] = []
    for row in rows:
        key = row.identity_key
        if key in known or key in new:
            repeats.append(row)
        else:
            new[key] = row
    fresh = list(new.values())
    ids = fastinsert.insert_rows(batch.columns, [row.values for row in fresh])
    data = dict(batch.rows)
    fastinsert.insert(
        LineItem,
        [
            item
            for row, pk in zip(fresh, ids, strict=True)
            for item in prepare.line_items(pk, data[row.input_index])
        ],
    )
    if ids:
        signals.invoices_recorded.send(
            sender=Invoice, organisation_id=organisation.pk, invoice_ids=ids, created=True
        )

    _collect_reds(organisation, fresh, ids, pending_reds)
    if repeats:
        existing = {row.identity_key: pk for row, pk in zip(fresh, ids, strict=True)} | known
        _record_duplicates(repeats, existing, submitter, source, result)
    result.created += len(fresh)


def _blue_key(row: PreparedRow) -> str:
    return codes.identity_key(row.original_invoice_code or None, row.original_invoice_number)


def _collect_reds(
    organisation: Organisation,
    fresh: list[PreparedRow],
    ids: list[int],
    pending_reds: dict[int, str],
) -> None:
    """Note which reds to tie: the new ones, and stored loose ones whose blue just arrived."""
    blue_keys: dict[str, str] = {}  # invoice number -> identity key, of the new blue ones
    for row, pk in zip(fresh, ids, strict=True):
        if row.is_red and row.original_invoice_number:
            pending_reds[pk] = _blue_key(row)
        elif not row.is_red:
            blue_keys[row.invoice_number] = row.identity_key
    for chunk in _chunks(list(blue_keys)):
        # Linked or not is checked here, not in SQL: with an IN list SQLite's statistics
        # make "original_invoice_id IS NULL" look selective and it scans the whole table
        # by that index instead of this small partial one.
        reds = Invoice.objects.filter(
            organisation=organisation, is_red=True, original_invoice_number__in=chunk
        ).values_list("id", "original_invoice_code", "original_invoice_number", "original_invoice")
        for pk, code, number, blue in reds:
            key = codes.identity_key(code or None, number)
            if blue is None and blue_keys.get(number) == key:
                pending_reds[pk] = key


def _record_duplicates(
    repeats: list[PreparedRow],
    existing: dict[str, int],
    submitter: User | None,
    source: str,
    result: BulkResult,
) -> None:
    """As services.record_invoice does for a second submission, for a whole batch."""
    DuplicateSubmission.objects.bulk_create(
        DuplicateSubmission(
            invoice_id=existing[row.identity_key], submitted_by=submitter, source=source
        )
        for row in repeats
    )
    for row in repeats:
        result.duplicate_rows.append((row.input_index, existing[row.identity_key]))
    result.duplicates += len(repeats)
    ids = sorted({existing[row.identity_key] for row in repeats})
    now = timezone.now()
    for chunk in _chunks(ids):
        flagged = []
        unflagged = Invoice.objects.filter(pk__in=chunk, has_duplicates=False)
        for invoice in unflagged.prefetch_related("items"):
            # The findings gain the duplicate warning, exactly as the one-by-one service's.
            invoice.has_duplicates = True
            prepare.recompute_findings(invoice)
            invoice.updated_at = now
            flagged.append(invoice)
        Invoice.objects.bulk_update(flagged, ["has_duplicates", "findings", "updated_at"])


def _link_reds(organisation: Organisation, pending_reds: dict[int, str]) -> int:
    """Tie reds to their blue invoices and mark the blues red_full / red_partial."""
    wanted = sorted(set(pending_reds.values()))
    blues: dict[str, int] = {}
    for chunk in _chunks(wanted):
        blues.update(
            Invoice.objects.filter(organisation=organisation, identity_key__in=chunk).values_list(
                "identity_key", "id"
            )
        )
    links = [
        Invoice(pk=red_id, original_invoice_id=blues[key])
        for red_id, key in pending_reds.items()
        if key in blues
    ]
    Invoice.objects.bulk_update(links, ["original_invoice"], batch_size=IN_CHUNK)
    _mark_reversed(sorted({link.original_invoice_id for link in links if link.original_invoice_id}))
    return len(links)


def _mark_reversed(blue_ids: list[int]) -> None:
    """The status their reds give the blue invoices (services.reversal_statuses), set as
    every status change is (services.set_tax_statuses)."""
    statuses: dict[int, str] = {}
    for chunk in _chunks(blue_ids):
        totals = Invoice.objects.filter(pk__in=chunk).values_list("id", "total_amount")
        statuses.update(services.reversal_statuses(dict(totals)))
    services.set_tax_statuses(
        statuses=statuses, source=services.RED_REVERSAL, reason=services.RED_REVERSAL
    )


def refresh_statistics(added: int | None = None) -> None:
    """Refresh the planner's statistics of the invoice table (`added`: rows just loaded;
    their share of the table decides whether gathering them again is worth it).

    SQLite gathers none by itself, and without them it may walk the (organisation,
    issue_date) index of a million rows for a number lookup instead of the number index.
    """
    table = connection.ops.quote_name(Invoice._meta.db_table)
    with connection.cursor() as cursor:
        analyze = added is None or added >= ANALYZE_MIN_SHARE * _rows_known(cursor)
        if connection.vendor == "sqlite":
            if analyze:
                # Every row, not a sample (analysis_limit): a sample of a few thousand
                # rows made SQLite believe the organisation holds 2,001 of a million
                # rows and sort the whole table for the first page of the list (0.1 s).
                # Seconds at a million rows, so only when the table changed shape.
                cursor.execute("PRAGMA analysis_limit=0")
                cursor.execute(f"ANALYZE {table}")
            return
        if connection.in_atomic_block:
            if analyze:
                cursor.execute(f"ANALYZE {table}")
        else:
            # VACUUM also marks the new pages all-visible, so that counts and covered list
            # queries are answered from the indexes alone (autovacuum would, minutes later);
            # it is cheap on a table that is only added to.
            cursor.execute(f"VACUUM (ANALYZE) {table}" if analyze else f"VACUUM {table}")


def _rows_known(cursor: Any) -> float:
    """The invoice rows the current statistics describe (0 when there are none)."""
    name = Invoice._meta.db_table
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return 0.0
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NOT NULL", [name])
        row = cursor.fetchone()
        return float(row[0].split()[0]) if row else 0.0
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [name])
    return max(float(cursor.fetchone()[0]), 0.0)  # -1: never analysed
