"""The invoice list: scope, filters, sorting, paging, bad input and htmx fragments."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice, ReviewStatus
from tests.conftest import ClientAs
from tests.invoices.views.conftest import list_ids, shown_ids


@pytest.fixture(autouse=True)
def whole_list_on_one_page(settings: Any) -> None:
    settings.PAGE_SIZE = 500


def org_invoices(user: User) -> Any:
    return Invoice.objects.filter(organisation_id=user.organisation_id)


def test_finance_admin_sees_the_whole_organisation_and_nothing_else(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    ids = set(list_ids(client_as(users["finance_admin"])))
    assert ids == {i.pk for i in stock["mine"] + stock["theirs"]}
    assert not ids & {i.pk for i in stock["foreign"]}


def test_submitter_sees_only_their_own(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    response = client_as(users["submitter2"]).get("/invoices/")
    html = response.content.decode()
    assert set(shown_ids(html)) == {i.pk for i in stock["theirs"]}
    assert "共 20 张" in html


def test_other_organisations_invoice_is_a_chinese_404(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    client = client_as(users["finance_admin"])
    foreign = stock["foreign"][0]
    response = client.get(f"/invoices/{foreign.pk}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "没有找到这张发票" in html and foreign.invoice_number not in html
    # A colleague's invoice outside a submitter's scope is just as absent.
    response = client_as(users["submitter"]).get(f"/invoices/{stock['theirs'][0].pk}/")
    assert response.status_code == 404


def test_unknown_page_is_a_chinese_404(users: dict[str, User], client_as: ClientAs) -> None:
    response = client_as(users["reviewer"]).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def _most_common(values: list[Any]) -> Any:
    return Counter(v for v in values if v not in (None, "")).most_common(1)[0][0]


def _cases(invoices: list[Invoice]) -> dict[str, tuple[dict[str, Any], Q]]:
    """For each filter: the GET parameters a person sends and the query they mean."""
    dates = sorted(i.issue_date for i in invoices if i.issue_date)
    amounts = sorted(i.total_amount for i in invoices if i.total_amount is not None)
    low, high = amounts[len(amounts) // 4], amounts[3 * len(amounts) // 4]
    coded = next(i for i in invoices if i.invoice_code)
    seller = _most_common([i.seller_tax_id for i in invoices])
    seller_name = next(i.seller_name for i in invoices if i.seller_tax_id == seller)
    fragment = seller_name[2:6]
    kind = _most_common([i.invoice_type for i in invoices])
    tax_status = _most_common([i.tax_status for i in invoices if i.tax_status != "normal"])
    category = _most_common([i.category for i in invoices])
    department = invoices[-1].department_id
    return {
        "invoice_number": (
            {"invoice_number": invoices[3].invoice_number},
            Q(invoice_number=invoices[3].invoice_number),
        ),
        "invoice_code": ({"invoice_code": coded.invoice_code}, Q(invoice_code=coded.invoice_code)),
        "date_range": (
            {"date_from": dates[10].isoformat(), "date_to": dates[30].isoformat()},
            Q(issue_date__gte=dates[10], issue_date__lte=dates[30]),
        ),
        "invoice_type": ({"invoice_type": kind}, Q(invoice_type=kind)),
        "seller_tax_id": ({"seller": seller}, Q(seller_tax_id=seller)),
        "seller_name": ({"seller": fragment}, Q(seller_name__icontains=fragment)),
        "amount_range": (
            {"amount_min": str(low), "amount_max": str(high)},
            Q(total_amount__gte=low, total_amount__lte=high),
        ),
        "tax_status": ({"tax_status": tax_status}, Q(tax_status=tax_status)),
        "status": ({"status": "approved"}, Q(status=ReviewStatus.APPROVED)),
        "department": ({"department": str(department)}, Q(department_id=department)),
        "category": ({"category": category}, Q(category=category)),
    }


CASES = [
    "invoice_number",
    "invoice_code",
    "date_range",
    "invoice_type",
    "seller_tax_id",
    "seller_name",
    "amount_range",
    "tax_status",
    "status",
    "department",
    "category",
]


@pytest.mark.parametrize("case", CASES)
def test_each_filter_narrows_the_list_to_what_the_database_holds(
    case: str, users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    admin = users["finance_admin"]
    params, meant = _cases(stock["mine"] + stock["theirs"])[case]
    expected = set(org_invoices(admin).filter(meant).values_list("id", flat=True))
    everything = set(org_invoices(admin).values_list("id", flat=True))
    assert expected and expected != everything, "the case must narrow something"
    assert set(list_ids(client_as(admin), **params)) == expected


def test_buyer_filter_matches_name_or_tax_id(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    client = client_as(users["finance_admin"])
    everything = set(org_invoices(users["finance_admin"]).values_list("id", flat=True))
    assert set(list_ids(client, buyer="91110108MA01ABCD1E")) == everything
    assert set(list_ids(client, buyer="示例科技")) == everything
    assert list_ids(client, buyer="上海别家") == []


def test_filters_combine(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    admin = users["finance_admin"]
    department = users["submitter2"].department_id
    ids = list_ids(client_as(admin), department=department, status="pending_review")
    expected = org_invoices(admin).filter(department_id=department, status="pending_review")
    assert set(ids) == set(expected.values_list("id", flat=True))


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("total_amount", ["total_amount", "id"]),
        ("-total_amount", ["-total_amount", "-id"]),
        ("issue_date", ["issue_date", "id"]),
        ("-created_at", ["-created_at", "-id"]),
    ],
)
def test_sorting_follows_the_column(
    sort: str,
    order: list[str],
    users: dict[str, User],
    stock: dict[str, list[Invoice]],
    client_as: ClientAs,
) -> None:
    admin = users["finance_admin"]
    expected = list(org_invoices(admin).order_by(*order).values_list("id", flat=True))
    assert list_ids(client_as(admin), sort=sort) == expected


def test_default_order_is_newest_issue_date_first(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    admin = users["finance_admin"]
    expected = list(org_invoices(admin).order_by("-issue_date", "-id").values_list("id", flat=True))
    response = client_as(admin).get("/invoices/")
    html = response.content.decode()
    assert shown_ids(html) == expected
    # The header offers the opposite direction of the current sort, keeping the filters.
    assert 'href="/invoices/?sort=issue_date"' in html


def test_paging_walks_every_invoice_once(
    users: dict[str, User],
    stock: dict[str, list[Invoice]],
    client_as: ClientAs,
    settings: Any,
) -> None:
    settings.PAGE_SIZE = 7
    admin = users["finance_admin"]
    client = client_as(admin)
    expected = list(org_invoices(admin).order_by("total_amount", "id").values_list("id", flat=True))
    seen: list[int] = []
    url = "/invoices/?sort=total_amount"
    pages = 0
    while url:
        html = client.get(url.replace("&amp;", "&")).content.decode()
        pages += 1
        assert "共 50 张" in html
        assert ("回到第一页" in html) == (pages > 1)
        seen += shown_ids(html)
        found = [a for a in html.split('<a class="button primary" href="')[1:] if "下一页" in a]
        url = found[0].split('"')[0] if found else ""
    assert seen == expected
    assert pages == 8


def test_count_is_capped(
    users: dict[str, User],
    stock: dict[str, list[Invoice]],
    client_as: ClientAs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fapiao.invoices import selectors

    real = selectors.count_capped
    monkeypatch.setattr(selectors, "count_capped", lambda qs: real(qs, cap=10))
    html = client_as(users["finance_admin"]).get("/invoices/").content.decode()
    assert "超过 10 张" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-45"}, "日期格式应为 YYYY-MM-DD"),
        ({"date_to": "昨天"}, "日期格式应为 YYYY-MM-DD"),
        ({"amount_min": "abc"}, "应为金额"),
        ({"amount_max": "1.234"}, "应为金额"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "结束日期不能早于开始日期"),
        ({"amount_min": "500", "amount_max": "100"}, "上限不能小于下限"),
        ({"department": "999999"}, "没有这个选项"),
        ({"department": "abc"}, "没有这个选项"),
        ({"tax_status": "burnt"}, "没有这个选项"),
        ({"invoice_number": "9" * 40}, "20"),
    ],
)
def test_bad_filter_input_shows_a_chinese_error_next_to_the_field(
    params: dict[str, str],
    message: str,
    users: dict[str, User],
    stock: dict[str, list[Invoice]],
    client_as: ClientAs,
) -> None:
    response = client_as(users["finance_admin"]).get("/invoices/", params)
    html = response.content.decode()
    assert response.status_code == 200
    assert "筛选条件有误" in html
    field = next(iter(params)) if len(params) == 1 else list(params)[-1]
    error = html.split(f'id="err-{field}" class="field-error">')[1].split("</p>")[0]
    assert message in error
    assert shown_ids(html) == []


def test_bad_cursor_and_sort_are_explained_not_500(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    client = client_as(users["finance_admin"])
    html = client.get("/invoices/", {"cursor": "not-a-cursor"}).content.decode()
    assert "翻页标记无效" in html and "回到第一页" in html
    response = client.get("/invoices/", {"sort": "seller_tax_id"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "不支持这种排序方式" in html
    assert len(shown_ids(html)) == 50


def test_htmx_request_gets_only_the_results(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    client = client_as(users["finance_admin"])
    response = client.get("/invoices/", {"status": "approved"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="filters"' not in html
    assert "HX-Request" in response["Vary"]
    expected = org_invoices(users["finance_admin"]).filter(status="approved")
    assert set(shown_ids(html)) == set(expected.values_list("id", flat=True))
    # Field errors and the sort live outside the swapped table: sent out of band.
    assert 'id="err-date_from" class="field-error" hx-swap-oob="true"' in html
    full = client.get("/invoices/", {"status": "approved"}).content.decode()
    assert "<html" in full and 'hx-get="/invoices/"' in full and "hx-swap-oob" not in full


def test_list_shows_money_status_and_findings(
    users: dict[str, User],
    stock: dict[str, list[Invoice]],
    broken_invoice: Invoice,
    client_as: ClientAs,
) -> None:
    client = client_as(users["finance_admin"])
    html = client.get("/invoices/", {"invoice_number": broken_invoice.invoice_number}).content
    text = html.decode()
    total = broken_invoice.total_amount
    assert total is not None
    assert f"{total.quantize(Decimal('0.01')):,}" in text
    assert "待审核" in text and "正常" in text
    count = len(broken_invoice.findings)
    assert count >= 1 and f"✖ {count}" in text
    red = org_invoices(users["finance_admin"]).filter(is_red=True).first()
    assert red is not None
    red_html = client.get("/invoices/", {"invoice_number": red.invoice_number}).content.decode()
    assert "红字" in red_html and 'class="money neg"' in red_html
