"""The analytics and budgets API: who may read and write, problem+json errors, the XLSX
report, and one organisation never seeing another's figures or budgets."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from fapiao.analytics.models import Budget
from tests.analytics.conftest import END, START, category_of, expected
from tests.conftest import ClientAs

SPAN = {"date_from": START.isoformat(), "date_to": END.isoformat()}


def test_summary_by_category_as_finance(ledger: dict[str, Any], api_as: Any) -> None:
    admin = ledger["users"]["finance_admin"]
    res = api_as(admin).get("/api/v1/analytics/summary", {"group_by": "category", **SPAN})
    assert res.status_code == 200
    body = res.json()
    want = expected(admin.organisation_id, category_of, start=START, end=END)
    assert {r["key"]: Decimal(r["total"]) for r in body["rows"]} == {
        k: v["total"] for k, v in want.items()
    }
    assert all(isinstance(r["total"], str) for r in body["rows"])  # money never a float


def test_roles_and_bad_input(ledger: dict[str, Any], api_as: Any) -> None:
    users = ledger["users"]
    res = api_as(users["submitter"]).get("/api/v1/analytics/summary")
    assert res.status_code == 403
    assert res["Content-Type"].startswith("application/problem+json")
    assert res.json()["code"] == "permission_denied"
    res = api_as(users["finance_admin"]).get("/api/v1/analytics/summary", {"period": "2026-13"})
    assert res.status_code == 422
    assert "2026-Q4" in res.json()["detail"]
    res = api_as(users["finance_admin"]).get("/api/v1/analytics/summary", {"group_by": "colour"})
    assert res.status_code == 422


def test_limited_reviewer_sees_only_their_departments(ledger: dict[str, Any], api_as: Any) -> None:
    users = ledger["users"]
    reviewer = users["reviewer"]
    sales = users["submitter2"].department
    reviewer.review_departments.set([sales])
    res = api_as(reviewer).get("/api/v1/analytics/summary", {"group_by": "department", **SPAN})
    keys = {r["key"] for r in res.json()["rows"]}
    assert keys == {str(sales.pk)}


def test_drill_down_lists_the_invoices_of_a_slice(ledger: dict[str, Any], api_as: Any) -> None:
    admin = ledger["users"]["finance_admin"]
    want = expected(admin.organisation_id, category_of, start=START, end=END)
    category = max(want, key=lambda k: want[k]["count"])
    res = api_as(admin).get("/api/v1/analytics/invoices", {"category": category, **SPAN})
    items = res.json()["items"]
    blue = [i for i in items if not i["is_red"]]
    assert len(blue) == want[category]["count"]
    assert {i["category"] for i in items} == {category}
    assert sum(Decimal(i["total_amount"]) for i in items) == want[category]["total"]


def test_report_download_is_a_workbook(ledger: dict[str, Any], api_as: Any) -> None:
    admin = ledger["users"]["finance_admin"]
    res = api_as(admin).get("/api/v1/analytics/report.xlsx", SPAN)
    assert res.status_code == 200
    wb = load_workbook(io.BytesIO(res.content))
    assert wb.sheetnames == ["汇总", "按类别", "按部门", "月度趋势", "销售方前十", "预算"]
    total = dict((r[0], r[1]) for r in wb["汇总"].iter_rows(values_only=True))["价税合计"]
    want = expected(admin.organisation_id, category_of, start=START, end=END)
    assert Decimal(str(total)) == sum((v["total"] for v in want.values()), Decimal(0))


def test_budget_crud_and_consumption(ledger: dict[str, Any], api_as: Any) -> None:
    users = ledger["users"]
    finance = api_as(users["finance_admin"])
    dep = users["submitter2"].department
    res = finance.post(
        "/api/v1/budgets",
        {"name": "销售部年度预算", "amount": "50000.00", "period": "year", "department_id": dep.pk},
        content_type="application/json",
    )
    assert res.status_code == 201, res.content
    created = res.json()
    assert created["thresholds"] == [80, 100] and created["amount"] == "50000.00"
    budget_id = created["id"]
    res = finance.get(f"/api/v1/budgets/{budget_id}", {"period": "2025"})
    body = res.json()
    want = expected(
        users["finance_admin"].organisation_id,
        lambda i: i.department_id,
        start=__import__("datetime").date(2025, 1, 1),
        end=__import__("datetime").date(2025, 12, 31),
    )
    assert Decimal(body["consumed"]) == want.get(dep.pk, {"total": Decimal(0)})["total"]
    assert body["period_key"] == "2025" and body["elapsed_days"] == 365
    res = finance.patch(
        f"/api/v1/budgets/{budget_id}", {"amount": "100.00"}, content_type="application/json"
    )
    assert res.json()["amount"] == "100.00"
    # Others: a submitter may not read budgets, a reviewer may not write them.
    assert api_as(users["submitter"]).get("/api/v1/budgets").status_code == 403
    assert api_as(users["reviewer"]).get("/api/v1/budgets").status_code == 200
    res = api_as(users["reviewer"]).patch(
        f"/api/v1/budgets/{budget_id}", {"amount": "1.00"}, content_type="application/json"
    )
    assert res.status_code == 403
    res = finance.post(
        "/api/v1/budgets",
        {"name": "x", "amount": "10", "thresholds": [0]},
        content_type="application/json",
    )
    assert res.status_code == 422 and res.json()["code"] == "validation_error"
    assert finance.delete(f"/api/v1/budgets/{budget_id}").status_code == 204
    assert not Budget.objects.filter(pk=budget_id).exists()


def test_other_organisation_sees_nothing_of_ours(
    ledger: dict[str, Any], api_as: Any, outsider: Any
) -> None:
    users = ledger["users"]
    budget = Budget.objects.create(
        organisation=users["finance_admin"].organisation, name="全公司月度", amount=Decimal(1000)
    )
    them = api_as(outsider)
    assert them.get(f"/api/v1/budgets/{budget.pk}").status_code == 404
    assert them.get("/api/v1/budgets").json()["items"] == []
    assert (
        them.patch(
            f"/api/v1/budgets/{budget.pk}", {"amount": "1"}, content_type="application/json"
        ).status_code
        == 404
    )
    res = them.get("/api/v1/analytics/summary", {"group_by": "seller", **SPAN})
    theirs = expected(outsider.organisation_id, lambda i: i.seller_name, start=START, end=END)
    assert {r["key"]: Decimal(r["total"]) for r in res.json()["rows"]} == {
        k: v["total"] for k, v in theirs.items()
    }


def test_dashboard_page_for_finance_only(ledger: dict[str, Any], client_as: ClientAs) -> None:
    users = ledger["users"]
    res = client_as(users["finance_admin"]).get("/analytics/")
    assert res.status_code == 200
    html = res.content.decode()
    assert "数据分析" in html and "echarts.min.js" in html and 'aria-current="page"' in html
    assert client_as(users["submitter"]).get("/analytics/").status_code == 403


def test_the_budget_check_can_be_asked_for(ledger: dict[str, Any], api_as: Any) -> None:
    """POST /budgets/check was taken for the id "check" of /budgets/{budget_id} (405)."""
    users = ledger["users"]
    res = api_as(users["finance_admin"]).post("/api/v1/budgets/check")
    assert res.status_code == 200 and "alerts_sent" in res.json()
    assert api_as(users["reviewer"]).post("/api/v1/budgets/check").status_code == 403
