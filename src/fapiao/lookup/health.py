"""The verification provider's health in the database: circuit breaker, rate limiting and
maintenance as the platform reported them. Web processes and workers share it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fapiao.lookup.models import ProviderState
from fapiao.lookup.upstream import forget_state


def state(name: str) -> ProviderState:
    obj, _ = ProviderState.objects.get_or_create(name=name)
    return obj


def breaker_open_until(name: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the breaker closes again; None when calls may go through (closed or half-open:
    after the open period one trial call is let through and decides)."""
    now = now or timezone.now()
    s = ProviderState.objects.filter(name=name).first()
    if s is None or s.open_until is None or s.open_until <= now:
        return None
    return s.open_until


def record_success(name: str) -> None:
    ProviderState.objects.update_or_create(
        name=name,
        defaults={
            "consecutive_failures": 0,
            "open_until": None,
            "maintenance_until": None,
            "last_error": "",
            "last_success_at": timezone.now(),
        },
    )
    forget_state()


def record_failure(name: str, error: str, *, threshold: int, open_seconds: int) -> bool:
    """Count one failed call; opens the breaker at `threshold` consecutive failures (or again
    at once after a failed half-open trial). Returns whether the breaker is now open."""
    with transaction.atomic():
        state(name)
        ProviderState.objects.filter(name=name).update(
            consecutive_failures=F("consecutive_failures") + 1, last_error=error[:200]
        )
        s = ProviderState.objects.select_for_update().get(name=name)
        if s.consecutive_failures >= threshold:
            s.open_until = timezone.now() + dt.timedelta(seconds=open_seconds)
            s.save(update_fields=["open_until", "updated_at"])
    forget_state()
    return s.consecutive_failures >= threshold


def mark_rate_limited(name: str, until: dt.datetime, error: str) -> None:
    state(name)
    ProviderState.objects.filter(name=name).update(
        rate_limited_until=until, last_error=error[:200], updated_at=timezone.now()
    )
    forget_state()


def mark_maintenance(name: str, until: dt.datetime, error: str) -> None:
    state(name)
    ProviderState.objects.filter(name=name).update(
        maintenance_until=until, last_error=error[:200], updated_at=timezone.now()
    )
    forget_state()
