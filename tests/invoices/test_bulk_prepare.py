"""A large bulk load prepares its rows in a child process while this one stores: it stores
exactly what the same load prepared in-process stores (fields, findings, line items,
duplicates, rejected rows, red links), in the same order."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from fapiao.accounts.models import Organisation, User
from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices import bulk_prepare
from fapiao.invoices.bulk import BulkResult, bulk_record
from fapiao.invoices.models import Invoice
from tests.factories import UserFactory
from tests.invoices.test_bulk import item_rows, stored_fields

START, END = dt.date(2025, 1, 1), dt.date(2026, 10, 31)


def mixed_load(corpus: CorpusGenerator) -> list[InvoiceData]:
    """A few thousand rows with line items, reds, rule findings, repeats and a bad row."""
    rows = list(corpus.invoices(2_400, start=START, end=END, red_share=0.1))
    rows += list(corpus.invoices(300, start=START, end=END, with_items=True))
    rows[40] = corpus.broken(rows[40], "total_mismatch")
    rows[1_500].invoice_number = " "  # rejected
    rows += [corpus.duplicate_of(rows[i]) for i in (3, 700, 2_650)]
    rows.insert(900, corpus.duplicate_of(rows[10]))
    return rows


def stream(rows: list[InvoiceData]) -> Iterator[InvoiceData]:
    """As the benchmark and importers give them: an iterator, length unknown."""
    yield from copy.deepcopy(rows)


def by_identity(org: Organisation, result: BulkResult) -> dict[str, Any]:
    keys = dict(Invoice.objects.filter(organisation=org).values_list("id", "identity_key"))
    invoices = {}
    for invoice in Invoice.objects.filter(organisation=org):
        fields = stored_fields(invoice) | {"organisation_id": None, "submitter_id": None}
        blue = invoice.original_invoice
        invoices[invoice.identity_key] = (
            fields,
            item_rows(invoice),
            blue.identity_key if blue else None,
            invoice.duplicate_submissions.count(),
        )
    return {
        "invoices": invoices,
        "counts": (result.processed, result.created, result.duplicates, result.red_linked),
        "duplicate_rows": [(index, keys[pk]) for index, pk in result.duplicate_rows],
        "rejected": result.rejected,
    }


@pytest.mark.parametrize("child_only", [False, True], ids=["shared", "child-only"])
def test_a_pipelined_load_stores_what_an_in_process_one_stores(
    users: dict[str, User],
    org: Organisation,
    other_org: Organisation,
    corpus: CorpusGenerator,
    monkeypatch: pytest.MonkeyPatch,
    child_only: bool,
) -> None:
    rows = mixed_load(corpus)
    submitter = users["submitter"]
    twin = UserFactory(username="twin", organisation=other_org, department=submitter.department)
    in_process = bulk_record(
        organisation=org, invoices=stream(rows), submitter=submitter, batch_size=500
    )

    here = []  # rows this process prepared
    prepare_chunk = bulk_prepare.prepare_chunk

    def counted(context: Any, columns: Any, chunk: list[Any]) -> Any:
        here.extend(chunk)
        return prepare_chunk(context, columns, chunk)

    monkeypatch.setattr(bulk_prepare, "prepare_chunk", counted)
    monkeypatch.setattr(bulk_prepare, "PIPELINE_MIN_ROWS", 1_000)
    monkeypatch.setattr(bulk_prepare, "CHUNK_ROWS", 100)
    if child_only:
        monkeypatch.setattr(bulk_prepare, "_take_over", lambda pieces, prepare: {})
    pipelined = bulk_record(
        organisation=other_org, invoices=stream(rows), submitter=twin, batch_size=500
    )

    assert in_process.created > 2_500
    assert in_process.duplicates == 4
    assert in_process.red_linked > 0
    assert [index for index, _ in in_process.rejected] == [
        1_501
    ]  # moved by the row inserted at 900
    assert by_identity(other_org, pipelined) == by_identity(org, in_process)
    # The child prepared rows (the counter in it is its own), here at most a share.
    assert len(here) < len(rows)
    if child_only:
        assert here == []


def test_a_small_load_is_prepared_in_process(
    users: dict[str, User], org: Organisation, corpus: CorpusGenerator
) -> None:
    rows = list(corpus.invoices(50, start=START, end=END))
    started: list[int] = []
    original = bulk_prepare._pipelined

    def spy(*args: Any) -> Any:
        started.append(1)
        return original(*args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bulk_prepare, "_pipelined", spy)
        result = bulk_record(organisation=org, invoices=iter(rows), submitter=users["submitter"])

    assert result.created == 50
    assert started == []
