"""Online chat 在线客服: agents' duty status, conversations and their messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fapiao.accounts.models import Organisation
from fapiao.feedback.models.tickets import Ticket


class AgentPresence(models.Model):
    """An agent is on duty while they said so and their desk page is open (it polls)."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_presence",
        verbose_name="客服",
    )
    on_duty = models.BooleanField("值班中", default=False)
    last_seen_at = models.DateTimeField("最近在线", null=True, blank=True)

    class Meta:
        verbose_name = "客服值班状态"
        verbose_name_plural = "客服值班状态"

    def __str__(self) -> str:
        return f"{self.agent}（{'值班' if self.on_duty else '离开'}）"


class ChatStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"


class ChatSession(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="chats", verbose_name="组织"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chats",
        verbose_name="用户",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agent_chats",
        verbose_name="客服",
    )
    status = models.CharField(
        "状态", max_length=8, choices=ChatStatus.choices, default=ChatStatus.ACTIVE
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="转成的工单"
    )
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "在线客服会话"
        verbose_name_plural = "在线客服会话"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"会话 {self.pk}（{self.user}）"


class ChatMessage(models.Model):
    session = models.ForeignKey(
        ChatSession, on_delete=models.CASCADE, related_name="messages", verbose_name="会话"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name="发送人"
    )
    body = models.TextField("内容")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "会话消息"
        verbose_name_plural = "会话消息"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.body[:30]
