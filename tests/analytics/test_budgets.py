"""Budgets: consumption, the linear projection, alerts once per threshold per period to
finance and the department's reviewer, and the check that follows an approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fapiao.analytics import budgets
from fapiao.analytics.models import AlertKind, Budget, BudgetAlert
from fapiao.notify.models import Notification
from tests.analytics.test_categories import _invoice
from tests.conftest import record
from tests.factories import UserFactory


def _spend(
    users: dict[str, Any], number: int, amount: str, day: dt.date, status: str = "approved"
) -> Any:
    data = _invoice(
        f"2611200000000009{number:04d}", "北京云栖酒店有限公司", [("*餐饮服务*餐费", amount)]
    )
    data.issue_date = day
    inv = record(data, submitter=users["submitter2"])  # 销售部
    type(inv).objects.filter(pk=inv.pk).update(status=status)
    return inv


def _alerts(budget: Budget) -> list[tuple[str, int]]:
    return sorted((a.kind, a.threshold) for a in BudgetAlert.objects.filter(budget=budget))


def test_thresholds_projection_and_alerts_once(users: dict[str, Any]) -> None:
    sales = users["submitter2"].department
    reviewer = users["reviewer"]
    reviewer.review_departments.set([sales])
    other_reviewer = UserFactory(organisation=sales.organisation, role="reviewer", username="r2")
    other_reviewer.review_departments.set([users["submitter"].department])
    budget = Budget.objects.create(
        organisation=sales.organisation,
        name="销售部餐饮",
        department=sales,
        category="餐饮",
        period="month",
        amount=Decimal("1000.00"),
    )
    today = dt.date(2026, 11, 10)
    _spend(users, 1, "500.00", dt.date(2026, 11, 3))
    _spend(users, 2, "9000.00", dt.date(2026, 10, 30))  # last month
    _spend(users, 3, "9000.00", dt.date(2026, 11, 4), status="pending_review")  # not counted
    st = budgets.status(budget, today)
    assert (st["consumed"], st["percent"], st["projected"]) == ("500.00", "50.0", "1500.00")
    assert st["early_warning"] is True and st["reached"] == []
    sent = budgets.evaluate(budget, today=today)
    assert [(a.kind, a.threshold) for a in sent] == [(AlertKind.PROJECTED, 100)]
    notes = Notification.objects.filter(event="budget_alert")
    assert {n.recipient.username for n in notes} == {"finance_admin", "reviewer"}
    assert "预计超支" in notes.first().title
    _spend(users, 4, "350.00", dt.date(2026, 11, 8))
    assert [a.threshold for a in budgets.evaluate(budget, today=today)] == [80]
    assert budgets.evaluate(budget, today=today) == []  # once per threshold per period
    _spend(users, 5, "200.00", dt.date(2026, 11, 9))
    assert [a.threshold for a in budgets.evaluate(budget, today=today)] == [100]
    assert _alerts(budget) == [("projected", 100), ("reached", 80), ("reached", 100)]
    notes = Notification.objects.filter(event="budget_alert")
    assert notes.count() == 6  # three alerts, two people each
    reached = notes.filter(title__contains="100%").first()
    assert reached is not None and "1050.00" in reached.body
    # A new month starts from zero.
    assert budgets.evaluate(budget, today=dt.date(2026, 12, 2)) == []
    assert budgets.status(budget, dt.date(2026, 12, 2))["consumed"] == "0.00"


def test_an_approval_triggers_the_check(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from fapiao.review.services import apply_transition

    sales = users["submitter2"].department
    budget = Budget.objects.create(
        organisation=sales.organisation, name="全公司年度", period="year", amount=Decimal("100.00")
    )
    inv = _spend(users, 6, "150.00", timezone.localdate(), status="pending_review")
    assert budgets.status(budget, timezone.localdate())["consumed"] == "0.00"
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(
            invoice=inv, actor=users["finance_admin"], action="approve", override_reason="已核对"
        )
    assert _alerts(budget) == [("reached", 80), ("reached", 100)]
    assert (
        Notification.objects.filter(event="budget_alert", recipient=users["finance_admin"]).count()
        == 2
    )


def test_periodic_check_command_sends_each_alert_once(users: dict[str, Any]) -> None:
    import io

    from django.core.management import call_command

    org = users["submitter2"].organisation
    budget = Budget.objects.create(
        organisation=org, name="全公司月度", period="month", amount=Decimal("100.00")
    )
    _spend(users, 7, "120.00", timezone.localdate())  # over budget: no early warning left
    out = io.StringIO()
    call_command("check_budgets", stdout=out)
    assert "发送 2 条提醒" in out.getvalue()
    assert _alerts(budget) == [("reached", 80), ("reached", 100)]
    out = io.StringIO()
    call_command("check_budgets", stdout=out)
    assert "发送 0 条提醒" in out.getvalue()
