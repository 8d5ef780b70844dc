"""Who is told what when a review status or a tax status changes (through fapiao.notify),
and the receiver of fapiao.invoices.signals.tax_status_changed that records each tax
status change in the audit trail (connected by ReviewConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.accounts.roles import Role
from fapiao.invoices import signals
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.notify.services import notify
from fapiao.review.models import TaxStatusChange, Transition

# Tax statuses that make an invoice unfit for reimbursement.
ALARMING = frozenset({TaxStatus.VOIDED, TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL})
# Review statuses in which a tax status change must reach someone who can still act.
WATCHED = frozenset({ReviewStatus.PENDING_REVIEW, ReviewStatus.APPROVED})


def _link(invoice: Invoice) -> str:
    return reverse("invoice-detail", args=[invoice.pk])


def _name(invoice: Invoice) -> str:
    seller = f"（{invoice.seller_name}）" if invoice.seller_name else ""
    return f"发票 {invoice.invoice_number}{seller}"


def prepare(invoice: Invoice) -> str:
    """The invoice's link, worked out before the transaction: the first reverse() of a
    process imports every URLconf, which must not happen while a write lock is held."""
    return _link(invoice)


def after_transition(*, invoice: Invoice, record: Transition, link: str = "") -> None:
    """Tell the submitter their invoice was returned, approved or reimbursed."""
    submitter = invoice.submitter
    if submitter is None or record.actor_id == submitter.pk:
        return
    name = _name(invoice)
    messages = {
        ReviewStatus.RETURNED: (
            "invoice_returned",
            f"{name}被退回",
            f"{record.actor_name} 退回了{name}，原因：{record.comment}\n"
            "请按原因修改后重新提交审核。",
        ),
        ReviewStatus.APPROVED: (
            "invoice_approved",
            f"{name}已审核通过",
            f"{record.actor_name} 审核通过了{name}。"
            + (f"意见：{record.comment}" if record.comment else "")
            + "接下来由财务安排报销。",
        ),
        ReviewStatus.REIMBURSED: (
            "invoice_reimbursed",
            f"{name}已报销",
            f"财务（{record.actor_name}）已把{name}标记为已报销。",
        ),
    }
    message = messages.get(ReviewStatus(record.to_status))
    if message is None:
        return
    event, title, body = message
    notify(
        event=event,
        recipients=[submitter],
        title=title,
        body=body,
        link=link or _link(invoice),
        invoice=invoice,
        dedupe_key=f"review-transition-{record.pk}",
    )


def watchers(invoice: Invoice) -> list[User]:
    """Who must hear of a tax status change: the reviewers while it waits for review (or
    the one who took it up), finance once it is approved and waiting to be paid."""
    org_users = User.objects.filter(organisation_id=invoice.organisation_id, is_active=True)
    if invoice.status == ReviewStatus.APPROVED:
        people = org_users.filter(role=Role.FINANCE_ADMIN)
    else:
        people = org_users.filter(role=Role.REVIEWER).prefetch_related("review_departments")
    return [
        user
        for user in people.exclude(pk=invoice.submitter_id or 0)
        if user.role != Role.REVIEWER or permissions.reviews_department(user, invoice.department_id)
    ]


def record_tax_status_change(
    sender: Any, *, change: signals.TaxStatusChanged, **kwargs: Any
) -> None:
    """signals.tax_status_changed: record the change (in the review app's audit trail) and
    flag it to whoever is reviewing or paying the invoice; inside the transaction that
    changed it."""
    invoice, after, source = change.invoice, change.after, change.source
    flag = after in ALARMING and invoice.status in WATCHED
    TaxStatusChange.objects.create(
        invoice=invoice,
        organisation_id=invoice.organisation_id,
        actor=change.actor,
        actor_name=str(change.actor) if change.actor is not None else "",
        before=change.before,
        after=after,
        review_status=invoice.status,
        source=source[:300],
        flagged=flag,
    )
    if flag:
        label = TaxStatus(after).label
        stage = "待审核" if invoice.status == ReviewStatus.PENDING_REVIEW else "已审核待报销"
        notify(
            event="review_flagged",
            recipients=watchers(invoice),
            title=f"{stage}的{_name(invoice)}{label}",
            body=f"{_name(invoice)}在{stage}期间变为“{label}”"
            + (f"（来源：{source}）" if source else "")
            + "，已不能正常报销：请核对后退回或联系提交人。",
            link=_link(invoice),
            invoice=invoice,
            dedupe_key=f"review-flag-{invoice.pk}-{after}",
        )


def connect() -> None:
    signals.tax_status_changed.connect(record_tax_status_change, dispatch_uid="review-tax-status")
