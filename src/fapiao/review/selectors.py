"""Reads of the review workflow: a submitter's own invoices, a reviewer's queue, the last
word on each invoice, and the cheap "has anything changed?" versions the pages poll."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.errors import PermissionDenied
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.invoices.scope import visible_invoices
from fapiao.review.models import Transition


@dataclass
class MineFilter:
    status: str = ""
    text: str = ""  # invoice number or seller name
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def my_invoices(user: User) -> QuerySet[Invoice]:
    """What the user submitted, in their organisation (never anyone else's)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Invoice.objects.none()
    return Invoice.objects.filter(organisation_id=user.organisation_id, submitter_id=user.pk)


def filter_mine(qs: QuerySet[Invoice], f: MineFilter) -> QuerySet[Invoice]:
    if f.status:
        qs = qs.filter(status=f.status)
    if f.text:
        text = f.text.strip()
        qs = qs.filter(Q(invoice_number=text) | Q(seller_name__icontains=text))
    if f.date_from:
        qs = qs.filter(issue_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(issue_date__lte=f.date_to)
    return qs


def status_counts(qs: QuerySet[Invoice]) -> dict[str, int]:
    rows = qs.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
    counts = {s.value: 0 for s in ReviewStatus}
    counts.update(dict(rows))
    return counts


@dataclass
class QueueFilter:
    department: int | None = None
    submitter: int | None = None
    problems_only: bool = False  # error findings or duplicates
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def review_queue(user: User) -> QuerySet[Invoice]:
    """Invoices waiting for `user`'s review: their scope, not their own, oldest first."""
    if not permissions.is_review_desk(user):
        raise PermissionDenied("审核队列只对审核员、财务管理员和系统管理员开放。")
    qs = visible_invoices(user).filter(status=ReviewStatus.PENDING_REVIEW).exclude(submitter=user)
    scope = permissions.review_scope(user)
    if scope is not None:  # not their own invoices of other departments either
        qs = qs.filter(department_id__in=scope)
    return qs.order_by("created_at", "id")


def filter_queue(qs: QuerySet[Invoice], f: QueueFilter) -> QuerySet[Invoice]:
    if f.department:
        qs = qs.filter(department_id=f.department)
    if f.submitter:
        qs = qs.filter(submitter_id=f.submitter)
    if f.date_from:
        qs = qs.filter(issue_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(issue_date__lte=f.date_to)
    if f.problems_only:
        # JSON containment differs by database; the findings list is small, so the
        # duplicate flag is filtered in SQL and error findings in Python by the caller.
        qs = qs.filter(Q(has_duplicates=True) | ~Q(findings=[]))
    return qs


def last_words(invoice_ids: list[int]) -> dict[int, Transition]:
    """The latest transition of each invoice (the return reason a submitter must read)."""
    latest: dict[int, Transition] = {}
    rows = Transition.objects.filter(invoice_id__in=invoice_ids).order_by("created_at", "id")
    for row in rows:
        latest[row.invoice_id] = row
    return latest


def version(qs: QuerySet[Invoice]) -> str:
    """Changes whenever a row of `qs` changes, appears or goes: what the pages poll."""
    agg: dict[str, Any] = qs.order_by().aggregate(
        at=Max("updated_at"), n=Count("id"), top=Max("id")
    )
    at = agg["at"].timestamp() if agg["at"] else 0
    return f"{agg['n']}-{agg['top'] or 0}-{at:.6f}"
