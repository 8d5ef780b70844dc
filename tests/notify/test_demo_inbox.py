"""The demo's people find their review outcomes in 站内信, some unread, with no mail queued."""

from __future__ import annotations

from collections.abc import Callable

from fapiao.accounts.models import Organisation, User
from fapiao.demo.notify import seed_inbox
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.notify.models import Delivery, Notification
from fapiao.notify.services import notify
from tests.conftest import ClientAs


def test_demo_inbox_shows_review_outcomes(
    org: Organisation,
    users: dict[str, User],
    make_invoices: Callable[..., list[Invoice]],
    client_as: ClientAs,
) -> None:
    me = users["submitter"]
    made = make_invoices(8, submitter=me)
    Invoice.objects.filter(pk__in=[i.pk for i in made[:4]]).update(status=ReviewStatus.RETURNED)
    Invoice.objects.filter(pk__in=[i.pk for i in made[4:]]).update(status=ReviewStatus.APPROVED)
    notify(event="invoice_approved", recipients=[me], title="加载时的通知", body="")
    assert Delivery.objects.exists()
    assert seed_inbox(org) == 6  # three of each per person
    inbox = Notification.objects.filter(recipient=me)
    assert inbox.filter(read_at__isnull=True).count() == 3  # the newest of each kind + 1
    returned = inbox.filter(event="invoice_returned").first()
    assert returned is not None and returned.body.startswith("退回原因：")
    assert not Delivery.objects.exists()
    html = client_as(me).get("/notifications/").content.decode()
    assert returned.title in html
