"""Request and response shapes of the notifications API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from fapiao.notify.models import Event, Notification


class NotificationOut(Schema):
    id: int
    event: str = Field(..., description="事件：" + "、".join(Event.values))
    event_label: str
    title: str
    body: str
    link: str
    invoice_id: int | None
    read: bool
    read_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def of(n: Notification) -> NotificationOut:
        return NotificationOut(
            id=n.pk,
            event=n.event,
            event_label=Event(n.event).label if n.event in Event.values else n.event,
            title=n.title,
            body=n.body,
            link=n.link,
            invoice_id=n.invoice_id,
            read=n.read_at is not None,
            read_at=n.read_at,
            created_at=n.created_at,
        )


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next_cursor: int | None = Field(None, description="下一页的 cursor；为空表示已是最后一页")
    unread: int = Field(..., description="未读通知数（不受筛选影响）")


class ReadAllOut(Schema):
    updated: int = Field(..., description="本次标为已读的通知数")
    unread: int


class ChannelChoice(Schema):
    email: bool
    sms: bool


class EventPreference(Schema):
    event: str
    label: str
    inbox: bool = Field(True, description="站内信总是接收")
    email: bool
    sms: bool


class PreferencesOut(Schema):
    mobile: str = Field(..., description="接收短信的手机号；为空则不发短信")
    email: str = Field(..., description="接收邮件的地址（账号邮箱）")
    events: list[EventPreference]


class PreferencesIn(Schema):
    mobile: str | None = Field(
        None, max_length=20, description="11 位手机号；空字符串表示不接收短信"
    )
    events: dict[str, ChannelChoice] | None = Field(
        None, description='按事件设置，如 {"invoice_returned": {"email": true, "sms": false}}'
    )
