"""Background jobs of fapiao.notify. Each takes ids and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from fapiao.notify import outbox


@task()
def deliver(delivery_id: int) -> str | None:
    """Send one email/SMS of the outbox; a second run finds it claimed or sent and stops."""
    return outbox.deliver(delivery_id)
