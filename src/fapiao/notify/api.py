"""Notifications REST API (/api/v1/notifications): a user reads and marks only their own
inbox and sets their own channels; anyone else's notification is a 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from fapiao.accounts.models import User
from fapiao.api.common import MAX_ID, caller, id_path, problems
from fapiao.notify import selectors, services
from fapiao.notify.models import Event
from fapiao.notify.preferences import channel_table
from fapiao.notify.schemas import (
    EventPreference,
    NotificationOut,
    NotificationPageOut,
    PreferencesIn,
    PreferencesOut,
    ReadAllOut,
)

router = Router(tags=["通知"])
PROBLEMS = problems(401, 404, 422)
NotificationId = id_path("通知编号（id）")


class InboxQuery(Schema):
    unread: bool = NinjaField(False, description="只看未读")
    cursor: int | None = NinjaField(None, ge=1, le=MAX_ID, description="上一页返回的 next_cursor")
    limit: int = NinjaField(20, ge=1, le=100, description="每页条数（1–100）")


@router.get("", response={200: NotificationPageOut, **PROBLEMS}, summary="我的站内信")
def list_notifications(request: HttpRequest, query: Query[InboxQuery]) -> NotificationPageOut:
    page = selectors.inbox(
        caller(request), unread_only=query.unread, cursor=query.cursor, limit=query.limit
    )
    return NotificationPageOut(
        items=[NotificationOut.of(n) for n in page.items],
        next_cursor=page.next_cursor,
        unread=page.unread,
    )


@router.post("/read-all", response={200: ReadAllOut, **PROBLEMS}, summary="全部标为已读")
def read_all(request: HttpRequest) -> ReadAllOut:
    updated = services.mark_all_read(user=caller(request))
    return ReadAllOut(updated=updated, unread=selectors.unread_count(caller(request)))


def _preferences(user: User) -> PreferencesOut:
    own = selectors.settings_of(user)
    table = channel_table(own)
    return PreferencesOut(
        mobile=(own.mobile if own is not None else "") or "",
        email=user.email or "",
        events=[
            EventPreference(
                inbox=True,
                event=e.value,
                label=e.label,
                email=table[e]["email"],
                sms=table[e]["sms"],
            )
            for e in Event
        ],
    )


@router.get("/preferences", response={200: PreferencesOut, **PROBLEMS}, summary="我的通知设置")
def get_preferences(request: HttpRequest) -> PreferencesOut:
    return _preferences(caller(request))


@router.put(
    "/preferences",
    response={200: PreferencesOut, **PROBLEMS},
    summary="修改通知设置",
    description="站内信总是接收；邮件和短信按事件开关。只提交要改的事件即可。",
)
def put_preferences(request: HttpRequest, body: PreferencesIn) -> PreferencesOut:
    user = caller(request)
    choices = (
        {event: choice.model_dump() for event, choice in body.events.items()}
        if body.events is not None
        else None
    )
    services.save_preferences(user=user, mobile=body.mobile, choices=choices)
    return _preferences(user)


@router.get("/{notification_id}", response={200: NotificationOut, **PROBLEMS}, summary="一条通知")
def get_notification(
    request: HttpRequest, notification_id: int = NotificationId
) -> NotificationOut:
    return NotificationOut.of(selectors.get_own(caller(request), notification_id))


@router.post(
    "/{notification_id}/read", response={200: NotificationOut, **PROBLEMS}, summary="标为已读"
)
def read_one(request: HttpRequest, notification_id: int = NotificationId) -> NotificationOut:
    notification = selectors.get_own(caller(request), notification_id)
    return NotificationOut.of(services.mark_read(notification=notification))
