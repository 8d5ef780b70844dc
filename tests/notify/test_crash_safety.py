"""The outbox loses nothing when a process dies between the commit and the send, or in the
middle of a send, and never sends twice when the same delivery is run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import mail
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.notify import outbox
from fapiao.notify.models import Delivery, DeliveryStatus
from fapiao.notify.services import notify, save_preferences
from fapiao.notify.tasks import deliver
from tests.notify.conftest import Gateway

APPROVED = {
    "event": "invoice_approved",
    "title": "您的发票已审核通过",
    "body": "发票 No.12345678 已审核通过，等待财务付款。",
    "link": "/invoices/7/",
}


def test_crash_between_commit_and_enqueue_is_swept_up(
    users: dict[str, User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # The process dies right after the commit: the enqueue callbacks never run.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[users["submitter"], users["submitter2"]], **APPROVED)
    assert len(callbacks) == 1
    assert list(Delivery.objects.values_list("status", flat=True)) == ["pending", "pending"]
    assert mail.outbox == []
    # The worker restarts and sweeps at start-up.
    assert outbox.sweep() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [users["submitter"].email, users["submitter2"].email]
    )
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert outbox.sweep() == 0  # nothing left


def test_crash_mid_send_is_resent_after_the_lease_with_the_same_key(
    users: dict[str, User],
    sms_gateway: Gateway,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    user = users["submitter"]
    save_preferences(user=user, mobile="13812345678", choices={"invoice_approved": {"sms": True}})
    with django_capture_on_commit_callbacks(execute=False):
        notify(recipients=[user], **APPROVED)
    sms = Delivery.objects.get(channel="sms")
    # A worker claims it and dies before it can record the outcome.
    assert outbox.claim(sms.pk) is not None
    assert deliver.call(sms.pk) is None  # another worker leaves a claimed delivery alone
    outbox.sweep()  # the e-mail goes; the SMS is still leased to the dead worker
    assert sms_gateway.requests == []
    outbox.sweep(now=timezone.now() + outbox.LEASE)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.SENT, 2)
    assert [r["headers"]["Idempotency-Key"] for r in sms_gateway.requests] == [sms.idempotency_key]


def test_running_a_delivery_twice_sends_it_once(
    users: dict[str, User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[users["submitter"]], **APPROVED)
    delivery = Delivery.objects.get()
    assert deliver.call(delivery.pk) is None
    assert len(mail.outbox) == 1


def test_sweep_skips_deliveries_already_waiting_in_the_database_queue(
    users: dict[str, User], settings: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[users["submitter"], users["submitter2"]], **APPROVED)
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    # A backlog: both wait in the queue, so the sweep adds nothing to it.
    assert outbox.sweep() == 0
    # The queue lost one (say, a queue row deleted by hand): the sweep puts it back.
    DBTaskResult.objects.filter(args_kwargs__args=[Delivery.objects.first().pk]).delete()  # type: ignore[union-attr]
    assert outbox.sweep() == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 2
