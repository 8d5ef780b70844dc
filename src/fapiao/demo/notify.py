"""Demo inbox: recent review outcomes of each demo submitter as 站内信, some already read.

Written straight into the inbox (no email/SMS rows): loading the demo must not send mail.
"""

from __future__ import annotations

import datetime as dt
import random

from django.urls import reverse
from django.utils import timezone

from fapiao.accounts.models import Organisation, User
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.notify.models import Delivery, Notification, NotificationSettings

REASONS = (
    "发票抬头不是本公司全称，请让销售方重新开具。",
    "缺少行程单，请补充后重新提交。",
    "招待费需注明招待对象和事由，请在备注中补充。",
    "金额与报销单不一致，请核对后重新提交。",
)
OUTCOMES = {
    ReviewStatus.RETURNED: ("invoice_returned", "被退回"),
    ReviewStatus.APPROVED: ("invoice_approved", "已审核通过"),
    ReviewStatus.REIMBURSED: ("invoice_reimbursed", "已报销"),
}
PER_STATUS = 3
DEMO_MOBILES = {"sales1": "13800000001", "sales2": "13800000002"}


def _body(status: str, invoice: Invoice, rng: random.Random) -> str:
    if status == ReviewStatus.RETURNED:
        return f"退回原因：{rng.choice(REASONS)}\n请按原因修改后重新提交审核。"
    if status == ReviewStatus.APPROVED:
        return "审核员已通过这张发票，接下来由财务安排报销。"
    return f"财务已完成报销，金额 {invoice.total_amount} 元。"


def seed_inbox(org: Organisation, *, seed: int = 2026) -> int:
    """A few notifications per submitter, the older ones read; returns how many."""
    rng = random.Random(seed)
    now = timezone.now()
    made: list[Notification] = []
    for user in User.objects.filter(organisation=org).order_by("username"):
        for status, (event, verb) in OUTCOMES.items():
            recent = Invoice.objects.filter(submitter=user, status=status).order_by("-updated_at")
            for i, invoice in enumerate(recent[:PER_STATUS]):
                at = now - dt.timedelta(hours=rng.randint(1, 24 * 14))
                made.append(
                    Notification(
                        recipient=user,
                        organisation=org,
                        event=event,
                        title=f"发票 {invoice.invoice_number}{verb}",
                        body=_body(status, invoice, rng),
                        link=reverse("invoice-detail", args=[invoice.pk]),
                        invoice=invoice,
                        created_at=at,
                        read_at=at + dt.timedelta(minutes=30) if i else None,
                    )
                )
    # Loading recorded red invoices, which notified their submitters: those emails go to
    # made-up demo addresses, so they are dropped rather than printed by the worker.
    Delivery.objects.filter(notification__organisation=org).delete()
    made.sort(key=lambda n: n.created_at)  # ids follow time, as they do live
    Notification.objects.bulk_create(made)
    for username, mobile in DEMO_MOBILES.items():
        person = User.objects.filter(organisation=org, username=username).first()
        if person is not None:
            NotificationSettings.objects.update_or_create(user=person, defaults={"mobile": mobile})
    return len(made)
