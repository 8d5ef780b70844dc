"""The pages: 反馈 button and dialog on every page, help centre search and suggestions,
my tickets, the support desk; nobody reaches another's ticket or the desk without the role."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.feedback.calendar import missing_holiday_years
from fapiao.feedback.models import Attachment, Holiday, Status, Ticket

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_feedback_button_on_every_page_for_signed_in_users(
    users: dict[str, User], client_as: Callable[[User], Client]
) -> None:
    client = client_as(users["submitter"])
    for url in ("/invoices/", "/help/", "/feedback/"):
        page = text(client.get(url))
        assert 'id="fb-open"' in page and "意见反馈" in page, url
    assert 'id="fb-open"' not in text(Client().get("/login/"))


def test_dialog_submission_creates_a_ticket_with_page_invoice_and_files(
    users: dict[str, User],
    desk: dict[str, Any],
    client_as: Callable[[User], Client],
    make_invoices: Any,
) -> None:
    invoice = make_invoices(1, submitter=users["submitter"])[0]
    client = client_as(users["submitter"])
    shot = SimpleUploadedFile("屏幕截图.png", b"\x89PNG\r\n\x1a\nfake", "image/png")
    r = client.post(
        "/feedback/new/",
        {
            "category": "problem",
            "body": "金额识别错了",
            "page_url": f"/invoices/{invoice.pk}/",
            "invoice_id": str(invoice.pk),
            "files": [shot],
        },
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.number in text(r) and "查看工单" in text(r)
    assert ticket.invoice == invoice and ticket.page_url == f"/invoices/{invoice.pk}/"
    assert ticket.department == desk["rnd"]  # "识别" rule
    assert Attachment.objects.get(ticket=ticket).name == "屏幕截图.png"
    # Missing text: the dialog says what to fix and nothing is created.
    r = client.post("/feedback/new/", {"category": "problem", "body": " "}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "请填写反馈内容" in text(r)
    assert Ticket.objects.count() == 1
    page = text(client.get(f"/feedback/{ticket.pk}/"))
    assert "金额识别错了" in page and "屏幕截图.png" in page
    attachment = Attachment.objects.get(ticket=ticket)
    download = client.get(f"/feedback/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\x89PNG\r\n\x1a\nfake"
    assert "attachment" in download["Content-Disposition"]
    other = client_as(users["submitter2"]).get(f"/feedback/attachments/{attachment.pk}/")
    assert other.status_code == 404


def test_help_centre_search_and_typing_suggestions(
    users: dict[str, User], client_as: Callable[[User], Client]
) -> None:
    client = client_as(users["submitter"])
    page = text(client.get("/help/"))
    for title in ("检查输入", "确认文件已上传", "网络", "浏览器", "缓存和 Cookie", "联系客服"):
        assert title in page
    found = text(client.get("/help/", {"q": "浏览器按钮没反应"}, HTTP_HX_REQUEST="true"))
    assert "使用较新版本的浏览器" in found and "检查网络" not in found
    suggestions = text(client.get("/help/suggest/", {"body": "上传以后一直识别失败"}))
    assert "确认文件已上传成功" in suggestions
    article = text(client.get("/help/cache-cookies/"))
    assert "Ctrl+F5" in article
    assert client.get("/help/nope/").status_code == 404


def test_going_back_to_a_search_shows_the_whole_help_centre(
    users: dict[str, User], client_as: Callable[[User], Client]
) -> None:
    """The search pushes its address into the history; when the browser goes back to it
    and htmx has no copy left, it asks again and must get the page, not the bare list."""
    client = client_as(users["submitter"])
    search = {"q": "浏览器按钮没反应"}
    listed = client.get("/help/", search, HTTP_HX_REQUEST="true")
    assert "<html" not in text(listed) and "使用较新版本的浏览器" in text(listed)
    restored = client.get(
        "/help/", search, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in text(restored) and 'id="fb-open"' in text(restored)
    assert "使用较新版本的浏览器" in text(restored)
    assert "HX-Request" in restored["Vary"]


def test_ticket_page_hides_internal_notes_and_lets_the_requester_rate(
    users: dict[str, User],
    desk: dict[str, Any],
    client_as: Callable[[User], Client],
    open_ticket: Any,
) -> None:
    t = open_ticket(users["submitter"], category="complaint")
    agent = client_as(desk["agent_sales"])
    agent.post(f"/feedback/{t.pk}/reply/", {"body": "内部：用户是 VIP", "kind": "internal"})
    agent.post(f"/feedback/{t.pk}/reply/", {"body": "已为您加急处理", "kind": "public"})
    agent.post(f"/feedback/{t.pk}/transition/", {"to": "resolved"})
    me = client_as(users["submitter"])
    page = text(me.get(f"/feedback/{t.pk}/"))
    assert "已为您加急处理" in page and "VIP" not in page and "为这次服务评分" in page
    me.post(f"/feedback/{t.pk}/rate/", {"score": "5", "comment": "很好"})
    page = text(me.get(f"/feedback/{t.pk}/"))
    assert "您的评分：5 分" in page
    assert client_as(users["submitter2"]).get(f"/feedback/{t.pk}/").status_code == 404


def test_desk_queue_overdue_and_actions(
    users: dict[str, User],
    outsider: User,
    desk: dict[str, Any],
    client_as: Callable[[User], Client],
    open_ticket: Any,
) -> None:
    from tests.feedback.conftest import bj

    late = open_ticket(users["submitter"], category="complaint", at=bj(2026, 3, 2, 9, 0))
    fresh = open_ticket(users["submitter2"], category="complaint")
    open_ticket(outsider, category="complaint", subject="别家的工单")
    agent = client_as(desk["agent_sales"])
    queue = text(agent.get("/desk/?queue=overdue"))
    assert late.number in queue and fresh.number not in queue and "已超时" in queue
    all_open = text(agent.get("/desk/?queue=all"))
    assert late.number in all_open and fresh.number in all_open and "别家的工单" not in all_open
    r = agent.post(
        f"/feedback/{fresh.pk}/assign/",
        {"assignee": desk["agent_rnd"].pk, "next": f"/desk/tickets/{fresh.pk}/"},
    )
    assert r.status_code == 302 and r["Location"] == f"/desk/tickets/{fresh.pk}/"
    fresh.refresh_from_db()
    assert fresh.assignee == desk["agent_rnd"]
    detail = text(agent.get(f"/desk/tickets/{fresh.pk}/"))
    assert "手动分派" in detail and "内部备注（用户看不到）" in detail
    agent.post(f"/feedback/{fresh.pk}/transition/", {"to": "in_progress"})
    assert Ticket.objects.get(pk=fresh.pk).status == Status.IN_PROGRESS
    assert "时效达标" in text(agent.get("/desk/reports/"))
    # Requesters have no desk.
    assert client_as(users["submitter"]).get("/desk/").status_code == 403
    nav = text(client_as(users["submitter"]).get("/help/"))
    assert "客服工作台" not in nav and "帮助与反馈" in nav


def test_survey_page_answer_once(
    users: dict[str, User], desk: dict[str, Any], client_as: Callable[[User], Client]
) -> None:
    from fapiao.feedback.surveys import send_survey

    survey = send_survey(
        manager=users["admin"],
        title="季度满意度",
        question="您对客服满意吗？",
        department_id=desk["sales"].pk,
    )
    member = client_as(users["submitter2"])
    assert "您对客服满意吗？" in text(member.get(f"/feedback/surveys/{survey.pk}/"))
    member.post(f"/feedback/surveys/{survey.pk}/", {"score": "2", "comment": "回复太慢"})
    page = text(member.get(f"/feedback/surveys/{survey.pk}/"))
    assert "您已回答：2 分" in page
    r = member.post(f"/feedback/surveys/{survey.pk}/", {"score": "5"}, follow=True)
    assert "已经回答过" in text(r)
    # Not invited (研发部): no such survey for them.
    assert client_as(users["submitter"]).get(f"/feedback/surveys/{survey.pk}/").status_code == 404


def test_desk_warns_while_a_year_of_holidays_is_missing(
    desk: dict[str, Any], client_as: Callable[[User], Client]
) -> None:
    today = timezone.localdate()
    # The State Council's notice for the next year is due from November on.
    assert missing_holiday_years(dt.date(2026, 10, 31)) == []  # 2026 is seeded
    november = dt.date(2026, 11, 2)
    if not Holiday.objects.filter(date__year=2027).exists():
        assert missing_holiday_years(november) == [2027]
    Holiday.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    assert missing_holiday_years(november) == []

    agent = client_as(desk["agent_sales"])
    Holiday.objects.filter(date__year=today.year).delete()
    page = agent.get("/desk/").content.decode()
    assert 'id="holiday-gap"' in page and f"{today.year} 年的放假安排" in page
    Holiday.objects.create(date=today, kind="holiday", name="公司假日")
    Holiday.objects.get_or_create(
        date=dt.date(today.year + 1, 1, 1), defaults={"kind": "holiday", "name": "元旦"}
    )
    assert 'id="holiday-gap"' not in agent.get("/desk/").content.decode()
