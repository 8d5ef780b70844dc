"""Online chat without a browser: routing to an on-duty agent, a ticket when nobody is on
duty or the agent's page went silent, and who may read a conversation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fapiao.accounts.models import User
from fapiao.feedback.models import AgentPresence, Channel, ChatSession, Ticket

pytestmark = pytest.mark.django_db


def test_no_agent_on_duty_turns_the_message_into_a_ticket(
    users: dict[str, User], desk: dict[str, Any], client_as: Callable[[User], Client]
) -> None:
    me = client_as(users["submitter"])
    assert "现在没有客服在线" in me.get("/chat/").content.decode()
    r = me.post("/chat/", {"body": "怎么修改发票抬头？"})
    ticket = Ticket.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/feedback/{ticket.pk}/"
    assert ticket.channel == Channel.CHAT and ticket.body == "怎么修改发票抬头？"
    assert not ChatSession.objects.exists()


def test_chat_with_the_on_duty_agent(
    users: dict[str, User],
    outsider: User,
    desk: dict[str, Any],
    client_as: Callable[[User], Client],
) -> None:
    agent = client_as(desk["agent_rnd"])
    agent.post("/desk/chat/", {"on_duty": "1"})
    me = client_as(users["submitter"])
    assert "客服在线" in me.get("/chat/").content.decode()
    me.post("/chat/", {"body": "你好，发票上传失败"})
    session = ChatSession.objects.get()
    assert session.agent == desk["agent_rnd"]
    assert (
        str(users["submitter"]) in agent.get("/desk/chat/", HTTP_HX_REQUEST="true").content.decode()
    )
    log = agent.get(f"/chat/{session.pk}/messages/").content.decode()
    assert "你好，发票上传失败" in log
    agent.post(f"/chat/{session.pk}/send/", {"body": "请把文件发我看看"})
    assert "请把文件发我看看" in me.get(f"/chat/{session.pk}/messages/").content.decode()
    # Nobody else reads it.
    for other in (users["submitter2"], outsider):
        assert client_as(other).get(f"/chat/{session.pk}/messages/").status_code == 404
    me.post(f"/chat/{session.pk}/close/")
    assert "会话已结束" in agent.get(f"/chat/{session.pk}/messages/").content.decode()
    r = agent.post(f"/chat/{session.pk}/send/", {"body": "还在吗"})
    assert "会话已结束：如需继续咨询" in r.content.decode()


def test_agent_whose_page_went_silent_is_off_duty(
    users: dict[str, User], desk: dict[str, Any], client_as: Callable[[User], Client]
) -> None:
    client_as(desk["agent_rnd"]).post("/desk/chat/", {"on_duty": "1"})
    AgentPresence.objects.update(last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    client_as(users["submitter"]).post("/chat/", {"body": "有人吗"})
    assert Ticket.objects.filter(channel=Channel.CHAT).count() == 1
    assert client_as(users["submitter"]).get("/desk/chat/").status_code == 403
