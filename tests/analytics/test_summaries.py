"""Every figure of the summaries equals a direct computation over the stored invoices:
red invoices net off their blue one, voided invoices and duplicates never count, pending
ones only with FAPIAO_ANALYTICS_INCLUDE_PENDING, and another organisation never shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fapiao.analytics import rollups, summaries
from fapiao.analytics.dashboard import dashboard
from fapiao.analytics.periods import Range
from fapiao.core.kinds import SPECIAL_VAT_TYPES
from fapiao.invoices.models import Invoice, ReviewStatus
from tests.analytics.conftest import END, START, category_of, expected

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(params=["live", "rolled-up"], autouse=True)
def counting_mode(request: Any, monkeypatch: Any) -> str:
    """Every figure twice: as counted from the invoices (the roll-ups not yet built: all
    months dirty), and with the worker's refresh run just before each read."""
    if request.param == "rolled-up":
        plan = rollups._plan

        def refreshed_first(org: int, f: Any) -> Any:
            rollups.refresh()
            return plan(org, f)

        monkeypatch.setattr(rollups, "_plan", refreshed_first)
    return str(request.param)


def _by_key(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in result["rows"]}


def _assert_rows(result: dict[str, Any], want: dict[Any, dict[str, Any]], key=str) -> None:
    got = _by_key(result)
    want = {key(k): v for k, v in want.items()}
    assert set(got) == set(want)
    for k, w in want.items():
        assert Decimal(got[k]["total"]) == w["total"], k
        assert Decimal(got[k]["amount"]) == w["amount"], k
        assert Decimal(got[k]["tax"]) == w["tax"], k
        assert got[k]["count"] == w["count"], k
    assert Decimal(result["totals"]["total"]) == sum(
        (w["total"] for w in want.values()), Decimal(0)
    )


@pytest.mark.parametrize("group_by", ["category", "department", "seller", "submitter"])
def test_groups_match_direct_computation(ledger: dict[str, Any], group_by: str) -> None:
    admin = ledger["users"]["finance_admin"]
    rng = Range(START, END)
    result = summaries.summary(summaries.Query(user=admin, rng=rng), group_by)
    keys = {
        "category": category_of,
        "department": lambda i: "" if i.department_id is None else str(i.department_id),
        "seller": lambda i: i.seller_name,
        "submitter": lambda i: str(i.submitter_id),
    }
    want = expected(admin.organisation_id, keys[group_by], start=START, end=END)
    _assert_rows(result, want)
    # The ledger really has what the rules are about.
    org = Invoice.objects.filter(organisation_id=admin.organisation_id)
    assert org.filter(is_red=True, original_invoice__isnull=False).count() >= 4
    assert org.filter(tax_status="voided").exists()
    assert org.filter(has_duplicates=True).count() >= 2
    assert len({i.department_id for i in org}) >= 2


def test_red_voided_pending_and_duplicates_change_the_figures(ledger: dict[str, Any]) -> None:
    admin = ledger["users"]["finance_admin"]
    org = Invoice.objects.filter(organisation_id=admin.organisation_id)
    rng = Range(START, END)
    total = Decimal(
        summaries.summary(summaries.Query(user=admin, rng=rng), "category")["totals"]["total"]
    )
    counted_blue = org.filter(is_red=False, status__in=["approved", "reimbursed"]).exclude(
        tax_status="voided"
    )
    naive = sum((i.total_amount for i in counted_blue), Decimal(0))
    netted = [
        r
        for r in org.filter(is_red=True)
        .exclude(tax_status="voided")
        .select_related("original_invoice")
        if r.original_invoice
        and r.original_invoice.status in ("approved", "reimbursed")
        and r.original_invoice.tax_status != "voided"
    ]
    assert netted, "the ledger has a red invoice of a counted blue one"
    assert total == naive + sum((r.total_amount for r in netted), Decimal(0))
    assert total < naive  # the reversal lowered spending


def test_pending_counts_only_with_the_setting(ledger: dict[str, Any], monkeypatch: Any) -> None:
    admin = ledger["users"]["finance_admin"]
    rng = Range(START, END)
    q = summaries.Query(user=admin, rng=rng)
    before = summaries.summary(q, "department")
    monkeypatch.setenv("FAPIAO_ANALYTICS_INCLUDE_PENDING", "true")
    after = summaries.summary(q, "department")
    statuses = {ReviewStatus.APPROVED, ReviewStatus.REIMBURSED, ReviewStatus.PENDING_REVIEW}
    want = expected(
        admin.organisation_id,
        lambda i: "" if i.department_id is None else str(i.department_id),
        start=START,
        end=END,
        statuses=statuses,
    )
    _assert_rows(after, want)
    assert after["totals"]["count"] > before["totals"]["count"]
    assert "pending_review" in after["counted_statuses"]


def test_months_quarters_and_changes(ledger: dict[str, Any]) -> None:
    admin = ledger["users"]["finance_admin"]
    org_id = admin.organisation_id
    rng = Range(dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    months = summaries.summary(summaries.Query(user=admin, rng=rng), "month")
    by_month = expected(
        org_id, lambda i: f"{i.issue_date:%Y-%m}", start=dt.date(2024, 12, 1), end=rng.end
    )
    zero = {"total": Decimal(0)}
    assert [r["key"] for r in months["rows"]] == [f"2026-{m:02d}" for m in range(1, 11)]
    for row in months["rows"]:
        month = row["key"]
        y, m = int(month[:4]), int(month[5:])
        prev = f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"
        now, before, year_ago = (
            by_month.get(k, zero)["total"] for k in (month, prev, f"{y - 1}-{m:02d}")
        )
        assert Decimal(row["total"]) == now
        assert Decimal(row["previous_total"]) == before
        assert Decimal(row["last_year_total"]) == year_ago
        assert row["mom_change"] == summaries.change(now, before)
        assert row["yoy_change"] == summaries.change(now, year_ago)
    quarters = summaries.summary(summaries.Query(user=admin, rng=rng), "quarter")
    q3 = _by_key(quarters)["2026-Q3"]
    assert Decimal(q3["total"]) == sum(
        (by_month.get(f"2026-{m:02d}", zero)["total"] for m in (7, 8, 9)), Decimal(0)
    )
    assert Decimal(q3["previous_total"]) == Decimal(_by_key(quarters)["2026-Q2"]["total"])


def test_category_change_against_previous_period_and_last_year(ledger: dict[str, Any]) -> None:
    admin = ledger["users"]["finance_admin"]
    rng = Range(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    result = summaries.summary(summaries.Query(user=admin, rng=rng), "category")
    assert result["previous_range"] == {"date_from": "2025-07-01", "date_to": "2025-12-31"}
    assert result["last_year_range"] == {"date_from": "2025-01-01", "date_to": "2025-06-30"}
    prev = expected(
        admin.organisation_id, category_of, start=dt.date(2025, 7, 1), end=dt.date(2025, 12, 31)
    )
    for key, row in _by_key(result).items():
        assert Decimal(row["previous_total"]) == prev.get(key, {"total": Decimal(0)})["total"]


def test_dashboard_figures_and_input_vat(ledger: dict[str, Any]) -> None:
    admin = ledger["users"]["finance_admin"]
    rng = Range(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    data = dashboard(summaries.Query(user=admin, rng=rng), today=TODAY)
    org_id = admin.organisation_id
    cats = expected(org_id, category_of, start=rng.start, end=rng.end)
    assert {r["key"]: Decimal(r["total"]) for r in data["categories"]} == {
        k: v["total"] for k, v in cats.items()
    }
    vat = expected(
        org_id,
        lambda i: f"{i.issue_date:%Y-%m}",
        start=rng.start,
        end=rng.end,
        where=lambda i: i.invoice_type in SPECIAL_VAT_TYPES,
    )
    assert any(v["tax"] for v in vat.values()), "the ledger has approved 专票"
    for month in data["trend"]:
        assert Decimal(month["input_vat"]) == vat.get(month["month"], {"tax": Decimal(0)})["tax"]
    sellers = expected(org_id, lambda i: i.seller_name, start=rng.start, end=rng.end)
    top = sorted(sellers.items(), key=lambda kv: kv[1]["total"], reverse=True)[:10]
    assert [Decimal(s["total"]) for s in data["top_sellers"]] == [v["total"] for _, v in top]
    assert data["totals"]["count"] == sum(v["count"] for v in cats.values())


def test_scope_and_organisation_isolation(ledger: dict[str, Any], outsider: Any) -> None:
    rng = Range(START, END)
    theirs = summaries.summary(summaries.Query(user=outsider, rng=rng), "seller")
    ours = summaries.summary(
        summaries.Query(user=ledger["users"]["finance_admin"], rng=rng), "seller"
    )
    assert not set(_by_key(theirs)) & set(_by_key(ours)) - {""}
    want = expected(outsider.organisation_id, lambda i: i.seller_name, start=START, end=END)
    _assert_rows(theirs, want)


def test_sums_stay_exact_beyond_float_precision(users: dict[str, Any], corpus: Any) -> None:
    """Amounts whose float sum would lose fen (SQLite stores decimals as REAL)."""
    from tests.conftest import record

    admin = users["finance_admin"]
    big = Decimal("9999999999999.99")  # 15 significant digits: a float keeps them
    datas = list(
        corpus.invoices(
            3, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), red_share=0, voided_share=0
        )
    )
    for data in datas:
        data.total_amount, data.amount, data.tax_amount = big, big, Decimal("0.01")
        data.items = []
        inv = record(data, submitter=users["submitter"])
        Invoice.objects.filter(pk=inv.pk).update(status="approved")
    rng = Range(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    result = summaries.summary(summaries.Query(user=admin, rng=rng), "month")
    assert result["totals"]["total"] == str(big * 3) == "29999999999999.97"
    assert result["totals"]["tax"] == "0.03"
