"""invoices.selectors: scoped reads, filters, keyset pages and capped counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fapiao.errors import InvalidInvoiceData, InvoiceNotFound
from fapiao.invoices.models import Invoice
from fapiao.invoices.selectors import (
    InvoiceFilter,
    count_capped,
    get_invoice,
    list_invoices,
    page_invoices,
    page_total,
)


@pytest.fixture
def stored(users, make_invoices):
    made = make_invoices(12, submitter=users["submitter"])
    made += make_invoices(5, submitter=users["submitter2"])
    # Undated rows and a tie on the date, to test NULL placement and the id tie-breaker.
    Invoice.objects.filter(pk__in=[made[0].pk, made[5].pk, made[13].pk]).update(issue_date=None)
    Invoice.objects.filter(pk__in=[made[1].pk, made[2].pk, made[3].pk]).update(
        issue_date=dt.date(2025, 5, 5)
    )
    return list(Invoice.objects.all())


@pytest.mark.parametrize("sort", ["issue_date", "-issue_date", "total_amount", "-created_at"])
@pytest.mark.parametrize("limit", [1, 3, 5, 17])
def test_pages_cover_every_row_once(users, stored, sort, limit):
    qs = list_invoices(users["finance_admin"], InvoiceFilter())
    seen, cursor, pages = [], None, 0
    while True:
        page = page_invoices(qs, sort=sort, cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        seen += [i.pk for i in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(stored)
    assert pages == max(1, -(-len(stored) // limit))
    name = sort.lstrip("-")
    values = [getattr(Invoice.objects.get(pk=pk), name) for pk in seen]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=sort.startswith("-"))
    # NULLs come together, at one end
    nulls = [i for i, v in enumerate(values) if v is None]
    assert nulls in (
        [],
        list(range(len(nulls))),
        list(range(len(values) - len(nulls), len(values))),
    )


@pytest.mark.parametrize("sort", ["-issue_date", "total_amount"])
def test_pages_fetched_whole_are_the_same_pages(users, stored, sort):
    """few=True (a number lookup) skips the ids-first step, not a row or the order."""
    qs = list_invoices(users["finance_admin"], InvoiceFilter())
    cursors: list[str | None] = [None, None]
    while True:
        pages = [
            page_invoices(qs, sort=sort, cursor=cursor, limit=4, few=few)
            for cursor, few in zip(cursors, (False, True), strict=True)
        ]
        assert [i.pk for i in pages[0].items] == [i.pk for i in pages[1].items]
        assert pages[0].next_cursor == pages[1].next_cursor
        cursors = [p.next_cursor for p in pages]
        if cursors[0] is None:
            break


def test_ties_are_broken_by_id_in_the_sort_direction(users, stored):
    qs = list_invoices(
        users["finance_admin"],
        InvoiceFilter(date_from=dt.date(2025, 5, 5), date_to=dt.date(2025, 5, 5)),
    )
    ascending = [i.pk for i in page_invoices(qs, sort="issue_date", limit=50).items]
    descending = [i.pk for i in page_invoices(qs, sort="-issue_date", limit=50).items]
    assert len(ascending) >= 3
    assert ascending == sorted(ascending) and descending == sorted(descending, reverse=True)


def test_scope_applies_before_filters(users, stored):
    own = list_invoices(users["submitter2"], InvoiceFilter())
    assert {i.submitter_id for i in own} == {users["submitter2"].pk}
    assert (
        list_invoices(users["submitter2"], InvoiceFilter(submitter=users["submitter"].pk)).count()
        == 0
    )


def test_get_invoice_hides_other_organisations(users, outsider, stored):
    invoice = stored[0]
    assert get_invoice(users["finance_admin"], invoice.pk) == invoice
    with pytest.raises(InvoiceNotFound):
        get_invoice(outsider, invoice.pk)
    with pytest.raises(InvoiceNotFound):
        get_invoice(
            users["submitter2"],
            stored[0].pk if stored[0].submitter == users["submitter"] else stored[-1].pk,
        )


def test_count_is_capped(users, stored):
    qs = list_invoices(users["finance_admin"], InvoiceFilter())
    assert count_capped(qs) == (len(stored), False)
    assert count_capped(qs, cap=5) == (5, True)
    assert count_capped(qs, cap=len(stored)) == (len(stored), False)


def test_page_total_counts_without_a_query_only_when_the_first_page_holds_all(
    users, stored, django_assert_num_queries
):
    qs = list_invoices(users["finance_admin"], InvoiceFilter())
    whole = page_invoices(qs, limit=50)
    with django_assert_num_queries(0):
        assert page_total(qs, whole, first_page=True) == (len(stored), False)
    first = page_invoices(qs, limit=5)
    assert page_total(qs, first, first_page=True) == (len(stored), False)
    # A later page that happens to be the last still reports the whole filter's count.
    last = page_invoices(qs, limit=50, cursor=first.next_cursor)
    assert len(last.items) == len(stored) - 5
    assert page_total(qs, last, first_page=False) == (len(stored), False)


@pytest.mark.parametrize(
    ("low", "high"),
    [(None, "5000"), ("1000", None), ("1000", "5000"), ("0", "1"), ("900", "1000"), ("=", "=")],
)
def test_amount_ranges_select_exactly_the_bounded_rows(users, stored, low, high):
    """Broad ranges are hinted to SQLite's planner, narrow ones not: same rows either way."""
    amounts = sorted(i.total_amount for i in stored if i.total_amount is not None)
    median = amounts[len(amounts) // 2]
    lo, hi = (median if v == "=" else Decimal(v) if v is not None else None for v in (low, high))
    qs = list_invoices(users["finance_admin"], InvoiceFilter(amount_min=lo, amount_max=hi))
    expected = {
        i.pk
        for i in stored
        if i.total_amount is not None
        and (lo is None or i.total_amount >= lo)
        and (hi is None or i.total_amount <= hi)
    }
    assert {i.pk for i in page_invoices(qs, sort="-created_at", limit=100).items} == expected
    assert count_capped(qs) == (len(expected), False)
    if low == "=":
        assert expected


def test_unknown_sort_and_bad_cursor_are_explained(users, stored):
    qs = list_invoices(users["finance_admin"], InvoiceFilter())
    with pytest.raises(InvalidInvoiceData) as caught:
        page_invoices(qs, sort="seller_name")
    assert caught.value.errors[0]["field"] == "sort" and "排序" in caught.value.detail
    with pytest.raises(InvalidInvoiceData) as caught:
        page_invoices(qs, cursor="!!!")
    assert caught.value.errors[0]["field"] == "cursor"


def test_party_filter_takes_a_name_part_or_a_tax_id(users, stored):
    viewer = users["finance_admin"]
    some = stored[4]
    by_id = list_invoices(viewer, InvoiceFilter(seller=some.seller_tax_id))
    assert some in by_id and all(i.seller_tax_id == some.seller_tax_id for i in by_id)
    part = some.seller_name[2:5]
    by_name = list_invoices(viewer, InvoiceFilter(seller=part))
    assert {i.pk for i in by_name} == {i.pk for i in stored if part in i.seller_name}
