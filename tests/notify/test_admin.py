"""Failed deliveries are visible to admins (masked numbers) and can be sent again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fapiao.accounts.models import User
from fapiao.notify.models import Delivery, DeliveryStatus
from fapiao.notify.services import notify, save_preferences
from tests.conftest import ClientAs
from tests.notify.conftest import Gateway


def test_failed_sms_is_listed_for_the_operator_and_sent_again(
    users: dict[str, User],
    operator: User,
    sms_gateway: Gateway,
    django_capture_on_commit_callbacks: Callable[..., Any],
    client_as: ClientAs,
) -> None:
    user = users["submitter"]
    save_preferences(
        user=user, mobile="13812345678", choices={"invoice_returned": {"email": False}}
    )
    sms_gateway.answers = [400]
    with django_capture_on_commit_callbacks(execute=True):
        notify(event="invoice_returned", recipients=[user], title="退回", body="原因")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED

    client = client_as(operator)
    html = client.get("/admin/notify/delivery/?status__exact=failed").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "HTTP 400" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notify/delivery/",
            {"action": "send_again", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert "已重新排队 1 条发送记录。" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert len(sms_gateway.requests) == 2
