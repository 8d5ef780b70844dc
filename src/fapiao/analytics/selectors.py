"""Reads of fapiao.analytics that are not sums: the invoices behind a figure (drill-down)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse

from fapiao.analytics import periods
from fapiao.analytics.counting import blue_invoices, red_invoices
from fapiao.analytics.summaries import Query, custom_names, raw_categories, spend_filter
from fapiao.core import taxonomy
from fapiao.invoices.models import Invoice


def drill_down(q: Query, *, month: str | None = None, limit: int = 100) -> dict[str, Any]:
    """The counted invoices (and red ones netting them) behind one slice, largest first."""
    rng = q.rng
    if month:
        first = dt.date(int(month[:4]), int(month[5:7]), 1)
        rng = periods.Range(max(first, rng.start), min(periods.month_end(first), rng.end))
    custom = custom_names(q)
    f = spend_filter(q, rng, raw_categories(q, rng, custom))
    blue_ids = blue_invoices(q.user, f).values("id")
    red_ids = red_invoices(q.user, f).values("id")
    rows = (
        Invoice.objects.filter(Q(id__in=blue_ids) | Q(id__in=red_ids))
        .select_related("department", "submitter")
        .order_by("-total_amount", "-id")[: limit + 1]
    )
    items = [_row(inv, custom) for inv in rows]
    return {"items": items[:limit], "truncated": len(items) > limit}


def _row(inv: Invoice, custom: frozenset[str]) -> dict[str, Any]:
    return {
        "id": inv.pk,
        "invoice_number": inv.invoice_number,
        "issue_date": inv.issue_date.isoformat() if inv.issue_date else None,
        "seller_name": inv.seller_name,
        "total_amount": str(inv.total_amount) if inv.total_amount is not None else None,
        "category": taxonomy.normalise(inv.category, custom),
        "department": inv.department.name if inv.department else "",
        "submitter": (inv.submitter.get_full_name() or inv.submitter.username)
        if inv.submitter
        else "",
        "status": inv.get_status_display(),
        "is_red": inv.is_red,
        "url": reverse("invoice-detail", args=[inv.pk]),
    }
