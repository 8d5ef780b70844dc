"""Writes of fapiao.notify: create notifications (inbox + outbox) and mark them read.

`notify()` is the one entry point other apps call. It writes in the caller's transaction, so a
status change and its notification commit (or roll back) together; email and SMS are sent by
the worker after the commit, and the sweep picks up whatever a crash left unsent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.notify.models import Channel, Delivery, Event, Notification, NotificationSettings
from fapiao.notify.preferences import MOBILE_RE, normalise_mobile, recipients_for

if TYPE_CHECKING:
    from fapiao.invoices.models import Invoice

log = logging.getLogger(__name__)


def notify(
    *,
    event: str,
    recipients: Iterable[User],
    title: str,
    body: str,
    link: str = "",
    invoice: Invoice | None = None,
    dedupe_key: str = "",
    urgent: bool = False,
) -> int:
    """Notify `recipients` of `event`; returns how many were notified.

    Every recipient gets an inbox entry; email/SMS follow their preferences. With a
    `dedupe_key`, a recipient who already has a notification with that key gets nothing
    (e.g. one budget alert per threshold per period). `urgent` marks a budget alert at
    100%, the only budget alert sent by SMS.
    """
    if event not in Event.values:
        raise ValueError(f"unknown notification event {event!r}")
    unique: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.pk is not None and user.is_active:
            unique.setdefault(user.pk, user)
    if not unique:
        return 0
    title = title[:200]
    dedupe_key = dedupe_key[:200]
    reach = recipients_for(unique.values(), event=event, urgent=urgent)
    notified = 0
    deliveries: list[Delivery] = []
    with transaction.atomic():
        if dedupe_key:
            already = set(
                Notification.objects.filter(
                    recipient__in=list(unique), dedupe_key=dedupe_key
                ).values_list("recipient_id", flat=True)
            )
        else:
            already = set()
        for user in unique.values():
            if user.pk in already:
                continue
            made = _create(
                user=user,
                event=event,
                title=title,
                body=body,
                link=link,
                invoice=invoice,
                dedupe_key=dedupe_key,
            )
            if made is None:
                continue
            notified += 1
            to = reach[user.pk]
            if to.channels.get(Channel.EMAIL) and to.email:
                deliveries.append(
                    Delivery(notification=made, channel=Channel.EMAIL, address=to.email)
                )
            if to.channels.get(Channel.SMS) and to.mobile:
                deliveries.append(
                    Delivery(notification=made, channel=Channel.SMS, address=to.mobile)
                )
        if deliveries:
            Delivery.objects.bulk_create(deliveries)
            ids = [d.pk for d in deliveries if d.pk is not None]
            if len(ids) < len(deliveries):  # backends without RETURNING: look them up
                ids = list(
                    Delivery.objects.filter(
                        notification__in=[d.notification_id for d in deliveries]
                    ).values_list("pk", flat=True)
                )
            transaction.on_commit(lambda: enqueue_deliveries(ids))
    return notified


def _create(*, user: User, dedupe_key: str, **fields: Any) -> Notification | None:
    notification = Notification(
        recipient=user, organisation_id=user.organisation_id, dedupe_key=dedupe_key, **fields
    )
    if not dedupe_key:
        notification.save()
        return notification
    try:
        # A concurrent call with the same key may win the unique constraint: that is fine.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None
    return notification


def enqueue_deliveries(ids: list[int]) -> None:
    """Hand committed deliveries to the worker. A failure here loses nothing: the rows are
    pending in the database and the sweep enqueues them again."""
    from fapiao.notify.tasks import deliver

    for pk in ids:
        try:
            deliver.enqueue(pk)
        except Exception:
            log.exception("could not enqueue delivery %s; the sweep will retry it", pk)


def mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def save_preferences(
    *, user: User, mobile: str | None = None, choices: dict[str, dict[str, bool]] | None = None
) -> NotificationSettings:
    """Store the user's mobile number and channel choices (unknown events are ignored)."""
    from fapiao.notify.errors import InvalidMobile

    own, _ = NotificationSettings.objects.get_or_create(user=user)
    if mobile is not None:
        digits = normalise_mobile(mobile)
        if digits and not MOBILE_RE.match(digits):
            raise InvalidMobile()
        own.mobile = digits
    if choices is not None:
        merged = dict(own.choices)
        for event, per_channel in choices.items():
            if event not in Event.values:
                continue
            kept = {c: bool(v) for c, v in per_channel.items() if c in Channel.values}
            merged[event] = {**(merged.get(event) or {}), **kept}
        own.choices = merged
    own.save()
    return own
