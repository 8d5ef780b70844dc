"""Budget consumption, the projection to the period's end, and the alerts they raise.

Consumption is counted spending (fapiao.analytics.counting) of the budget's organisation,
narrowed to its department and category, in the month, quarter or year containing the
given day. The projection is linear in elapsed days: spent so far / days gone × days in
the period. An alert goes out once per budget, period, kind and threshold (BudgetAlert
holds what was sent; notify()'s dedupe_key guards each recipient as well).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.accounts.roles import Role
from fapiao.analytics import periods
from fapiao.analytics.categorise import custom_categories
from fapiao.analytics.counting import Cell, Money, SpendFilter, cells
from fapiao.analytics.models import AlertKind, Budget, BudgetAlert
from fapiao.core import taxonomy
from fapiao.errors import PermissionDenied
from fapiao.notify.services import notify

log = logging.getLogger(__name__)
FULL = Decimal(100)


def visible_budgets(user: User) -> QuerySet[Budget]:
    """Finance and admins see every budget; reviewers those of the departments they review
    (every one when not limited); nobody else sees budgets."""
    return Budget.objects.filter(permissions.budget_q(user)).select_related("department")


@dataclass
class Spending:
    """Counted spending of one organisation over whole months, read once for many budgets."""

    cells: list[Cell]
    custom: frozenset[str]

    @classmethod
    def load(cls, organisation_id: int, rng: periods.Range) -> Spending:
        f = SpendFilter(date_from=rng.start, date_to=rng.end)
        return cls(cells(organisation_id, f), custom_categories(organisation_id))

    def of(self, budget: Budget, rng: periods.Range) -> Money:
        months = set(rng.months())
        spent = Money()
        for cell in self.cells:
            if cell.month not in months:
                continue
            if budget.department_id and cell.department_id != budget.department_id:
                continue
            if (
                budget.category
                and taxonomy.normalise(cell.category, self.custom) != budget.category
            ):
                continue
            spent.add(cell.money)
        return spent


def consumption(
    budget: Budget, day: dt.date, spending: Spending | None = None
) -> tuple[str, periods.Range, Money]:
    """(period key, range, counted spending) of the budget's period containing `day`."""
    key, rng = periods.period_range(budget.period, day)
    spending = spending or Spending.load(budget.organisation_id, rng)
    return key, rng, spending.of(budget, rng)


def spending_for(budget_list: list[Budget], day: dt.date) -> Spending | None:
    """One read covering the current period of every budget (all of one organisation)."""
    if not budget_list:
        return None
    ranges = [periods.period_range(b.period, day)[1] for b in budget_list]
    span = periods.Range(min(r.start for r in ranges), max(r.end for r in ranges))
    return Spending.load(budget_list[0].organisation_id, span)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.1")) if whole else Decimal(0)


def status(budget: Budget, today: dt.date, spending: Spending | None = None) -> dict[str, Any]:
    key, rng, spent = consumption(budget, today, spending)
    total_days = (rng.end - rng.start).days + 1
    elapsed = min(max((today - rng.start).days + 1, 1), total_days)
    projected = (spent.total * total_days / elapsed).quantize(Decimal("0.01"))
    percent = _percent(spent.total, budget.amount)
    return {
        "id": budget.pk,
        "name": budget.name,
        "department_id": budget.department_id,
        "department": budget.department.name if budget.department else "",
        "category": budget.category,
        "period": budget.period,
        "period_label": budget.get_period_display(),
        "period_key": key,
        "date_from": rng.start.isoformat(),
        "date_to": rng.end.isoformat(),
        "amount": str(budget.amount),
        "consumed": str(spent.total),
        "count": spent.count,
        "remaining": str(budget.amount - spent.total),
        "percent": str(percent),
        "projected": str(projected),
        "projected_percent": str(_percent(projected, budget.amount)),
        "elapsed_days": elapsed,
        "total_days": total_days,
        "thresholds": list(budget.thresholds or []),
        "reached": [t for t in budget.thresholds or [] if percent >= t],
        "early_warning": projected > budget.amount >= spent.total,
        "is_active": budget.is_active,
    }


def budget_statuses(user: User, *, today: dt.date) -> list[dict[str, Any]]:
    try:
        budget_list = list(visible_budgets(user).filter(is_active=True))
    except PermissionDenied:
        return []
    return statuses(budget_list, today)


def statuses(budget_list: list[Budget], today: dt.date) -> list[dict[str, Any]]:
    spending = spending_for(budget_list, today)
    return [status(b, today, spending) for b in budget_list]


def recipients(budget: Budget) -> list[User]:
    """Finance admins of the organisation, and the reviewers of the budget's department."""
    people = User.objects.filter(organisation_id=budget.organisation_id, is_active=True)
    wanted = Q(role=Role.FINANCE_ADMIN)
    if budget.department_id:
        wanted |= Q(role=Role.REVIEWER, review_departments=budget.department_id)
    return list(people.filter(wanted).distinct())


def _dashboard_link() -> str:
    try:
        return reverse("analytics-dashboard")
    except NoReverseMatch:  # pragma: no cover - the page is part of this app
        return ""


def _message(budget: Budget, st: dict[str, Any], kind: str, threshold: int) -> tuple[str, str]:
    scope = "、".join(x for x in (st["department"], st["category"]) if x) or "全公司"
    head = f"预算“{budget.name}”（{scope}，{st['period_key']}）"
    if kind == AlertKind.PROJECTED:
        return (
            f"{head}预计超支",
            f"{head}已使用 {st['consumed']} 元（{st['percent']}%），按目前速度到期末预计"
            f"花费 {st['projected']} 元，超过预算 {st['amount']} 元。"
            "请提醒相关部门控制支出，或调整预算。",
        )
    return (
        f"{head}已用到 {threshold}%",
        f"{head}已使用 {st['consumed']} 元，达到预算 {st['amount']} 元的 {st['percent']}%"
        f"（提醒阈值 {threshold}%）。预计期末花费 {st['projected']} 元。"
        "请核对支出，必要时调整预算。",
    )


def evaluate(
    budget: Budget, *, today: dt.date, spending: Spending | None = None
) -> list[BudgetAlert]:
    """Send the alerts `budget` now calls for that were not sent in this period."""
    st = status(budget, today, spending)
    percent, projected_pct = Decimal(st["percent"]), Decimal(st["projected_percent"])
    due = [(AlertKind.REACHED, int(t)) for t in st["thresholds"] if percent >= Decimal(t)]
    if st["early_warning"] and projected_pct >= FULL:
        due.append((AlertKind.PROJECTED, 100))
    sent = []
    for kind, threshold in due:
        try:
            with transaction.atomic():
                alert, created = BudgetAlert.objects.get_or_create(
                    budget=budget,
                    period_key=st["period_key"],
                    kind=kind,
                    threshold=threshold,
                    defaults={
                        "consumed": Decimal(st["consumed"]),
                        "projected": Decimal(st["projected"]),
                    },
                )
                if not created:
                    continue
                title, body = _message(budget, st, kind, threshold)
                alert.notified = notify(
                    event="budget_alert",
                    recipients=recipients(budget),
                    title=title,
                    body=body,
                    link=_dashboard_link(),
                    dedupe_key=f"budget-{budget.pk}-{st['period_key']}-{kind}-{threshold}",
                    # Spent in full: the one budget alert worth a text message.
                    urgent=kind == AlertKind.REACHED and threshold >= FULL,
                )
                alert.save(update_fields=["notified"])
                log.info(
                    "budget %s: %s alert at %s%% for %s",
                    budget.pk,
                    kind,
                    threshold,
                    st["period_key"],
                )
                sent.append(alert)
        except IntegrityError:  # a concurrent evaluation sent it first
            continue
    return sent


def evaluate_organisation(organisation_id: int, *, today: dt.date) -> int:
    budget_list = list(
        Budget.objects.filter(organisation_id=organisation_id, is_active=True).select_related(
            "department"
        )
    )
    spending = spending_for(budget_list, today)
    return sum(len(evaluate(b, today=today, spending=spending)) for b in budget_list)
