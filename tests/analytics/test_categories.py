"""Categories: the default taxonomy, finance's rules with priority, manual choices per
invoice and line, suggestions learned from them, and re-categorising history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fapiao.analytics import summaries
from fapiao.analytics.periods import Range
from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.invoices.models import Invoice
from fapiao.invoices.services import correct_invoice
from tests.conftest import record


def _invoice(number: str, seller: str, lines: list[tuple[str, str]]) -> InvoiceData:
    items = [
        LineItemData(name=name, amount=Decimal(amount), tax_amount=Decimal(0), tax_rate="免税")
        for name, amount in lines
    ]
    total = sum((Decimal(a) for _, a in lines), Decimal(0))
    return InvoiceData(
        invoice_type="32",
        invoice_number=number,
        issue_date=dt.date(2026, 5, 6),
        seller_name=seller,
        seller_tax_id="91110108MA01XYZ12K",
        buyer_name="北京示例科技有限公司",
        amount=total,
        tax_amount=Decimal(0),
        total_amount=total,
        items=items,
    )


def _choose(client: Any, inv: Invoice, category: str | None, position: int | None = None) -> str:
    """A finance person's choice of category (None clears it); the invoice's category."""
    body: dict[str, Any] = {"category": category}
    if position is not None:
        body["position"] = position
    res = client.put(
        f"/api/v1/analytics/invoices/{inv.pk}/category", body, content_type="application/json"
    )
    return res.json()["category"]


def _category(inv: Invoice) -> str:
    return Invoice.objects.values_list("category", flat=True).get(pk=inv.pk)


def test_rules_priority_overrides_and_history(users: dict[str, Any], api_as: Any) -> None:
    finance = api_as(users["finance_admin"])
    meal = record(
        _invoice("26112000000000000001", "北京云栖酒店有限公司", [("*餐饮服务*餐费", "300.00")]),
        submitter=users["submitter"],
    )
    assert _category(meal) == "餐饮"  # the default taxonomy, as it is stored
    res = finance.post(
        "/api/v1/analytics/category-rules",
        {"kind": "seller", "pattern": "云栖酒店", "category": "差旅", "priority": 10},
        content_type="application/json",
    )
    assert res.status_code == 201
    res = finance.post(
        "/api/v1/analytics/category-rules",
        {"kind": "keyword", "pattern": "年会", "category": "团建", "priority": 50},
        content_type="application/json",
    )
    assert res.status_code == 201
    # History changes only on request.
    assert _category(meal) == "餐饮"
    assert (
        finance.post(
            "/api/v1/analytics/recategorise", {}, content_type="application/json"
        ).status_code
        == 202
    )
    assert _category(meal) == "差旅"
    # New invoices get the rules as soon as they are stored; the higher priority wins.
    party = record(
        _invoice(
            "26112000000000000002", "北京云栖酒店有限公司", [("*餐饮服务*年会餐费", "900.00")]
        ),
        submitter=users["submitter"],
    )
    assert _category(party) == "团建"
    # A manual choice beats every rule; a correction keeps it.
    assert _choose(finance, party, "福利") == "福利"
    correct_invoice(invoice=party, user=users["finance_admin"], changes={"remarks": "年会"})
    assert _category(party) == "福利"
    # Clearing it brings the rules back.
    _choose(finance, party, None)
    assert _category(party) == "团建"
    # The summaries report the organisation's own categories.
    rng = Range(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    Invoice.objects.filter(pk__in=[meal.pk, party.pk]).update(status="approved")
    rows = summaries.summary(summaries.Query(user=users["finance_admin"], rng=rng), "category")
    assert {r["key"]: r["total"] for r in rows["rows"]} == {"差旅": "300.00", "团建": "900.00"}
    # Submitters may not edit rules or categories.
    assert (
        api_as(users["submitter"])
        .post(
            "/api/v1/analytics/category-rules",
            {"kind": "seller", "pattern": "x", "category": "y"},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_a_correction_keeps_a_manual_choice_where_no_rule_exists(
    users: dict[str, Any], api_as: Any
) -> None:
    inv = record(
        _invoice("26112000000000000004", "北京某某商贸有限公司", [("*办公用品*签字笔", "50.00")]),
        submitter=users["submitter"],
    )
    finance = api_as(users["finance_admin"])
    assert _choose(finance, inv, "福利") == "福利"
    correct_invoice(invoice=inv, user=users["finance_admin"], changes={"remarks": "中秋"})
    assert _category(inv) == "福利"
    # A line's choice is kept alike.
    _choose(finance, inv, None)
    assert _choose(finance, inv, "会议培训", position=1) == "会议培训"
    correct_invoice(invoice=inv, user=users["finance_admin"], changes={"remarks": "会务"})
    assert _category(inv) == "会议培训"


def test_line_override_decides_through_the_largest_line(users: dict[str, Any], api_as: Any) -> None:
    inv = record(
        _invoice(
            "26112000000000000003",
            "北京某某商贸有限公司",
            [("*办公用品*签字笔", "50.00"), ("*计算机配套产品*键盘", "500.00")],
        ),
        submitter=users["submitter"],
    )
    finance = api_as(users["finance_admin"])
    res = finance.put(
        f"/api/v1/analytics/invoices/{inv.pk}/category",
        {"category": "办公用品", "position": 1},
        content_type="application/json",
    )
    assert res.json()["category"] == "信息技术"  # line 2 is larger and still 信息技术
    res = finance.put(
        f"/api/v1/analytics/invoices/{inv.pk}/category",
        {"category": "办公用品", "position": 2},
        content_type="application/json",
    )
    assert res.json()["category"] == "办公用品"
    res = finance.put(
        f"/api/v1/analytics/invoices/{inv.pk}/category",
        {"category": "x", "position": 9},
        content_type="application/json",
    )
    assert res.status_code == 422


def test_suggestions_learned_from_manual_choices(users: dict[str, Any], api_as: Any) -> None:
    finance = api_as(users["finance_admin"])
    made = [
        record(
            _invoice(
                f"2611200000000000010{k}",
                "北京星辰文化传媒有限公司",
                [("*现代服务*服务费", "100.00")],
            ),
            submitter=users["submitter"],
        )
        for k in range(5)
    ]
    for inv in made[:3]:
        finance.put(
            f"/api/v1/analytics/invoices/{inv.pk}/category",
            {"category": "广告宣传"},
            content_type="application/json",
        )
    res = finance.get(f"/api/v1/analytics/invoices/{made[4].pk}/category-suggestions")
    first = res.json()["items"][0]
    assert first["category"] == "广告宣传" and first["source"] == "learned"
    assert "3 次" in first["reason"]
    suggested = finance.get("/api/v1/analytics/category-rules").json()["suggested"]
    assert suggested == [
        {"kind": "seller", "pattern": "91110108MA01XYZ12K", "category": "广告宣传", "times": 3}
    ]
    # Another organisation's user cannot even see the invoice.
    assert (
        api_as(users["finance_admin"])
        .get("/api/v1/analytics/invoices/999999/category-suggestions")
        .status_code
        == 404
    )
