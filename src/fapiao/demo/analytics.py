"""Demo data of fapiao.analytics: a few category rules and budgets sized from the demo's
own spending, so that the gauges show something and one budget has raised its alerts."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from fapiao.accounts.models import Organisation
from fapiao.analytics import budgets, categorise
from fapiao.analytics.models import Budget, BudgetPeriod, CategoryRule, RuleKind
from fapiao.analytics.periods import period_range
from fapiao.invoices.models import Invoice


def _spent(org: Organisation, days: int, extra: Q | None = None) -> Decimal:
    since = timezone.localdate().toordinal() - days
    qs = Invoice.objects.filter(
        organisation=org, status__in=["approved", "reimbursed"], is_red=False
    ).filter(issue_date__gte=timezone.localdate().fromordinal(since))
    if extra is not None:
        qs = qs.filter(extra)
    return sum((i.total_amount or Decimal(0) for i in qs.only("total_amount")), Decimal(0))


def seed_analytics(org: Organisation, *, seed: int = 2026) -> None:
    CategoryRule.objects.bulk_create(
        [
            CategoryRule(
                organisation=org,
                kind=RuleKind.KEYWORD,
                pattern="年会",
                category="福利",
                priority=50,
            ),
            CategoryRule(
                organisation=org,
                kind=RuleKind.KEYWORD,
                pattern="体检",
                category="福利",
                priority=40,
            ),
        ]
    )
    categorise.recategorise(Invoice.objects.filter(organisation=org))
    today = timezone.localdate()
    monthly = (_spent(org, 90) / 3).quantize(Decimal("100"))
    sales = org.departments.filter(name__contains="销售").first()
    made = [
        Budget(organisation=org, name="全公司月度预算", amount=max(monthly * 2, Decimal(10_000))),
        Budget(
            organisation=org,
            name="信息技术年度预算",
            category="信息技术",
            period=BudgetPeriod.YEAR,
            amount=max(monthly * 3, Decimal(50_000)),
        ),
    ]
    if sales is not None:
        # Sized below what was already spent this quarter: the demo shows its alerts.
        start = period_range("quarter", today)[1].start
        spent = _spent(org, (today - start).days, Q(department=sales))
        made.append(
            Budget(
                organisation=org,
                name="销售部季度预算",
                department=sales,
                period=BudgetPeriod.QUARTER,
                amount=max((spent * Decimal("0.9")).quantize(Decimal("100")), Decimal(1_000)),
            )
        )
    Budget.objects.bulk_create(made)
    budgets.evaluate_organisation(org.pk, today=today)
