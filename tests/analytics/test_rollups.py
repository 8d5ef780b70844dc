"""Roll-ups stay exactly right: after every kind of change, before and after the refresh
the worker runs, the figures equal the direct computation; clean months are read from the
roll-ups alone and reads never write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fapiao import jobs
from fapiao.analytics import rollups, summaries
from fapiao.analytics.models import RollupDirty, SpendRollup
from fapiao.analytics.periods import Range
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.invoices.services import correct_invoice
from fapiao.review.services import apply_transition
from tests.analytics.conftest import END, START, category_of, expected, red_of
from tests.conftest import record

RNG = Range(START, END)


def _dep(i: Invoice) -> str:
    return "" if i.department_id is None else str(i.department_id)


def _assert_matches(admin: Any, org_id: int, rng: Range = RNG) -> None:
    """Category, department and seller figures as the direct computation says."""
    q = summaries.Query(user=admin, rng=rng)
    for group_by, key in (("category", category_of), ("department", _dep)):
        got = {
            r["key"]: (Decimal(r["total"]), r["count"])
            for r in summaries.summary(q, group_by)["rows"]
        }
        want = expected(org_id, key, start=rng.start, end=rng.end)
        assert got == {str(k): (v["total"], v["count"]) for k, v in want.items()}, group_by
    got = {r["key"]: Decimal(r["total"]) for r in summaries.summary(q, "seller")["rows"]}
    want = expected(org_id, lambda i: i.seller_name, start=rng.start, end=rng.end)
    assert got == {k: v["total"] for k, v in want.items()}


def _counted(org_id: int, **filters: Any) -> Invoice:
    return (
        Invoice.objects.filter(
            organisation_id=org_id,
            is_red=False,
            status__in=[ReviewStatus.APPROVED, ReviewStatus.REIMBURSED],
            tax_status=TaxStatus.NORMAL,
            **filters,
        )
        .order_by("id")
        .first()
    )  # type: ignore[return-value]


def test_every_kind_of_change_is_exact_before_and_after_refresh(
    ledger: dict[str, Any], corpus: Any
) -> None:
    users = ledger["users"]
    admin, org_id = users["finance_admin"], ledger["org"].pk
    assert rollups.refresh() > 0
    assert not RollupDirty.objects.exists()
    assert SpendRollup.objects.filter(organisation_id=org_id).exists()
    _assert_matches(admin, org_id)

    pending = (
        Invoice.objects.filter(
            organisation_id=org_id, status=ReviewStatus.PENDING_REVIEW, is_red=False
        )
        .exclude(submitter=users["reviewer"])
        .order_by("id")
        .first()
    )
    assert pending is not None
    target = _counted(org_id)
    mover = (
        Invoice.objects.filter(organisation_id=org_id, status=ReviewStatus.APPROVED, is_red=False)
        .exclude(pk=target.pk)
        .order_by("-id")
        .first()
    )
    assert mover is not None and mover.issue_date is not None
    changes = [
        # a transition: a pending invoice is approved and starts to count
        lambda: apply_transition(invoice=pending, actor=users["reviewer"], action="approve"),
        # a person's correction of the amounts
        lambda: correct_invoice(
            invoice=target,
            user=admin,
            changes={"amount": target.amount + 100, "total_amount": target.total_amount + 100},
            reason="金额录入有误",
        ),
        # re-categorising history (a queryset update, no signals)
        lambda: Invoice.objects.filter(pk=target.pk).update(category="会议服务"),
        # moving to another department
        lambda: Invoice.objects.filter(pk=target.pk).update(
            department=users["submitter2"].department
        ),
        # a date moved into another month (both months change)
        lambda: Invoice.objects.filter(pk=mover.pk).update(
            issue_date=mover.issue_date - dt.timedelta(days=40)
        ),
        # voided by the tax platform
        lambda: Invoice.objects.filter(pk=mover.pk).update(tax_status=TaxStatus.VOIDED),
        # a red invoice arrives for a counted blue one
        lambda: _red_for(_counted(org_id, original_invoice__isnull=True), users),
        # a deletion
        lambda: _counted(org_id).delete(),
    ]
    for change in changes:
        change()
        assert RollupDirty.objects.exists(), "the change marked its month"
        _assert_matches(admin, org_id)  # dirty months counted live
        rollups.refresh()
        assert not RollupDirty.objects.exists()
        _assert_matches(admin, org_id)  # rebuilt months read from the roll-ups


def _red_for(blue: Invoice, users: dict[str, Any]) -> None:
    from fapiao.invoices.prepare import invoice_to_data

    data = dataclasses.replace(invoice_to_data(blue), items=[])
    red = record(red_of(data, "26112000000000009999", Decimal("0.5")), submitter=users["submitter"])
    Invoice.objects.filter(pk=red.pk).update(status=ReviewStatus.APPROVED)
    assert Invoice.objects.get(pk=red.pk).original_invoice_id == blue.pk


def test_clean_months_are_read_from_the_rollups_alone_and_reads_never_write(
    ledger: dict[str, Any],
) -> None:
    admin, org_id = ledger["users"]["finance_admin"], ledger["org"].pk
    rollups.refresh()
    q = summaries.Query(user=admin, rng=Range(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    with CaptureQueriesContext(connection) as read:
        summaries.summary(q, "category")
    sql = [x["sql"] for x in read.captured_queries]
    assert not [s for s in sql if "invoices_invoice" in s], sql
    assert not [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]

    # One invoice changes in March: March alone is counted live, the rest still rolled up.
    march = Invoice.objects.filter(
        organisation_id=org_id, issue_date__range=(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    ).first()
    assert march is not None
    Invoice.objects.filter(pk=march.pk).update(category="咨询服务")
    with CaptureQueriesContext(connection) as read:
        summaries.summary(q, "category")
    live = [x["sql"] for x in read.captured_queries if "invoices_invoice" in x["sql"]]
    assert live and all("2025-03-01" in s and "2025-03-31" in s for s in live), live
    assert not [
        x
        for x in read.captured_queries
        if x["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    _assert_matches(admin, org_id, q.rng)


def test_part_months_and_restricted_scopes_are_counted_live(ledger: dict[str, Any]) -> None:
    users, org_id = ledger["users"], ledger["org"].pk
    rollups.refresh()
    rng = Range(dt.date(2025, 2, 14), dt.date(2025, 11, 9))
    _assert_matches(users["finance_admin"], org_id, rng)
    # A submitter sums only their own invoices: never the organisation's roll-ups.
    me = users["submitter"]
    got = summaries.summary(summaries.Query(user=me, rng=RNG), "category")
    want = expected(
        org_id, category_of, start=START, end=END, where=lambda i: i.submitter_id == me.pk
    )
    assert {r["key"]: Decimal(r["total"]) for r in got["rows"]} == {
        k: v["total"] for k, v in want.items()
    }


def test_columns_no_figure_reads_leave_the_rollups_clean(ledger: dict[str, Any]) -> None:
    org_id = ledger["org"].pk
    rollups.refresh()
    inv = _counted(org_id)
    inv.findings = [{"code": "x", "severity": "info", "message": "备注"}]
    inv.save()  # an UPDATE of every column, none of them changed but findings
    assert not RollupDirty.objects.exists()
    inv.status = ReviewStatus.REIMBURSED
    inv.save()
    assert RollupDirty.objects.filter(
        organisation_id=org_id, month=f"{inv.issue_date:%Y-%m}"
    ).exists()


def test_a_change_during_a_rebuild_keeps_the_month_dirty(ledger: dict[str, Any]) -> None:
    admin, org_id = ledger["users"]["finance_admin"], ledger["org"].pk
    rollups.refresh()
    inv = _counted(org_id)
    month = f"{inv.issue_date:%Y-%m}"
    Invoice.objects.filter(pk=inv.pk).update(total_amount=inv.total_amount + 1)
    row = RollupDirty.objects.get(organisation_id=org_id, month=month)
    # The refresher read (id, gen); another change commits before it marks the month clean.
    Invoice.objects.filter(pk=inv.pk).update(total_amount=inv.total_amount + 2)
    assert rollups.rebuild_month(org_id, month, dirty=(row.pk, row.gen)) is False
    assert RollupDirty.objects.filter(organisation_id=org_id, month=month).exists()
    _assert_matches(admin, org_id)
    assert rollups.refresh() == 1
    _assert_matches(admin, org_id)


def test_refresh_command_rebuilds_everything_on_request(ledger: dict[str, Any]) -> None:
    admin, org_id = ledger["users"]["finance_admin"], ledger["org"].pk
    rollups.refresh()
    # Roll-ups damaged by hand (a restore of an old backup, say): --all rebuilds them.
    SpendRollup.objects.filter(organisation_id=org_id).update(total_c=0)
    out = io.StringIO()
    call_command("refresh_rollups", "--all", stdout=out)
    assert "重建" in out.getvalue()
    assert not RollupDirty.objects.exists()
    _assert_matches(admin, org_id)


def test_the_worker_job_rebuilds_changed_months(ledger: dict[str, Any]) -> None:
    admin, org_id = ledger["users"]["finance_admin"], ledger["org"].pk
    refresh = jobs.get("analytics.rollups")
    assert refresh.at_start  # after a restart or a bulk load, before the first interval
    assert "重建" in refresh()
    assert not RollupDirty.objects.exists()
    assert refresh() == ""  # nothing changed since: nothing to say
    _assert_matches(admin, org_id)


def test_one_statement_changing_many_months_marks_them_all(ledger: dict[str, Any]) -> None:
    admin, org_id = ledger["users"]["finance_admin"], ledger["org"].pk
    rollups.refresh()
    returned = Invoice.objects.filter(organisation_id=org_id, status=ReviewStatus.RETURNED)
    months = {f"{d:%Y-%m}" for d in returned.values_list("issue_date", flat=True) if d}
    assert len(months) >= 2
    returned.update(status=ReviewStatus.APPROVED)  # one UPDATE statement, many rows
    dirty = set(RollupDirty.objects.filter(organisation_id=org_id).values_list("month", flat=True))
    assert months <= dirty
    _assert_matches(admin, org_id)
    rollups.refresh()
    _assert_matches(admin, org_id)
