"""Email through a real SMTP server and SMS through a real HTTP gateway, with retries."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.notify import outbox
from fapiao.notify.models import Delivery, DeliveryStatus, MessageTemplate
from fapiao.notify.services import notify, save_preferences
from tests.notify.conftest import Gateway, Mailbox

RETURNED = {
    "event": "invoice_returned",
    "title": "发票 No.24112000000012345678 被退回",
    "body": "退回原因：抬头不是本公司，请重新开具后提交。",
    "link": "/invoices/42/",
}


def _sms_only(user: User, mobile: str = "13812345678") -> None:
    save_preferences(user=user, mobile=mobile, choices={"invoice_returned": {"email": False}})


def test_email_reaches_a_real_smtp_server_in_chinese(
    users: dict[str, User],
    smtp_server: Mailbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[users["submitter"]], **RETURNED)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == users["submitter"].email
    # Django folds the encoded subject onto a continuation line; clients unfold it.
    assert str(message["Subject"]).strip() == "【发票管家】发票 No.24112000000012345678 被退回"
    assert message["Message-ID"] == f"<fapiao-delivery-{Delivery.objects.get().pk}@fapiao.invalid>"
    text = message.get_content()
    assert "退回原因：抬头不是本公司，请重新开具后提交。" in text
    assert "查看详情：http://127.0.0.1:8000/invoices/42/" in text
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_an_unreachable_smtp_server_is_retried_with_backoff(
    users: dict[str, User],
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[users["submitter"]], **RETURNED)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "邮件发送失败" in delivery.last_error
    wait = delivery.next_attempt_at - before
    assert dt.timedelta(seconds=29) < wait < dt.timedelta(seconds=40)


def test_admin_template_changes_the_wording(
    users: dict[str, User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    MessageTemplate.objects.create(
        channel="email",
        event="invoice_returned",
        subject="请处理：{{ title }}",
        body="{{ name }}：{{ body }} 链接 {{ link }}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[users["submitter"]], **RETURNED)
    assert mail.outbox[0].subject == "请处理：发票 No.24112000000012345678 被退回"
    assert mail.outbox[0].body.endswith("链接 http://127.0.0.1:8000/invoices/42/")


def test_an_organisations_template_is_its_own(
    users: dict[str, User],
    outsider: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """An organisation's admin words its own email; every other organisation keeps the
    installation's wording."""
    MessageTemplate.objects.create(channel="email", subject="系统：{{ title }}", body="系统")
    MessageTemplate.objects.create(
        organisation=users["submitter"].organisation,
        channel="email",
        subject="甲方：{{ title }}",
        body="甲方",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[users["submitter"], outsider], **RETURNED)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[users["submitter"].email].startswith("甲方：")
    assert subjects[outsider.email].startswith("系统：")


def test_sms_posts_json_to_the_gateway_with_key_and_idempotency_key(
    users: dict[str, User],
    sms_gateway: Gateway,
    django_capture_on_commit_callbacks: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = users["submitter"]
    _sms_only(user)
    with (
        caplog.at_level(logging.INFO, logger="fapiao"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipients=[user], **RETURNED)
    assert len(sms_gateway.requests) == 1
    request = sms_gateway.requests[0]
    delivery = Delivery.objects.get()
    assert request["headers"]["X-Api-Key"] == "test-key-123"
    assert request["headers"]["Idempotency-Key"] == f"fapiao-delivery-{delivery.pk}"
    sent = request["json"]
    assert sent["mobile"] == "13812345678"
    assert sent["template"] == "SMS_FAPIAO_001"
    assert sent["params"]["title"] == RETURNED["title"]
    assert sent["text"] == (
        "【发票管家】发票 No.24112000000012345678 被退回 详情：http://127.0.0.1:8000/invoices/42/"
    )
    assert delivery.status == DeliveryStatus.SENT
    assert "138****5678" in caplog.text
    assert "13812345678" not in caplog.text


def test_gateway_errors_are_retried_then_sent_once(
    users: dict[str, User],
    sms_gateway: Gateway,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    user = users["submitter"]
    _sms_only(user)
    sms_gateway.answers = [503, 500]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], **RETURNED)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "HTTP 503" in delivery.last_error
    assert outbox.sweep() == 0  # not due yet: 30 s backoff
    first_wait = delivery.next_attempt_at
    outbox.sweep(now=first_wait)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 2)
    # exponential: the second wait is twice the first (60 s instead of 30 s)
    assert delivery.next_attempt_at - timezone.now() > dt.timedelta(seconds=55)
    outbox.sweep(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    keys = {r["headers"]["Idempotency-Key"] for r in sms_gateway.requests}
    assert len(sms_gateway.requests) == 3 and len(keys) == 1


def test_after_max_attempts_the_delivery_is_failed(
    users: dict[str, User],
    sms_gateway: Gateway,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    monkeypatch.setenv("FAPIAO_NOTIFY_MAX_ATTEMPTS", "2")
    user = users["submitter"]
    _sms_only(user)
    sms_gateway.answers = [502, 502, 502]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], **RETURNED)
    outbox.sweep(now=timezone.now() + dt.timedelta(hours=1))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    assert outbox.sweep(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert len(sms_gateway.requests) == 2


def test_a_rejected_request_is_not_retried(
    users: dict[str, User],
    sms_gateway: Gateway,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    user = users["submitter"]
    _sms_only(user)
    sms_gateway.answers = [401]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], **RETURNED)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "HTTP 401" in delivery.last_error


def test_console_sms_logs_a_masked_number(
    users: dict[str, User],
    django_capture_on_commit_callbacks: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = users["submitter"]
    _sms_only(user, mobile="+86 139-0000-1234")
    with (
        caplog.at_level(logging.INFO, logger="fapiao"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipients=[user], **RETURNED)
    assert "SMS to 139****1234" in caplog.text
    assert "13900001234" not in caplog.text
    assert Delivery.objects.get().status == DeliveryStatus.SENT
