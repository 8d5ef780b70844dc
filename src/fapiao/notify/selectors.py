"""Reads of fapiao.notify. A user only ever reads their own notifications."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from fapiao.accounts.models import User
from fapiao.notify.errors import NotificationNotFound
from fapiao.notify.models import Notification, NotificationSettings

MAX_ID = 2**63 - 1


def own_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    """One COUNT on the partial unread index: cheap enough for every page's badge."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class InboxPage:
    items: list[Notification]
    next_cursor: int | None
    unread: int


def inbox(
    user: User, *, unread_only: bool = False, cursor: int | None = None, limit: int = 20
) -> InboxPage:
    """Newest first; `cursor` is the id of the last item of the previous page."""
    qs = own_notifications(user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if cursor is not None:
        qs = qs.filter(pk__lt=cursor)
    rows = list(qs.order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return InboxPage(
        items=rows,
        next_cursor=rows[-1].pk if more and rows else None,
        unread=unread_count(user),
    )


def get_own(user: User, notification_id: int) -> Notification:
    """The user's notification, or 404 - also for another user's or organisation's."""
    if not 1 <= notification_id <= MAX_ID:
        raise NotificationNotFound()
    found = own_notifications(user).filter(pk=notification_id).first()
    if found is None:
        raise NotificationNotFound()
    return found


def settings_of(user: User) -> NotificationSettings | None:
    return NotificationSettings.objects.filter(user=user).first()
