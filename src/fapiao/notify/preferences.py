"""Which channels each user wants per event: defaults plus the user's own changes.

The inbox (站内信) always receives every notification; email and SMS are chosen per event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from fapiao.accounts.models import User
from fapiao.notify.models import Channel, Event, NotificationSettings

# Email for what a person must act on or wants to know about their money; SMS only where
# waiting costs something (a returned invoice, a budget used up).
DEFAULT_EMAIL = frozenset(
    {
        Event.INVOICE_RETURNED,
        Event.INVOICE_APPROVED,
        Event.INVOICE_REIMBURSED,
        Event.READING_FAILED,
        Event.BUDGET_ALERT,
        Event.TICKET_REPLY,
        Event.TICKET_ASSIGNED,
        Event.TICKET_RESOLVED,
        Event.SLA_WARNING,
    }
)
DEFAULT_SMS = frozenset({Event.INVOICE_RETURNED, Event.BUDGET_ALERT})
# SMS for these events only when the caller marks the notification urgent (budget: 100%).
SMS_ONLY_WHEN_URGENT = frozenset({Event.BUDGET_ALERT})

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def default_on(event: str, channel: str) -> bool:
    if channel == Channel.EMAIL:
        return event in DEFAULT_EMAIL
    return event in DEFAULT_SMS


@dataclass(frozen=True)
class Recipient:
    """Where one user is reached, and by which channels, for one event."""

    email: str
    mobile: str
    channels: dict[str, bool]


def normalise_mobile(value: str) -> str:
    """Digits of a mainland mobile number (spaces, dashes and +86 dropped)."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def mask_mobile(value: str) -> str:
    """138****5678: enough to tell numbers apart in a log, not to dial."""
    digits = normalise_mobile(value)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def _chosen(stored: dict[str, object], event: str, channel: str) -> bool:
    per_event = stored.get(event)
    if isinstance(per_event, dict) and isinstance(per_event.get(channel), bool):
        return bool(per_event[channel])
    return default_on(event, channel)


def channel_table(settings: NotificationSettings | None) -> dict[str, dict[str, bool]]:
    """Every event with its email/SMS choice, for the preferences form and API."""
    stored = settings.choices if settings is not None else {}
    return {
        event.value: {channel.value: _chosen(stored, event, channel) for channel in Channel}
        for event in Event
    }


def recipients_for(users: Iterable[User], *, event: str, urgent: bool) -> dict[int, Recipient]:
    """Addresses and channel choices of `users` for `event`, in one query."""
    users = list(users)
    stored = {
        s.user_id: s for s in NotificationSettings.objects.filter(user__in=[u.pk for u in users])
    }
    found: dict[int, Recipient] = {}
    for user in users:
        own = stored.get(user.pk)
        choices = own.choices if own is not None else {}
        channels = {channel.value: _chosen(choices, event, channel) for channel in Channel}
        if event in SMS_ONLY_WHEN_URGENT and not urgent:
            channels[Channel.SMS] = False
        mobile = normalise_mobile((own.mobile if own is not None else "") or user.phone)
        found[user.pk] = Recipient(
            email=user.email or "",
            mobile=mobile if MOBILE_RE.match(mobile) else "",
            channels=channels,
        )
    return found
