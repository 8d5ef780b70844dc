"""notify(): inbox rows for everyone, email/SMS rows by preference, written with the caller's
transaction, deduplicated by key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from fapiao.accounts.models import User
from fapiao.notify.models import Delivery, DeliveryStatus, Notification
from fapiao.notify.services import notify, save_preferences


def _notify(recipients: list[User], **kwargs: Any) -> int:
    options: dict[str, Any] = {
        "event": "invoice_returned",
        "title": "您的发票被退回：金额与明细不符",
        "body": "退回原因：价税合计与明细合计不一致，请核对后重新提交。",
        "link": "/invoices/1/",
    }
    options.update(kwargs)
    return notify(recipients=recipients, **options)


def test_every_recipient_gets_an_inbox_entry_and_channels_by_default(
    users: dict[str, User],
) -> None:
    submitter = users["submitter"]
    save_preferences(user=submitter, mobile="138 1234 5678")
    count = _notify([submitter, users["submitter2"], submitter])
    assert count == 2
    assert Notification.objects.filter(recipient=submitter).count() == 1
    mine = Delivery.objects.filter(notification__recipient=submitter)
    # returned: email and SMS by default; submitter2 has no mobile, so email only
    assert sorted(mine.values_list("channel", flat=True)) == ["email", "sms"]
    assert mine.get(channel="sms").address == "13812345678"
    theirs = Delivery.objects.filter(notification__recipient=users["submitter2"])
    assert list(theirs.values_list("channel", flat=True)) == ["email"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_an_event_without_email_by_default_only_reaches_the_inbox(users: dict[str, User]) -> None:
    _notify([users["submitter"]], event="tax_status_changed")
    assert Notification.objects.count() == 1
    assert not Delivery.objects.exists()


def test_user_choices_override_the_defaults(users: dict[str, User]) -> None:
    user = users["submitter"]
    save_preferences(
        user=user,
        mobile="13812345678",
        choices={"invoice_returned": {"email": False, "sms": False}, "survey": {"email": True}},
    )
    _notify([user])
    _notify([user], event="survey")
    assert list(Delivery.objects.values_list("notification__event", "channel")) == [
        ("survey", "email")
    ]


def test_budget_sms_only_when_urgent(users: dict[str, User]) -> None:
    user = users["finance_admin"]
    save_preferences(user=user, mobile="13900001111")
    _notify([user], event="budget_alert", dedupe_key="budget:1:2026-11:80")
    _notify([user], event="budget_alert", dedupe_key="budget:1:2026-11:100", urgent=True)
    by_key = dict(
        Delivery.objects.filter(channel="sms").values_list("notification__dedupe_key", "channel")
    )
    assert list(by_key) == ["budget:1:2026-11:100"]


def test_same_dedupe_key_notifies_once_per_recipient(users: dict[str, User]) -> None:
    first = _notify([users["submitter"]], dedupe_key="budget:7:80")
    again = _notify([users["submitter"], users["submitter2"]], dedupe_key="budget:7:80")
    assert (first, again) == (1, 1)
    assert Notification.objects.filter(dedupe_key="budget:7:80").count() == 2


def test_unknown_event_is_a_programming_error(users: dict[str, User]) -> None:
    with pytest.raises(ValueError):
        _notify([users["submitter"]], event="invoice_eaten")


def test_rolled_back_change_leaves_no_notification(users: dict[str, User]) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify([users["submitter"]])
        raise RuntimeError("the status change failed")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_email_goes_out_after_commit(
    users: dict[str, User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([users["submitter"]])
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [users["submitter"].email]
    assert message.subject == "【发票管家】您的发票被退回：金额与明细不符"
    assert "退回原因：价税合计与明细合计不一致" in message.body
    assert "http://127.0.0.1:8000/invoices/1/" in message.body
    assert Delivery.objects.get().status == DeliveryStatus.SENT
