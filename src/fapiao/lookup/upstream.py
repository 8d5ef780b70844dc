"""Upstream state as the diagnosis needs it: which source an invoice comes from, whether it
could have been synced yet, and what the system and the provider are doing right now."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from fapiao.lookup import conf
from fapiao.lookup.models import MaintenanceWindow, ProviderState, SourceStatus, SyncSource

PROVIDER_NAME = "tax_platform"  # HttpTaxPlatformProvider.name (not imported: a cycle)


# Every diagnosis reads the sources and the provider's state; they change rarely, so each
# process keeps them for a few seconds. Saves through the ORM clear it (apps.py connects
# forget_state to post_save/post_delete) and health.py clears it after its updates.
STATE_SECONDS = 5.0
_state: dict[str, tuple[float, Any]] = {}


def forget_state(*args: Any, **kwargs: Any) -> None:
    _state.clear()


def _cached(name: str, load: Callable[[], Any]) -> Any:
    now = time.monotonic()
    hit = _state.get(name)
    if hit is not None and now - hit[0] < STATE_SECONDS:
        return hit[1]
    value = load()
    _state[name] = (now, value)
    return value


def all_sources() -> list[SyncSource]:
    return list(_cached("sources", lambda: list(SyncSource.objects.all())))


def sources_for(region: str | None) -> list[SyncSource]:
    """The sources responsible for a region (its own, else the catch-all ones with region
    ""), the most recently synced first: if any of them synced after an invoice was issued,
    the invoice is not merely waiting for a sync."""
    rows = [s for s in all_sources() if s.region in {region or "", ""}]
    own = [s for s in rows if region and s.region == region] or [s for s in rows if not s.region]
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(own, key=lambda s: s.last_success_at or epoch, reverse=True)


def source_for(region: str | None) -> SyncSource | None:
    sources = sources_for(region)
    return sources[0] if sources else None


def next_sync_at(source: SyncSource, now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    interval = dt.timedelta(minutes=conf.sync_interval_minutes())
    if source.retry_at and source.retry_at > now:
        return source.retry_at
    expected = (source.last_success_at or now) + interval
    return expected if expected > now else now + interval


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@dataclass(frozen=True)
class SystemState:
    maintenance: MaintenanceWindow | None
    provider: ProviderState | None
    now: dt.datetime

    @property
    def provider_maintenance_until(self) -> dt.datetime | None:
        p = self.provider
        return (
            p.maintenance_until
            if p and p.maintenance_until and p.maintenance_until > self.now
            else None
        )

    @property
    def breaker_open_until(self) -> dt.datetime | None:
        p = self.provider
        return p.open_until if p and p.open_until and p.open_until > self.now else None

    @property
    def rate_limited_until(self) -> dt.datetime | None:
        p = self.provider
        if p and p.rate_limited_until and p.rate_limited_until > self.now:
            return p.rate_limited_until
        return None


def system_state(now: dt.datetime | None = None, organisation_id: int | None = None) -> SystemState:
    """The installation's state, with the maintenance window that holds for this
    organisation (the installation's, or its own)."""
    from fapiao.lookup.maintenance import active_window

    now = now or timezone.now()
    provider = _cached("provider", lambda: ProviderState.objects.filter(name=PROVIDER_NAME).first())
    return SystemState(maintenance=active_window(organisation_id), provider=provider, now=now)


def source_is(source: SyncSource | None, status: str) -> bool:
    return source is not None and source.status == status


__all__ = [
    "SourceStatus", "next_sync_at", "source_for", "source_is", "sources_for", "start_of",
    "system_state",
]  # fmt: skip
