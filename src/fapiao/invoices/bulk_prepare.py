"""The preparation half of a bulk load: each row through prepare.prepare_invoice and into
its database form, batch by batch, for bulk.py to store.

Preparing is pure Python (~40 µs a row: identity, region, category, findings, conversion)
and storing is mostly the database's work, so a large load prepares its rows in a child
process while this one stores the batch before: at a million rows on SQLite that hides
~40 s of the load. Small loads (and machines without `fork`) prepare in this process; so
does this process whenever it would otherwise wait for the child, taking over the chunks of
the current batch the child has not begun (nothing is prepared twice or out of order).

The child (bulk_child.py) never touches the database: it receives the load's organisation
and people once, then chunks of rows, and sends back each row's values.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, NamedTuple

from fapiao.accounts.models import Department, Organisation, User
from fapiao.core.invoice import InvoiceData
from fapiao.errors import InvalidInvoiceData
from fapiao.invoices import bulk_child, fastinsert, prepare
from fapiao.invoices.models import Invoice

# Loads of at least this many rows prepare them in a child process (a fork costs tens of
# milliseconds; 20,000 rows take a couple of seconds to load). Tests lower it.
PIPELINE_MIN_ROWS = 20_000
# Rows per piece of work sent to the child: small enough that this process can take over
# the last pieces of a batch instead of waiting, large enough to keep the hand-over cheap.
CHUNK_ROWS = 1_000
# Batches read and handed to the child ahead of the one being stored.
BATCHES_AHEAD = 2


class PreparedRow(NamedTuple):
    """One invoice ready to store: what bulk.py needs of it, and its column values."""

    input_index: int  # its position in the load's input
    values: list[Any]  # fastinsert.Columns(Invoice).values of the prepared invoice
    identity_key: str
    invoice_number: str
    is_red: bool
    original_invoice_code: str
    original_invoice_number: str


@dataclass(frozen=True)
class LoadContext:
    """What every row of one load shares."""

    organisation: Organisation
    submitter: User | None
    department: Department | None
    source: str


@dataclass
class PreparedBatch:
    rows: list[tuple[int, InvoiceData]]  # as read: (index in the input, data)
    columns: fastinsert.Columns  # what made the rows' values (for fastinsert.insert_rows)
    prepared: list[PreparedRow]  # the storable ones, in input order
    rejected: list[tuple[int, str]]  # (index, what is wrong, in Chinese)


Chunk = list[tuple[int, InvoiceData]]
ChunkResult = tuple[list[PreparedRow], list[tuple[int, str]]]


def prepare_chunk(context: LoadContext, columns: fastinsert.Columns, chunk: Chunk) -> ChunkResult:
    prepared: list[PreparedRow] = []
    rejected: list[tuple[int, str]] = []
    on = prepare.today()  # the day the checks run, looked up once per chunk
    for index, data in chunk:
        try:
            invoice = prepare.prepare_invoice(
                organisation=context.organisation,
                data=data,
                submitter=context.submitter,
                department=context.department,
                source=context.source,
                on=on,
            )
        except InvalidInvoiceData as exc:
            rejected.append((index, exc.detail))
            continue
        prepared.append(
            PreparedRow(
                index,
                columns.values(invoice),
                invoice.identity_key,
                invoice.invoice_number,
                invoice.is_red,
                invoice.original_invoice_code,
                invoice.original_invoice_number,
            )
        )
    return prepared, rejected


@contextmanager
def prepared_batches(
    invoices: Iterable[InvoiceData], *, batch_size: int, context: LoadContext
) -> Iterator[Iterator[PreparedBatch]]:
    """The load's rows, `batch_size` at a time, prepared (in a child process when large)."""
    rows_in: Iterator[tuple[int, InvoiceData]] = enumerate(invoices)
    if isinstance(invoices, Sized):
        large = len(invoices) >= PIPELINE_MIN_ROWS
    else:
        # Read as far as the threshold to know; the rows read are loaded first.
        first = list(islice(rows_in, PIPELINE_MIN_ROWS))
        large = len(first) >= PIPELINE_MIN_ROWS
        rows_in = chain(first, rows_in)
    columns = fastinsert.Columns(Invoice)
    if not large or "forkserver" not in multiprocessing.get_all_start_methods():
        yield _in_process(rows_in, batch_size, context, columns)
        return
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=_child_context(),
        initializer=bulk_child.start,
        initargs=(pickle.dumps(context),),
    )
    try:
        yield _pipelined(rows_in, batch_size, context, columns, pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _child_context() -> multiprocessing.context.BaseContext:
    """Children forked from a small server process that has Django set up, not from this
    one: a fork of this process would share its memory copy-on-write, and every page of the
    SQLite page cache written afterwards would be copied (at a million rows that made the
    second half of the load slower than without a child at all)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([bulk_child.__name__])  # only if not yet started
    return context


def _in_process(
    rows_in: Iterator[tuple[int, InvoiceData]],
    batch_size: int,
    context: LoadContext,
    columns: fastinsert.Columns,
) -> Iterator[PreparedBatch]:
    while batch := list(islice(rows_in, batch_size)):
        yield PreparedBatch(batch, columns, *prepare_chunk(context, columns, batch))


def _pipelined(
    rows_in: Iterator[tuple[int, InvoiceData]],
    batch_size: int,
    context: LoadContext,
    columns: fastinsert.Columns,
    pool: ProcessPoolExecutor,
) -> Iterator[PreparedBatch]:
    ahead: deque[tuple[Chunk, list[tuple[Chunk, Future[ChunkResult]]]]] = deque()

    def read_batch() -> None:
        if batch := list(islice(rows_in, batch_size)):
            chunks = [batch[i : i + CHUNK_ROWS] for i in range(0, len(batch), CHUNK_ROWS)]
            ahead.append(
                (batch, [(chunk, pool.submit(bulk_child.prepare, chunk)) for chunk in chunks])
            )

    for _ in range(BATCHES_AHEAD):
        read_batch()
    while ahead:
        batch, pieces = ahead.popleft()
        read_batch()  # the child works on it while the caller stores this one
        done = _take_over(pieces, lambda chunk: prepare_chunk(context, columns, chunk))
        prepared: list[PreparedRow] = []
        rejected: list[tuple[int, str]] = []
        for i, (_, future) in enumerate(pieces):
            rows, bad = done[i] if i in done else future.result()
            prepared += rows
            rejected += bad
        yield PreparedBatch(batch, columns, prepared, rejected)


def _take_over(
    pieces: list[tuple[Chunk, Future[ChunkResult]]], prepare: Callable[[Chunk], ChunkResult]
) -> dict[int, ChunkResult]:
    """Prepare here, rather than wait, the pieces the child has not begun: from the back,
    while the child works from the front. Their results, by position."""
    done = {}
    for i in reversed(range(len(pieces))):
        chunk, future = pieces[i]
        if not future.cancel():
            break
        done[i] = prepare(chunk)
    return done
