"""Background jobs of fapiao.lookup. Each is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from fapiao.lookup import sync
from fapiao.lookup.models import SyncSource


@task()
def sync_upstream(source_slug: str | None = None) -> dict[str, int]:
    """Sync one source (or all): verify pending invoices and apply status changes.
    Returns {slug: invoices checked}."""
    sources = SyncSource.objects.all()
    if source_slug:
        sources = sources.filter(slug=source_slug)
    return {s.slug: sync.sync_source(source=s).checked for s in sources}
