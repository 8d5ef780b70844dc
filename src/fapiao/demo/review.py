"""Demo seeding of the review workflow: the audit trail behind each demo invoice's status
(who approved, returned with which reason, paid), so the pages show a lived-in history."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from fapiao.accounts.models import Organisation, User
from fapiao.accounts.permissions import FINANCE_ROLES, may_review
from fapiao.accounts.roles import Role
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.review.models import Transition

S = ReviewStatus
RETURN_REASONS = (
    "发票抬头与公司名称不一致，请核对后重新开具。",
    "缺少消费明细，请补充清单后重新提交。",
    "金额与报销单不符，请核对。",
    "购买方税号有误，请联系销售方重开。",
)
TAX_RETURN = "发票已作废或已红冲，不能报销：请向销售方索取新发票。"
# The review steps that lead to each status from 待审核.
PATHS: dict[str, list[tuple[str, str, str]]] = {
    S.APPROVED: [("approve", S.PENDING_REVIEW, S.APPROVED)],
    S.RETURNED: [("return", S.PENDING_REVIEW, S.RETURNED)],
    S.REIMBURSED: [
        ("approve", S.PENDING_REVIEW, S.APPROVED),
        ("reimburse", S.APPROVED, S.REIMBURSED),
    ],
    S.WITHDRAWN: [("withdraw", S.PENDING_REVIEW, S.WITHDRAWN)],
}


def seed_review_history(organisation: Organisation, *, seed: int = 2026) -> int:
    """Transitions for every demo invoice past 待审核; returns how many were written."""
    rng = random.Random(seed)
    people = list(
        User.objects.filter(organisation=organisation).prefetch_related("review_departments")
    )
    reviewers = [u for u in people if u.role == Role.REVIEWER]
    finance = [u for u in people if u.role in FINANCE_ROLES] or reviewers
    now = timezone.now()
    rows: list[Transition] = []
    invoices = Invoice.objects.filter(organisation=organisation, status__in=list(PATHS))
    for invoice in invoices.select_related("submitter").order_by("id"):
        at = invoice.created_at
        for action, source, target in PATHS[invoice.status]:
            at = min(at + dt.timedelta(hours=rng.randint(2, 72), minutes=rng.randint(0, 59)), now)
            if action == "withdraw":
                actor = invoice.submitter
            elif action == "reimburse":
                actor = rng.choice([u for u in finance if u.pk != invoice.submitter_id] or finance)
            else:
                eligible = [u for u in reviewers if may_review(u, invoice)] or finance
                actor = rng.choice(eligible)
            comment = ""
            if action == "return":
                unfit = invoice.tax_status in (TaxStatus.VOIDED, TaxStatus.RED_FULL)
                comment = TAX_RETURN if unfit else rng.choice(RETURN_REASONS)
            rows.append(
                Transition(
                    invoice=invoice,
                    organisation=organisation,
                    actor=actor,
                    actor_name=str(actor) if actor else "",
                    action=action,
                    from_status=source,
                    to_status=target,
                    comment=comment,
                    created_at=at,
                )
            )
    Transition.objects.bulk_create(rows, batch_size=500)
    return len(rows)
