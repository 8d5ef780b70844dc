"""/api/v1/notifications: a user reads, pages and marks only their own inbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from fapiao.accounts.models import User
from fapiao.notify.models import Notification
from fapiao.notify.services import notify

URL = "/api/v1/notifications"


def _send(user: User, n: int = 1, event: str = "invoice_approved") -> None:
    for i in range(n):
        notify(event=event, recipients=[user], title=f"通知{i}", body=f"内容{i}", link="/x/")


def test_list_pages_newest_first_with_unread_count(
    users: dict[str, User], api_as: Callable[[User], Client]
) -> None:
    me = users["submitter"]
    _send(me, 5)
    _send(users["submitter2"], 2)
    client = api_as(me)
    first = client.get(URL, {"limit": 3}).json()
    assert [i["title"] for i in first["items"]] == ["通知4", "通知3", "通知2"]
    assert first["unread"] == 5
    assert first["items"][0]["event_label"] == "发票已审核"
    rest = client.get(URL, {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [i["title"] for i in rest["items"]] == ["通知1", "通知0"]
    assert rest["next_cursor"] is None


def test_mark_one_and_all_read(users: dict[str, User], api_as: Callable[[User], Client]) -> None:
    me = users["submitter"]
    _send(me, 3)
    client = api_as(me)
    newest = Notification.objects.filter(recipient=me).first()
    assert newest is not None
    response = client.post(f"{URL}/{newest.pk}/read")
    assert response.status_code == 200 and response.json()["read"] is True
    unread = client.get(URL, {"unread": "true"}).json()
    assert unread["unread"] == 2 and len(unread["items"]) == 2
    assert newest.pk not in [i["id"] for i in unread["items"]]
    done = client.post(f"{URL}/read-all").json()
    assert done == {"updated": 2, "unread": 0}
    assert client.get(URL, {"unread": "true"}).json()["items"] == []


def test_another_users_notification_is_404(
    users: dict[str, User], outsider: User, api_as: Callable[[User], Client]
) -> None:
    _send(users["submitter"])
    theirs = Notification.objects.get()
    for other in (users["submitter2"], users["admin"], outsider):
        client = api_as(other)
        for response in (client.get(f"{URL}/{theirs.pk}"), client.post(f"{URL}/{theirs.pk}/read")):
            assert response.status_code == 404
            assert response["Content-Type"].startswith("application/problem+json")
            assert response.json()["code"] == "notification_not_found"
        assert client.get(URL).json()["items"] == []
        client.post(f"{URL}/read-all")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unauthenticated_is_401() -> None:
    assert Client().get(URL).status_code == 401


def test_preferences_round_trip(users: dict[str, User], api_as: Callable[[User], Client]) -> None:
    client = api_as(users["submitter"])
    shown = client.get(f"{URL}/preferences").json()
    by_event = {e["event"]: e for e in shown["events"]}
    assert by_event["invoice_returned"] == {
        "event": "invoice_returned",
        "label": "发票被退回",
        "inbox": True,
        "email": True,
        "sms": True,
    }
    assert by_event["tax_status_changed"]["email"] is False
    body: dict[str, Any] = {
        "mobile": "139 0000 1111",
        "events": {"invoice_returned": {"email": False, "sms": True}},
    }
    response = client.put(f"{URL}/preferences", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    saved = response.json()
    assert saved["mobile"] == "13900001111"
    assert {e["event"]: e for e in saved["events"]}["invoice_returned"]["email"] is False
    # The choice is used by the next notification.
    notify(event="invoice_returned", recipients=[users["submitter"]], title="退回", body="原因")
    sent = Notification.objects.get().deliveries.values_list("channel", flat=True)
    assert list(sent) == ["sms"]


def test_a_bad_mobile_is_explained(
    users: dict[str, User], api_as: Callable[[User], Client]
) -> None:
    response = api_as(users["submitter"]).put(
        f"{URL}/preferences", json.dumps({"mobile": "12345"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_mobile"
    assert "11 位" in response.json()["detail"]
