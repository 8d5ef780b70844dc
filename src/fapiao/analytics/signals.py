"""Receivers that keep categories and budget alerts current without the invoices or review
apps knowing about analytics (connected by AnalyticsConfig.ready()): categories inside the
transaction that stored the invoices, budget checks in the worker once a transition is
committed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from fapiao.analytics import categorise
from fapiao.analytics.models import Budget
from fapiao.analytics.tasks import evaluate_budgets
from fapiao.invoices import signals
from fapiao.invoices.models import ReviewStatus
from fapiao.review.models import Transition

# A transition into or out of these changes what budgets have consumed.
COUNTING = frozenset({ReviewStatus.APPROVED, ReviewStatus.REIMBURSED})


def invoices_recorded(
    sender: Any, *, organisation_id: int, invoice_ids: list[int], created: bool, **kw: Any
) -> None:
    """signals.invoices_recorded: one invoice recorded or corrected, or a batch of a bulk
    load; they hold the default category, to which the organisation's rules and people's
    choices are applied here, alike on every path."""
    categorise.apply_choices(organisation_id, invoice_ids, created=created)


def transition_saved(sender: Any, instance: Transition, created: bool = False, **kw: Any) -> None:
    if not created or instance.to_status not in COUNTING:
        return
    org = instance.organisation_id

    def enqueue() -> None:
        if Budget.objects.filter(organisation_id=org, is_active=True).exists():
            evaluate_budgets.enqueue(org)

    transaction.on_commit(enqueue)


def connect() -> None:
    signals.invoices_recorded.connect(invoices_recorded, dispatch_uid="analytics-categories")
    post_save.connect(transition_saved, sender=Transition, dispatch_uid="analytics-transition")
