"""GET /api/v1/invoices: filters, sorting and keyset pagination."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection

from fapiao.invoices.models import Invoice, ReviewStatus
from tests.api.conftest import assert_problem, invoice_body, post_json

URL = "/api/v1/invoices"


def _walk(client, params, limit):
    """Every page of a listing, following next_cursor; returns ids in order and page count."""
    ids, pages, cursor = [], 0, None
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(URL, query)
        assert response.status_code == 200, response.content.decode()
        page = json.loads(response.content)
        ids += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return ids, pages, page
        assert pages < 100, "pagination does not end"


@pytest.fixture
def listing(users, make_invoices, create):
    """Generated invoices in two departments, plus rows with no date or total and ties."""
    made = make_invoices(16, submitter=users["submitter"])
    made += make_invoices(7, submitter=users["submitter2"])
    for _ in range(3):
        create(
            users["submitter2"], issue_date=None, amount=None, tax_amount=None, total_amount=None
        )
    for _ in range(3):
        create(users["submitter"], issue_date="2025-06-01")
    return list(Invoice.objects.all())


@pytest.mark.parametrize(
    "sort", ["-issue_date", "issue_date", "-total_amount", "total_amount", "-created_at"]
)
def test_keyset_pages_walk_every_invoice_once_in_order(users, api_as, listing, sort):
    ids, pages, last = _walk(api_as(users["finance_admin"]), {"sort": sort}, limit=4)

    assert len(ids) == len(set(ids)) == len(listing) == 29
    assert pages == 8
    assert last["sort"] == sort and last["total"] == 29
    name, descending = sort.lstrip("-"), sort.startswith("-")
    nulls_largest = connection.vendor == "postgresql"
    rows = [(getattr(inv, name), inv.pk) for inv in listing]
    # Each database's native NULL order: largest on PostgreSQL, smallest on SQLite.
    expected = sorted(
        rows, key=lambda r: ((r[0] is None) == nulls_largest, 0 if r[0] is None else r[0], r[1])
    )
    if descending:
        expected.reverse()
    assert ids == [pk for _, pk in expected]


def test_default_sort_is_newest_issue_date_first(users, api_as, listing):
    page = json.loads(api_as(users["finance_admin"]).get(URL).content)
    assert page["sort"] == "-issue_date"
    dates = [i["issue_date"] for i in page["items"] if i["issue_date"]]
    assert dates == sorted(dates, reverse=True)


def _cases(listing: list[Invoice], users) -> list[tuple[dict, object]]:
    dated = sorted(i.issue_date for i in listing if i.issue_date)
    totals = sorted(i.total_amount for i in listing if i.total_amount is not None)
    some = listing[3]
    types = sorted({i.invoice_type for i in listing})
    seller = next(i for i in listing if len(i.seller_name) > 4)
    coded = next((i for i in listing if i.invoice_code), None)
    categories = sorted({i.category for i in listing if i.category})
    lo, hi = dated[len(dated) // 4], dated[len(dated) * 3 // 4]
    cases: list[tuple[dict, object]] = [
        (
            {"invoice_number": some.invoice_number},
            lambda i: i.invoice_number == some.invoice_number,
        ),
        ({"date_from": lo.isoformat()}, lambda i: i.issue_date and i.issue_date >= lo),
        ({"date_to": hi.isoformat()}, lambda i: i.issue_date and i.issue_date <= hi),
        (
            {"date_from": lo.isoformat(), "date_to": hi.isoformat()},
            lambda i: i.issue_date and lo <= i.issue_date <= hi,
        ),
        ({"invoice_type": types[0]}, lambda i: i.invoice_type == types[0]),
        ({"seller": seller.seller_name[1:4]}, lambda i: seller.seller_name[1:4] in i.seller_name),
        ({"seller": seller.seller_tax_id}, lambda i: i.seller_tax_id == seller.seller_tax_id),
        ({"buyer": "张三"}, lambda i: "张三" in i.buyer_name),
        (
            {"amount_min": str(totals[10])},
            lambda i: i.total_amount is not None and i.total_amount >= totals[10],
        ),
        (
            {"amount_max": f"¥{totals[12]:,}"},
            lambda i: i.total_amount is not None and i.total_amount <= totals[12],
        ),
        ({"tax_status": "voided,red_full"}, lambda i: i.tax_status in ("voided", "red_full")),
        ({"status": "approved"}, lambda i: i.status == ReviewStatus.APPROVED),
        (
            {"department": users["submitter2"].department_id},
            lambda i: i.department_id == users["submitter2"].department_id,
        ),
        ({"category": categories[0]}, lambda i: i.category == categories[0]),
        ({"is_beijing": "true"}, lambda i: i.is_beijing),
        ({"is_beijing": "false"}, lambda i: not i.is_beijing),
        ({"submitter": users["submitter2"].pk}, lambda i: i.submitter_id == users["submitter2"].pk),
        ({"has_duplicates": "true"}, lambda i: i.has_duplicates),
    ]
    if len(types) > 1:
        cases.append(
            ({"invoice_type": [types[0], types[1]]}, lambda i: i.invoice_type in types[:2])
        )
    if coded is not None:
        cases.append(
            ({"invoice_code": coded.invoice_code}, lambda i: i.invoice_code == coded.invoice_code)
        )
    return cases


def test_each_filter_narrows_to_exactly_the_matching_invoices(users, api_as, listing, create):
    create(users["submitter"], buyer_name="张三", buyer_tax_id="", tax_status="voided")
    Invoice.objects.filter(pk__in=[i.pk for i in listing[:5]]).update(status=ReviewStatus.APPROVED)
    body = invoice_body()
    post_json(api_as(users["submitter"]), URL, body)
    post_json(api_as(users["submitter2"]), URL, body)  # a duplicate: flags the first
    every = list(Invoice.objects.all())
    client = api_as(users["finance_admin"])

    for params, matches in _cases(every, users):
        expected = {i.pk for i in every if matches(i)}
        assert 0 < len(expected) < len(every), params
        ids, _, page = _walk(client, params, limit=500)
        assert set(ids) == expected, params
        assert page["total"] == len(expected), params


def test_filters_combine_with_the_users_scope(users, api_as, listing):
    own = {i.pk for i in listing if i.submitter_id == users["submitter"].pk}
    ids, _, _ = _walk(api_as(users["submitter"]), {"date_from": "2000-01-01"}, limit=500)
    assert set(ids) == {pk for pk in own if Invoice.objects.get(pk=pk).issue_date}


def test_blank_parameters_mean_no_filter(users, api_as, listing):
    params = {"invoice_number": "", "date_from": "", "is_beijing": "", "status": "", "sort": ""}
    page = json.loads(api_as(users["finance_admin"]).get(URL, {**params, "limit": 500}).content)
    assert page["total"] == len(listing)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "-seller_name"}, "sort"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"date_from": "2025/13/01"}, "date_from"),
        ({"amount_min": "很多"}, "amount_min"),
        ({"status": "paid"}, "status"),
        ({"tax_status": "normal,lost"}, "tax_status"),
        ({"is_beijing": "perhaps"}, "is_beijing"),
    ],
)
def test_bad_query_parameters_are_422_naming_the_parameter(users, api_as, params, field):
    problem = assert_problem(
        api_as(users["finance_admin"]).get(URL, params), 422, "validation_error"
    )
    assert [e["field"] for e in problem["errors"]] == [field]
    assert all(any("\u4e00" <= c <= "\u9fff" for c in e["message"]) for e in problem["errors"])


def test_limit_defaults_to_the_page_size_setting(users, api_as, listing, settings):
    settings.PAGE_SIZE = 7
    page = json.loads(api_as(users["finance_admin"]).get(URL).content)
    assert len(page["items"]) == 7 and page["next_cursor"]


def test_summary_money_is_a_two_place_string(users, api_as, listing):
    page = json.loads(api_as(users["finance_admin"]).get(URL, {"limit": 500}).content)
    for item in page["items"]:
        if item["total_amount"] is not None:
            assert Decimal(item["total_amount"]).as_tuple().exponent == -2
            assert isinstance(item["total_amount"], str)
        if item["issue_date"]:
            dt.date.fromisoformat(item["issue_date"])
