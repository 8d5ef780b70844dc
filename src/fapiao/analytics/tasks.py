"""Background jobs of fapiao.analytics. Each takes ids and is safe to run twice."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from fapiao.analytics import budgets, categorise
from fapiao.invoices.models import Invoice


@task()
def recategorise_history(organisation_id: int, date_from: str = "", date_to: str = "") -> int:
    """Apply the current rules and choices to an organisation's stored invoices (all, or
    those issued in [date_from, date_to]); returns how many changed category."""
    qs = Invoice.objects.filter(organisation_id=organisation_id)
    if date_from:
        qs = qs.filter(issue_date__gte=date_from)
    if date_to:
        qs = qs.filter(issue_date__lte=date_to)
    return categorise.recategorise(qs)


@task()
def evaluate_budgets(organisation_id: int) -> int:
    """Send the budget alerts now due in one organisation (after approvals); how many."""
    return budgets.evaluate_organisation(organisation_id, today=timezone.localdate())


@task()
def check_all_budgets() -> int:
    """The periodic check: every organisation with an active budget (run by
    `python -m django check_budgets` from cron, or enqueue it from a scheduler)."""
    from fapiao.analytics.models import Budget

    orgs = Budget.objects.filter(is_active=True).values_list("organisation_id", flat=True)
    today = timezone.localdate()
    return sum(budgets.evaluate_organisation(org, today=today) for org in set(orgs))
