"""The ticket API end to end: create (number, routing, deadlines), reply, internal notes,
transitions, reopen window, rating, attachments, and who may see what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fapiao.accounts.models import User
from fapiao.feedback.models import Status, Ticket, TicketEvent
from fapiao.notify.models import Notification
from tests.feedback.conftest import bj

pytestmark = pytest.mark.django_db
API = "/api/v1/feedback"


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_create_routes_by_keyword_and_sets_working_hour_deadlines(
    users: dict[str, User], desk: dict[str, Any], api_as: Callable[[User], Client]
) -> None:
    client = api_as(users["submitter"])
    r = post(
        client,
        "/tickets",
        {"category": "problem", "subject": "上传后一直识别中", "body": "PDF 传了十分钟还在处理"},
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["number"].startswith(f"FK-{dt.date.today().year}-") and len(data["number"]) == 14
    assert data["status"] == "assigned" and data["status_label"] == "已分派"
    assert data["department"] == desk["rnd"].name
    assert data["assignee"]["id"] == desk["agent_rnd"].pk
    # The agent was told; the requester sees no event history.
    assert (
        Notification.objects.filter(recipient=desk["agent_rnd"], event="ticket_assigned").count()
        == 1
    )
    assert data["events"] == []
    second = post(client, "/tickets", {"category": "complaint", "body": "客服态度差"}).json()
    assert second["department"] == desk["sales"].name
    assert second["assignee"]["id"] == desk["agent_sales"].pk
    assert int(second["number"][-6:]) == int(data["number"][-6:]) + 1


def test_deadlines_skip_the_weekend(
    users: dict[str, User], desk: dict[str, Any], open_ticket: Any
) -> None:
    # Friday 16:00, normal priority: 4 working hours to first reply, 16 to resolution.
    t = open_ticket(users["submitter"], at=bj(2026, 11, 27, 16, 0))
    assert t.first_reply_due == bj(2026, 11, 30, 11, 0)
    assert t.resolution_due == bj(2026, 12, 1, 16, 0)
    urgent = open_ticket(users["submitter"], at=bj(2026, 9, 30, 17, 30), priority="urgent")
    # 国庆: 0.5h on 09-30, then 10-08 from 09:00.
    assert urgent.first_reply_due == bj(2026, 10, 8, 9, 30)


def test_least_loaded_agent_gets_the_next_ticket(
    users: dict[str, User], desk: dict[str, Any], open_ticket: Any
) -> None:
    extra = User.objects.create(
        username="agent_rnd2",
        organisation=users["submitter"].organisation,
        department=desk["rnd"],
        role="support_agent",
    )
    a = open_ticket(users["submitter"], body="识别失败")
    b = open_ticket(users["submitter"], body="识别失败 again")
    c = open_ticket(users["submitter"], body="识别失败 third")
    assert {a.assignee_id, b.assignee_id} == {desk["agent_rnd"].pk, extra.pk}
    assert c.assignee_id in {desk["agent_rnd"].pk, extra.pk}
    # No rule matches and nobody in a department: any support agent (fewest open tickets).
    d = open_ticket(users["submitter"], body="其他问题")
    assert d.department is None and d.assignee_id == desk["agent_sales"].pk


def test_reply_note_and_visibility(
    users: dict[str, User], desk: dict[str, Any], api_as: Callable[[User], Client]
) -> None:
    requester, agent = users["submitter"], desk["agent_sales"]
    me, desk_client = api_as(requester), api_as(agent)
    t = post(me, "/tickets", {"category": "complaint", "body": "报销太慢"}).json()
    r = post(
        desk_client, f"/tickets/{t['id']}/replies", {"body": "内部：先查审批流", "internal": True}
    )
    assert r.status_code == 201
    r = post(
        desk_client,
        f"/tickets/{t['id']}/replies",
        {"body": "您好，请提供发票号码。", "waiting_for_user": True},
    )
    assert r.json()["status"] == "waiting_user" and r.json()["first_reply_at"]
    # The requester sees the reply, never the note, and was notified of the reply only.
    mine = me.get(f"{API}/tickets/{t['id']}").json()
    assert [m["body"] for m in mine["messages"]] == ["您好，请提供发票号码。"]
    assert Notification.objects.filter(recipient=requester, event="ticket_reply").count() == 1
    agent_view = desk_client.get(f"{API}/tickets/{t['id']}").json()
    assert [m["internal"] for m in agent_view["messages"]] == [True, False]
    # A requester cannot write an internal note.
    r = post(me, f"/tickets/{t['id']}/replies", {"body": "x", "internal": True})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    # The requester's answer moves the ticket back to 处理中 and tells the agent.
    r = post(me, f"/tickets/{t['id']}/replies", {"body": "号码是 12345678"})
    assert r.json()["status"] == "in_progress"
    assert Notification.objects.filter(recipient=agent, event="ticket_reply").count() == 1


def test_other_users_and_organisations_get_404(
    users: dict[str, User], outsider: User, desk: dict[str, Any], api_as: Callable[[User], Client]
) -> None:
    t = post(api_as(users["submitter"]), "/tickets", {"category": "problem", "body": "问题"}).json()
    for intruder in (users["submitter2"], users["finance_admin"], outsider):
        r = api_as(intruder).get(f"{API}/tickets/{t['id']}")
        assert r.status_code == 404 and r.json()["code"] == "ticket_not_found"
    assert api_as(outsider).get(f"{API}/tickets").json()["items"] == []
    outsider.role = "support_agent"
    outsider.save()
    assert api_as(outsider).get(f"{API}/tickets?queue=open").json()["items"] == []
    assert Client().get(f"{API}/tickets").status_code == 401


def test_transitions_reopen_window_and_rating(
    users: dict[str, User], desk: dict[str, Any], api_as: Callable[[User], Client]
) -> None:
    me, agent = api_as(users["submitter"]), api_as(desk["agent_sales"])
    t = post(me, "/tickets", {"category": "complaint", "body": "问题"}).json()
    r = post(me, f"/tickets/{t['id']}/transitions", {"to": "resolved"})
    assert r.status_code == 409 and r.json()["code"] == "ticket_transition_not_allowed"
    r = post(me, f"/tickets/{t['id']}/rating", {"score": 5})
    assert r.status_code == 409
    r = post(agent, f"/tickets/{t['id']}/transitions", {"to": "resolved", "comment": "已修复"})
    assert r.json()["status"] == "resolved" and r.json()["resolved_at"]
    assert (
        Notification.objects.filter(recipient=users["submitter"], event="ticket_resolved").count()
        == 1
    )
    # Only the requester rates, once.
    assert post(agent, f"/tickets/{t['id']}/rating", {"score": 5}).status_code == 403
    assert post(me, f"/tickets/{t['id']}/rating", {"score": 6}).status_code == 422
    assert (
        post(me, f"/tickets/{t['id']}/rating", {"score": 4, "comment": "快"}).json()["rating"] == 4
    )
    r = post(me, f"/tickets/{t['id']}/rating", {"score": 1})
    assert r.status_code == 409 and r.json()["code"] == "already_rated"
    # Reopen within the window; after it, a clear refusal.
    r = post(me, f"/tickets/{t['id']}/transitions", {"to": "in_progress", "comment": "又出现了"})
    assert r.json()["status"] == "in_progress"
    post(agent, f"/tickets/{t['id']}/transitions", {"to": "resolved"})
    Ticket.objects.filter(pk=t["id"]).update(
        resolved_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
    )
    r = post(me, f"/tickets/{t['id']}/transitions", {"to": "in_progress"})
    assert r.status_code == 409 and r.json()["code"] == "reopen_window_closed"
    r = post(me, f"/tickets/{t['id']}/transitions", {"to": "closed"})
    assert r.json()["status"] == "closed"
    kinds = list(TicketEvent.objects.filter(ticket_id=t["id"]).values_list("kind", flat=True))
    assert kinds == ["created", "assigned", "status", "reopened", "status", "status"]


def test_manual_reassignment_is_recorded(
    users: dict[str, User], desk: dict[str, Any], api_as: Callable[[User], Client]
) -> None:
    t = post(
        api_as(users["submitter"]), "/tickets", {"category": "complaint", "body": "问题"}
    ).json()
    r = post(
        api_as(users["admin"]),
        f"/tickets/{t['id']}/assignment",
        {"assignee_id": desk["agent_rnd"].pk},
    )
    assert r.json()["assignee"]["id"] == desk["agent_rnd"].pk
    event = r.json()["events"][-1]
    assert event["kind"] == "reassigned" and event["actor"]["id"] == users["admin"].pk
    assert "手动分派" in event["detail"]
    r = post(
        api_as(users["submitter"]),
        f"/tickets/{t['id']}/assignment",
        {"assignee_id": desk["agent_rnd"].pk},
    )
    assert r.status_code == 403
    r = post(
        api_as(users["admin"]),
        f"/tickets/{t['id']}/assignment",
        {"assignee_id": users["submitter2"].pk},
    )
    assert r.status_code == 403


def test_attachments_size_limit_and_permission_checked_download(
    users: dict[str, User],
    desk: dict[str, Any],
    api_as: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = api_as(users["submitter"])
    t = post(me, "/tickets", {"category": "problem", "body": "截图见附件"}).json()
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = me.post(
        f"{API}/tickets/{t['id']}/attachments",
        {"files": [SimpleUploadedFile("截图.png", png, "image/png")]},
    )
    assert r.status_code == 201, r.content
    att = r.json()["attachments"][0]
    assert att["name"] == "截图.png" and att["size"] == len(png)
    download = me.get(f"{API}/attachments/{att['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == png
    assert api_as(users["submitter2"]).get(f"{API}/attachments/{att['id']}").status_code == 404
    assert api_as(desk["agent_sales"]).get(f"{API}/attachments/{att['id']}").status_code == 200
    monkeypatch.setenv("FAPIAO_FEEDBACK_MAX_ATTACHMENT_MB", "1")
    big = SimpleUploadedFile("大.pdf", b"0" * (1024 * 1024 + 1), "application/pdf")
    r = me.post(f"{API}/tickets/{t['id']}/attachments", {"files": [big]})
    assert r.status_code == 413 and r.json()["code"] == "attachment_too_large"
    assert "1 MB" in r.json()["detail"]


def test_invoice_must_be_visible_to_the_requester(
    users: dict[str, User],
    desk: dict[str, Any],
    api_as: Callable[[User], Client],
    make_invoices: Any,
) -> None:
    mine = make_invoices(1, submitter=users["submitter"])[0]
    theirs = make_invoices(1, submitter=users["submitter2"])[0]
    me = api_as(users["submitter"])
    r = post(
        me,
        "/tickets",
        {
            "category": "enquiry",
            "body": "这张发票为什么被退回",
            "invoice_id": mine.pk,
            "page_url": f"/invoices/{mine.pk}/",
        },
    )
    assert r.status_code == 201 and r.json()["invoice_id"] == mine.pk
    r = post(me, "/tickets", {"category": "enquiry", "body": "别人的", "invoice_id": theirs.pk})
    assert r.status_code == 404 and r.json()["code"] == "invoice_not_found"


def test_list_queues_for_agents(
    users: dict[str, User], desk: dict[str, Any], api_as: Callable[[User], Client], open_ticket: Any
) -> None:
    old = open_ticket(users["submitter"], at=bj(2026, 1, 5, 9, 0), category="complaint")
    new = open_ticket(users["submitter2"], category="complaint")
    agent = api_as(desk["agent_sales"])
    overdue = agent.get(f"{API}/tickets?queue=overdue").json()["items"]
    assert [t["id"] for t in overdue] == [old.pk] and overdue[0]["overdue"] is True
    mine = agent.get(f"{API}/tickets?queue=mine").json()["items"]
    assert {t["id"] for t in mine} == {old.pk, new.pk}
    own = api_as(users["submitter2"]).get(f"{API}/tickets").json()["items"]
    assert [t["id"] for t in own] == [new.pk]
    assert own[0]["status"] == Status.ASSIGNED


def test_agent_raises_priority_and_deadlines_follow(
    users: dict[str, User], desk: dict[str, Any], api_as: Callable[[User], Client], open_ticket: Any
) -> None:
    t = open_ticket(users["submitter"], at=bj(2026, 11, 27, 16, 0), category="complaint")
    r = post(api_as(desk["agent_sales"]), f"/tickets/{t.pk}/priority", {"priority": "urgent"})
    assert r.status_code == 200, r.content
    # Urgent: 1 working hour to first reply, 4 to resolution (Friday 16:00 -> Monday 11:00).
    assert r.json()["first_reply_due"].startswith("2026-11-27T09:00:00")  # 17:00 Beijing
    assert r.json()["resolution_due"].startswith("2026-11-30T03:00:00")  # Mon 11:00 Beijing
    assert r.json()["events"][-1]["detail"] == "优先级 普通 → 紧急"
    r = post(api_as(users["submitter"]), f"/tickets/{t.pk}/priority", {"priority": "low"})
    assert r.status_code == 403
