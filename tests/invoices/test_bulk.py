"""bulk_record stores what record_invoice stores, only many at a time: same fields, line
items, duplicates linked instead of stored twice, red invoices tied to their blue ones."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from fapiao.accounts.models import Organisation, User
from fapiao.analytics.models import CategoryRule, RuleKind
from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.errors import DuplicateInvoice
from fapiao.invoices.bulk import BulkResult, bulk_record
from fapiao.invoices.models import DuplicateSubmission, Invoice, LineItem, Source, TaxStatus
from fapiao.invoices.services import record_invoice
from tests.factories import UserFactory

START, END = dt.date(2025, 1, 1), dt.date(2026, 10, 31)
# Fields that differ between two stores of the same data by nature, not by computation.
INCIDENTAL = {"id", "created_at", "updated_at", "original_invoice"}


def generate(corpus: CorpusGenerator, n: int, **options: Any) -> list[InvoiceData]:
    return list(corpus.invoices(n, start=START, end=END, **options))


def load(
    org: Organisation, submitter: User, invoices: list[InvoiceData], **options: Any
) -> BulkResult:
    return bulk_record(organisation=org, invoices=invoices, submitter=submitter, **options)


def stored_fields(invoice: Invoice) -> dict[str, Any]:
    return {
        f.attname: getattr(invoice, f.attname)
        for f in Invoice._meta.concrete_fields
        if f.name not in INCIDENTAL
    }


def item_rows(invoice: Invoice) -> list[tuple[Any, ...]]:
    return list(
        LineItem.objects.filter(invoice=invoice)
        .order_by("position")
        .values_list(
            "position", "name", "tax_category", "spec", "unit", "quantity", "unit_price",
            "amount", "tax_rate", "tax_amount",
        )
    )  # fmt: skip


def test_loads_every_invoice_with_its_line_items(
    users: dict[str, User], org: Organisation, corpus: CorpusGenerator
) -> None:
    invoices = generate(corpus, 120)
    seen: list[int] = []
    result = load(
        org,
        users["submitter"],
        invoices,
        batch_size=50,
        on_progress=lambda r: seen.append(r.processed),
    )

    assert result.created == 120
    assert result.duplicates == 0
    assert seen == [50, 100, 120]
    assert Invoice.objects.filter(organisation=org).count() == 120
    assert LineItem.objects.filter(invoice__organisation=org).count() == sum(
        len(inv.items) for inv in invoices
    )
    stored = Invoice.objects.get(organisation=org, invoice_number=invoices[7].invoice_number)
    assert stored.submitter == users["submitter"]
    assert stored.department == users["submitter"].department
    assert stored.source == Source.IMPORT
    assert [row[1] for row in item_rows(stored)] == [item.name for item in invoices[7].items]


# An organisation's own category rules, by keyword and by seller (None: the default
# taxonomy alone); the seller's pattern is filled in with a generated seller's name.
RULES = {
    "default taxonomy": [],
    "organisation rules": [
        (RuleKind.KEYWORD, "住宿费", "差旅", 20),
        (RuleKind.SELLER, None, "客户招待", 10),
    ],
}


@pytest.mark.parametrize("rules", list(RULES))
def test_stores_the_same_fields_as_record_invoice(
    users: dict[str, User],
    org: Organisation,
    other_org: Organisation,
    corpus: CorpusGenerator,
    rules: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoices = generate(corpus, 80)
    # A few that the rules object to, so that findings are compared too.
    extra = generate(corpus, 2, red_share=0, voided_share=0)
    invoices += [
        corpus.broken(extra[0], "total_mismatch"),
        corpus.broken(extra[1], "bad_number_format"),
    ]
    for owner in (org, other_org):
        for kind, pattern, category, priority in RULES[rules]:
            CategoryRule.objects.create(
                organisation=owner,
                kind=kind,
                pattern=pattern or invoices[0].seller_name,
                category=category,
                priority=priority,
            )
    submitter = users["submitter"]
    # What runs once each write is committed runs here too, as it would in production.
    with django_capture_on_commit_callbacks(execute=True):
        for inv in invoices:
            record_invoice(organisation=org, data=copy.deepcopy(inv), submitter=submitter)
    # The same data, bulk-loaded for another organisation by a user of the same department.
    twin = UserFactory(username="twin", organisation=other_org, department=submitter.department)
    with django_capture_on_commit_callbacks(execute=True):
        load(other_org, twin, copy.deepcopy(invoices), source=Source.API, batch_size=30)

    one_by_one = list(Invoice.objects.filter(organisation=org))
    bulk = {i.identity_key: i for i in Invoice.objects.filter(organisation=other_org)}
    assert len(bulk) == len(one_by_one) == len(invoices)
    assert any(i.findings for i in one_by_one)
    assert any(i.original_invoice_id for i in one_by_one)
    categories = {i.category for i in one_by_one}
    assert "住宿" in categories or "差旅" in categories  # spending categories, not 住宿服务
    if RULES[rules]:
        assert {"差旅", "客户招待"} <= categories
    for single in one_by_one:
        twin_row = bulk[single.identity_key]
        expected = stored_fields(single) | {
            "organisation_id": other_org.pk,
            "submitter_id": twin.pk,
        }
        assert stored_fields(twin_row) == expected, single.identity_key
        assert item_rows(twin_row) == item_rows(single)
        # Red links point at the same invoice (by identity) in each organisation.
        blue = single.original_invoice
        linked = twin_row.original_invoice
        assert (blue and blue.identity_key) == (linked and linked.identity_key)


def test_duplicates_within_one_load_are_stored_once(
    users: dict[str, User], org: Organisation, corpus: CorpusGenerator
) -> None:
    invoices = generate(corpus, 30, red_share=0)
    again = corpus.duplicate_of(invoices[3])
    again_in_next_batch = corpus.duplicate_of(invoices[4])
    rows = [*invoices[:10], again, *invoices[10:], again_in_next_batch]

    result = load(org, users["submitter"], rows, batch_size=11)

    assert result.created == 30
    assert result.duplicates == 2
    first = Invoice.objects.get(organisation=org, identity_key=invoices[3].invoice_number)
    second = Invoice.objects.get(organisation=org, identity_key=invoices[4].invoice_number)
    assert result.duplicate_rows == [(10, first.pk), (31, second.pk)]
    assert Invoice.objects.filter(organisation=org).count() == 30
    for stored in (first, second):
        assert stored.has_duplicates
        assert "duplicate" in {f["code"] for f in stored.findings}
        assert DuplicateSubmission.objects.filter(invoice=stored).count() == 1
    assert not Invoice.objects.get(identity_key=invoices[5].invoice_number).has_duplicates


def test_duplicates_across_loads_and_services_are_linked(
    users: dict[str, User], org: Organisation, corpus: CorpusGenerator
) -> None:
    invoices = generate(corpus, 20, red_share=0)
    recorded = record_invoice(
        organisation=org, data=copy.deepcopy(invoices[0]), submitter=users["submitter"]
    )
    load(org, users["submitter"], invoices[1:10])

    result = load(org, users["submitter2"], copy.deepcopy(invoices), batch_size=7)

    assert (result.created, result.duplicates) == (10, 10)
    assert Invoice.objects.filter(organisation=org).count() == 20
    recorded.refresh_from_db()
    assert recorded.has_duplicates
    dup = DuplicateSubmission.objects.get(invoice=recorded)
    assert dup.submitted_by == users["submitter2"]
    assert dup.source == Source.IMPORT
    assert DuplicateSubmission.objects.filter(invoice__organisation=org).count() == 10
    # And the one-by-one service sees bulk-loaded invoices as already stored.
    with pytest.raises(DuplicateInvoice):
        record_invoice(
            organisation=org, data=copy.deepcopy(invoices[15]), submitter=users["submitter"]
        )


def test_same_invoice_in_another_organisation_is_not_a_duplicate(
    users: dict[str, User], org: Organisation, outsider: User, corpus: CorpusGenerator
) -> None:
    invoices = generate(corpus, 10)
    load(org, users["submitter"], invoices)
    assert outsider.organisation is not None

    result = load(outsider.organisation, outsider, copy.deepcopy(invoices))

    assert (result.created, result.duplicates) == (10, 0)


def reds_and_blues(corpus: CorpusGenerator, n: int) -> tuple[list[InvoiceData], list[InvoiceData]]:
    invoices = generate(corpus, n, red_share=0.3)
    reds = [inv for inv in invoices if inv.is_red]
    assert len(reds) >= 3, "the corpus should make red invoices at this share"
    return invoices, reds


def _blues_of(reds: list[InvoiceData]) -> Iterator[Invoice]:
    for red in reds:
        yield Invoice.objects.get(invoice_number=red.original_invoice_number)


def test_red_invoices_are_tied_to_their_blue_ones_in_one_load(
    users: dict[str, User], org: Organisation, corpus: CorpusGenerator
) -> None:
    invoices, reds = reds_and_blues(corpus, 60)
    # Blue status as a stored invoice would have it before any red one arrives.
    for inv in invoices:
        if not inv.is_red and inv.tax_status != TaxStatus.VOIDED:
            inv.tax_status = TaxStatus.NORMAL

    result = load(org, users["submitter"], invoices, batch_size=9)

    assert result.red_linked == len(reds)
    for red, blue in zip(reds, _blues_of(reds), strict=True):
        stored_red = Invoice.objects.get(invoice_number=red.invoice_number)
        assert stored_red.is_red
        assert stored_red.original_invoice == blue
        reversed_total = -sum(r.total_amount for r in blue.red_invoices.all())
        assert blue.total_amount is not None
        expected = (
            TaxStatus.RED_FULL if reversed_total >= blue.total_amount else TaxStatus.RED_PARTIAL
        )
        assert blue.tax_status == expected
    statuses = {blue.tax_status for blue in _blues_of(reds)}
    assert statuses == {TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL}, "both kinds should occur"


def test_a_red_invoice_finds_its_blue_one_whichever_load_brings_it(
    users: dict[str, User], org: Organisation, corpus: CorpusGenerator
) -> None:
    invoices, reds = reds_and_blues(corpus, 60)
    red_first = [inv for inv in invoices if inv.is_red]
    blue_later = [inv for inv in invoices if not inv.is_red]
    for inv in blue_later:
        if inv.tax_status != TaxStatus.VOIDED:
            inv.tax_status = TaxStatus.NORMAL

    first = load(org, users["submitter"], red_first)
    assert first.red_linked == 0
    assert not Invoice.objects.filter(organisation=org, original_invoice__isnull=False).exists()

    second = load(org, users["submitter"], blue_later, batch_size=10)

    assert second.red_linked == len(reds)
    for blue in _blues_of(reds):
        assert blue.red_invoices.count() >= 1
        assert blue.tax_status in (TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL)
    # A red recorded one by one afterwards still finds a bulk-loaded blue invoice.
    extra_invoices, extra_reds = reds_and_blues(corpus, 60)
    load(org, users["submitter"], [inv for inv in extra_invoices if not inv.is_red])
    single = record_invoice(organisation=org, data=extra_reds[0], submitter=users["submitter"])
    assert single.original_invoice is not None
    assert single.original_invoice.invoice_number == extra_reds[0].original_invoice_number


def test_rows_without_a_number_are_rejected_and_the_rest_stored(
    users: dict[str, User], org: Organisation, corpus: CorpusGenerator
) -> None:
    invoices = generate(corpus, 5)
    invoices[2].invoice_number = "  "

    result = load(org, users["submitter"], invoices)

    assert result.created == 4
    assert [index for index, _ in result.rejected] == [2]
    assert "发票号码" in result.rejected[0][1]


def test_number_lookup_sorted_like_a_list_uses_the_number_index(
    users: dict[str, User], org: Organisation, corpus: CorpusGenerator
) -> None:
    """Without planner statistics (a database grown upload by upload) SQLite once walked
    the whole (organisation, issue_date) index for a number looked up through the API."""
    from django.db import connection

    from fapiao.invoices import selectors
    from fapiao.invoices.selectors import InvoiceFilter

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics: for 30 rows a scan is right")
    load(org, users["submitter"], generate(corpus, 30))
    qs = selectors.list_invoices(users["finance_admin"], InvoiceFilter(invoice_number="1"))

    plan = qs.order_by("-issue_date", "-id")[:51].explain()

    assert "inv_org_number" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
