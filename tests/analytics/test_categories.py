"""Categories: the default taxonomy, finance's rules with priority, manual choices per
invoice and line, suggestions learned from them, and re-categorising history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fapiao.analytics import summaries, taxonomy
from fapiao.analytics.periods import Range
from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.invoices.models import Invoice
from fapiao.invoices.services import correct_invoice
from tests.conftest import record


@pytest.mark.parametrize(
    ("item", "code", "category"),
    [
        ("*餐饮服务*餐费", None, "餐饮"),
        ("*住宿服务*住宿费", None, "住宿"),
        ("*经营租赁*通行费", None, "交通"),
        ("*经营租赁*办公室租金", None, "租赁"),
        ("*信息技术服务*软件开发服务", None, "信息技术"),
        ("*研发服务*技术开发", None, "信息技术"),
        ("*其他服务*杂项", None, "其他"),
        ("技术开发", "3040201000000000000", "信息技术"),
        ("会务费", "3040304000000000000", "会议培训"),
        ("*现代服务*企业管理咨询", "3070401000000000000", "餐饮"),  # the code outranks
        ("*陆路旅客运输服务*客票", None, "交通"),
        ("", None, "其他"),
    ],
)
def test_default_taxonomy(item: str, code: str | None, category: str) -> None:
    assert taxonomy.default_category(item_name=item, tax_code=code) == category


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


def _category(inv: Invoice) -> str:
    return Invoice.objects.values_list("category", flat=True).get(pk=inv.pk)


def test_rules_priority_overrides_and_history(
    users: dict[str, Any], api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    finance = api_as(users["finance_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        meal = record(
            _invoice(
                "26112000000000000001", "北京云栖酒店有限公司", [("*餐饮服务*餐费", "300.00")]
            ),
            submitter=users["submitter"],
        )
    assert _category(meal) == "餐饮"  # the default taxonomy, applied once committed
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
    with django_capture_on_commit_callbacks(execute=True):
        party = record(
            _invoice(
                "26112000000000000002", "北京云栖酒店有限公司", [("*餐饮服务*年会餐费", "900.00")]
            ),
            submitter=users["submitter"],
        )
    assert _category(party) == "团建"
    # A manual choice beats every rule; a correction keeps it.
    res = finance.put(
        f"/api/v1/analytics/invoices/{party.pk}/category",
        {"category": "福利"},
        content_type="application/json",
    )
    assert res.json()["category"] == "福利"
    with django_capture_on_commit_callbacks(execute=True):
        correct_invoice(invoice=party, user=users["finance_admin"], changes={"remarks": "年会"})
    assert _category(party) == "福利"
    # Clearing it brings the rules back.
    finance.put(
        f"/api/v1/analytics/invoices/{party.pk}/category",
        {"category": None},
        content_type="application/json",
    )
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
