"""Hooks that keep categories and budget alerts current without the invoices or review
apps knowing about analytics: both run once the change is committed (categories at once,
budget checks in the worker)."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save

from fapiao.invoices.models import Invoice, ReviewStatus

log = logging.getLogger(__name__)

# A transition into or out of these changes what budgets have consumed.
COUNTING = frozenset({ReviewStatus.APPROVED, ReviewStatus.REIMBURSED})


def invoice_saved(sender: Any, instance: Invoice, update_fields: Any = None, **kw: Any) -> None:
    # Recording and correcting save the whole row and reset the category to the 税收分类
    # of the largest line; partial saves (duplicate flags, findings) leave it alone.
    if update_fields is not None or kw.get("raw"):
        return
    pk = instance.pk

    def apply() -> None:
        # Inline rather than a worker job: a few indexed queries, and an import of a
        # thousand invoices one by one must not flood the queue with a job each.
        from fapiao.analytics.categorise import recategorise_one

        try:
            recategorise_one(pk)
        except Exception:  # the invoice is stored; 重新分类 repairs its category later
            log.exception("could not categorise invoice %s", pk)

    transaction.on_commit(apply)


def transition_saved(sender: Any, instance: Any, created: bool = False, **kw: Any) -> None:
    if not created or instance.to_status not in COUNTING:
        return
    org = instance.organisation_id

    def enqueue() -> None:
        from fapiao.analytics.models import Budget
        from fapiao.analytics.tasks import evaluate_budgets

        if Budget.objects.filter(organisation_id=org, is_active=True).exists():
            evaluate_budgets.enqueue(org)

    transaction.on_commit(enqueue)


def connect() -> None:
    post_save.connect(invoice_saved, sender=Invoice, dispatch_uid="analytics-invoice-saved")
    try:
        transition = apps.get_model("review", "Transition")
    except LookupError:  # pragma: no cover - review is part of the product
        log.warning("fapiao.review is not installed: budgets are checked periodically only")
        return
    post_save.connect(transition_saved, sender=transition, dispatch_uid="analytics-transition")
