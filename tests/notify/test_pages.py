"""站内信 pages: the unread badge on every page, the inbox, marking read, settings."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fapiao.accounts.models import User
from fapiao.notify.models import Notification
from fapiao.notify.services import notify
from tests.conftest import ClientAs


def _badge(html: str) -> str | None:
    found = re.search(r'class="badge unread-count"[^>]*>([^<]+)<', html)
    return found.group(1) if found else None


def _send(user: User, title: str = "您的发票已审核通过", link: str = "/invoices/") -> Notification:
    notify(
        event="invoice_approved", recipients=[user], title=title, body="等待财务付款。", link=link
    )
    return Notification.objects.filter(recipient=user).first()  # type: ignore[return-value]


def test_top_bar_shows_the_unread_count(users: dict[str, User], client_as: ClientAs) -> None:
    me = users["submitter"]
    client = client_as(me)
    assert _badge(client.get("/notifications/").content.decode()) is None
    _send(me)
    _send(me, "第二条")
    _send(users["submitter2"])
    html = client.get("/invoices/").content.decode()
    assert 'href="/notifications/"' in html
    assert _badge(html) == "2"


def test_badge_costs_one_query(users: dict[str, User], client_as: ClientAs) -> None:
    me = users["submitter"]
    _send(me)
    client = client_as(me)
    client.get("/notifications/badge/")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/notifications/badge/")
    assert _badge(response.content.decode()) == "1"
    counts = [q["sql"] for q in queries.captured_queries if "notify_notification" in q["sql"]]
    assert len(counts) == 1


def test_inbox_lists_mine_and_marks_read(users: dict[str, User], client_as: ClientAs) -> None:
    me = users["submitter"]
    first = _send(me, "发票 No.001 已审核通过")
    _send(me, "发票 No.002 已审核通过")
    _send(users["submitter2"], "别人的通知")
    client = client_as(me)
    html = client.get("/notifications/").content.decode()
    assert "发票 No.002 已审核通过" in html and "发票 No.001 已审核通过" in html
    assert "别人的通知" not in html
    assert html.index("No.002") < html.index("No.001")  # newest first
    assert "hx-swap-oob" not in html
    # htmx: the item is swapped for its read form and the badge is told to refresh
    response = client.post(f"/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "is-read" in response.content.decode()
    assert '<strong id="inbox-unread" hx-swap-oob="true">1</strong>' in response.content.decode()
    assert response["HX-Trigger"] == "notifications-changed"
    unread = client.get("/notifications/?filter=unread").content.decode()
    assert "No.002" in unread and "No.001" not in unread
    response = client.post("/notifications/read-all/", {"next": "/notifications/"}, follow=True)
    html = response.content.decode()
    assert "已将 1 条通知标为已读。" in html
    assert _badge(html) is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(
    users: dict[str, User], client_as: ClientAs
) -> None:
    me = users["submitter"]
    n = _send(me, link="/invoices/?status=approved")
    client = client_as(me)
    assert f'action="/notifications/{n.pk}/"' in client.get("/notifications/").content.decode()
    response = client.post(f"/notifications/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == "/invoices/?status=approved"
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_get_of_a_notification_changes_nothing(
    users: dict[str, User], client_as: ClientAs
) -> None:
    """A prefetcher, a crawler or a link preview sends GETs: none of them marks read."""
    me = users["submitter"]
    n = _send(me, link="/invoices/?status=approved")
    response = client_as(me).get(f"/notifications/{n.pk}/")
    assert response.status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_someone_elses_notification_is_not_found(
    users: dict[str, User], outsider: User, client_as: ClientAs
) -> None:
    n = _send(users["submitter"])
    for other in (users["admin"], outsider):
        client = client_as(other)
        assert client.post(f"/notifications/{n.pk}/").status_code == 404
        response = client.post(f"/notifications/{n.pk}/read/")
        assert response.status_code == 404
        assert "没有找到这条通知" in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is None


def test_settings_form_saves_channels_and_explains_a_bad_number(
    users: dict[str, User], client_as: ClientAs
) -> None:
    client = client_as(users["submitter"])
    html = client.get("/notifications/settings/").content.decode()
    assert 'name="email:invoice_returned" checked' in html
    assert 'name="email:tax_status_changed" checked' not in html
    bad = client.post("/notifications/settings/", {"mobile": "1234", "email:survey": "on"})
    assert bad.status_code == 422
    assert "11 位中国大陆手机号" in bad.content.decode()
    assert 'name="email:survey" checked' in bad.content.decode()  # the choices are kept
    ok = client.post(
        "/notifications/settings/",
        {"mobile": "13812345678", "email:invoice_approved": "on", "sms:invoice_approved": "on"},
        follow=True,
    )
    assert "通知设置已保存。" in ok.content.decode()
    notify(event="invoice_returned", recipients=[users["submitter"]], title="退回", body="")
    notify(event="invoice_approved", recipients=[users["submitter"]], title="通过", body="")
    sent = sorted(
        Notification.objects.filter(recipient=users["submitter"]).values_list(
            "event", "deliveries__channel"
        ),
        key=str,
    )
    assert sent == [
        ("invoice_approved", "email"),
        ("invoice_approved", "sms"),
        ("invoice_returned", None),
    ]


def test_signed_out_visitors_are_sent_to_login() -> None:
    response = Client().get("/notifications/")
    assert response.status_code == 302 and "/login" in response["Location"]
