"""Support mail -> tickets, through a real SMTP server (aiosmtpd) delivering into a Maildir:
new mail opens a ticket, replies are threaded by ticket number or In-Reply-To, unknown
senders and other organisations never reach a ticket, and importing twice changes nothing."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from django.core.management import call_command

from fapiao import jobs
from fapiao.accounts.models import User
from fapiao.feedback.mail import import_maildir
from fapiao.feedback.models import Attachment, Channel, MessageKind, Status, Ticket
from fapiao.feedback.services import reply

pytestmark = pytest.mark.django_db
SUPPORT = "support@fapiao.test"


@pytest.fixture
def smtp_maildir(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    maildir = tmp_path / "support"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, maildir
    finally:
        controller.stop()


def send(port: int, sender: str, subject: str, body: str, **headers: Any) -> str:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.com")
    for name, value in headers.items():
        del msg[name.replace("_", "-")]
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(msg)
    return str(msg["Message-ID"])


def send_with_file(port: int, sender: str, subject: str, body: str, name: str, data: bytes) -> str:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, SUPPORT, subject
    msg["Message-ID"] = make_msgid(domain="example.com")
    msg.set_content(body)
    msg.add_attachment(data, maintype="image", subtype="png", filename=name)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(msg)
    return str(msg["Message-ID"])


def test_mail_becomes_tickets_and_replies_thread(
    users: dict[str, User], outsider: User, desk: dict[str, Any], smtp_maildir: tuple[int, Path]
) -> None:
    port, maildir = smtp_maildir
    requester = users["submitter"]
    first_id = send_with_file(
        port,
        f"张三 <{requester.email}>",
        "发票上传后一直识别中",
        "上午上传的 PDF 一直在识别。",
        "截图.png",
        b"\x89PNG\r\n\x1a\nxx",
    )
    send(port, "stranger@elsewhere.cn", "广告", "推广信息")
    result = import_maildir(maildir)
    assert len(result.created) == 1 and len(result.skipped) == 1
    assert "不是本系统的用户" in result.skipped[0]
    ticket = Ticket.objects.get(number=result.created[0])
    assert ticket.channel == Channel.EMAIL and ticket.requester == requester
    assert ticket.subject == "发票上传后一直识别中"
    assert ticket.body == "上午上传的 PDF 一直在识别。"
    assert ticket.email_message_id == first_id
    assert ticket.assignee == desk["agent_rnd"]  # routed by the "识别" keyword
    assert Attachment.objects.get(ticket=ticket).name == "截图.png"

    # The agent answers in the product; the user answers the notification by email.
    reply(ticket=ticket, author=desk["agent_rnd"], body="请问是哪一张发票？", waiting_for_user=True)
    send(
        port,
        requester.email,
        f"Re: 工单 {ticket.number} 有新回复",
        "是 3 月 5 日的餐费发票。\n\n-----原始邮件-----\n请问是哪一张发票？",
    )
    # A client that drops the subject but keeps In-Reply-To is threaded too.
    send(port, requester.email, "补充", "金额是 380 元。", In_Reply_To=first_id)
    result = import_maildir(maildir)
    assert result.threaded == [ticket.number, ticket.number] and result.created == []
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    bodies = list(ticket.messages.filter(kind=MessageKind.PUBLIC).values_list("body", flat=True))
    assert bodies == ["请问是哪一张发票？", "是 3 月 5 日的餐费发票。", "金额是 380 元。"]

    # Someone of another organisation quoting the number gets their own ticket.
    outsider.email = "boss@other.cn"
    outsider.save()
    send(port, outsider.email, f"关于 {ticket.number}", "我也有这个问题")
    result = import_maildir(maildir)
    assert len(result.created) == 1
    assert Ticket.objects.get(number=result.created[0]).organisation == outsider.organisation
    assert ticket.messages.count() == 3

    # Nothing is imported twice, even if a message is delivered again.
    assert import_maildir(maildir).created == []
    send(port, requester.email, "重复", "x", Message_ID=first_id)  # same id, redelivered
    again = import_maildir(maildir)
    assert again.created == [] and "已导入过" in again.skipped[0]


def test_management_command(
    users: dict[str, User], desk: dict[str, Any], smtp_maildir: tuple[int, Path], capsys: Any
) -> None:
    port, maildir = smtp_maildir
    send(port, users["submitter2"].email, "怎么导出发票", "请问在哪里导出 Excel？")
    call_command("import_support_mail", maildir=str(maildir))
    assert "新工单 1 个" in capsys.readouterr().out
    assert Ticket.objects.get().requester == users["submitter2"]


def test_the_worker_imports_the_configured_maildir(
    users: dict[str, User],
    desk: dict[str, Any],
    smtp_maildir: tuple[int, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_mail_once = jobs.get("feedback.mail")
    port, maildir = smtp_maildir
    send(port, users["submitter2"].email, "发票查不到", "昨天上传的发票查不到。")
    monkeypatch.delenv("FAPIAO_FEEDBACK_MAILDIR", raising=False)
    import_mail_once()  # not configured: the mail waits
    assert not Ticket.objects.exists()
    monkeypatch.setenv("FAPIAO_FEEDBACK_MAILDIR", str(maildir))
    import_mail_once()
    assert Ticket.objects.get().subject == "发票查不到"
    import_mail_once()  # the next round finds nothing new
    assert Ticket.objects.count() == 1
