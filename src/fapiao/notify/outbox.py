"""The outbox: claim a delivery, send it, retry with backoff, and sweep up what was missed.

Each delivery is claimed by one atomic UPDATE (pending -> sending, with a lease), so two
workers given the same id never both send it. A worker killed mid-send leaves the row
`sending`; when its lease ends the sweep puts it back to `pending` and enqueues it again, and
the gateway sees the same idempotency key on the repeat.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import F, Q
from django.utils import timezone

from fapiao.notify import conf
from fapiao.notify.channels import DeliveryError, PermanentDeliveryError
from fapiao.notify.models import Channel, Delivery, DeliveryStatus

log = logging.getLogger(__name__)

# Longer than any send takes (SMTP and SMS time out well before it).
LEASE = dt.timedelta(minutes=5)
# A pending delivery the sweep enqueued is not enqueued again before this.
REQUEUE_AFTER = dt.timedelta(minutes=5)
SWEEP_BATCH = 1000


def claim(delivery_id: int) -> Delivery | None:
    """Take the delivery for this worker, or None when it is done or someone else has it."""
    now = timezone.now()
    open_ = Q(status=DeliveryStatus.PENDING) | Q(
        status=DeliveryStatus.SENDING, next_attempt_at__lte=now
    )
    taken = Delivery.objects.filter(open_, pk=delivery_id).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE
    )
    if not taken:
        return None
    return Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        from fapiao.notify.channels.email import send_email

        send_email(delivery)
    elif delivery.channel == Channel.SMS:
        from fapiao.notify.channels.sms import send_sms

        send_sms(delivery)
    else:
        raise PermanentDeliveryError(f"unknown channel {delivery.channel}")


def deliver(delivery_id: int) -> str | None:
    """Send one delivery if it is still open; returns its new status (None: nothing to do)."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    try:
        _send(delivery)
    except Exception as exc:
        return _failed(delivery, exc)
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    log.info(
        "delivery %s (%s) sent on attempt %s", delivery.pk, delivery.channel, delivery.attempts
    )
    return DeliveryStatus.SENT


def _failed(delivery: Delivery, exc: Exception) -> str:
    # The error text may hold an address: keep it short and never log the address itself.
    error = f"{type(exc).__name__}: {exc}"[:500]
    final = isinstance(exc, PermanentDeliveryError) or delivery.attempts >= conf.max_attempts()
    if not isinstance(exc, DeliveryError):
        log.exception("delivery %s crashed", delivery.pk)
    if final:
        status = DeliveryStatus.FAILED
        next_at = timezone.now()
        log.error(
            "delivery %s (%s) failed for good after %s attempt(s): %s",
            delivery.pk,
            delivery.channel,
            delivery.attempts,
            error,
        )
    else:
        status = DeliveryStatus.PENDING
        next_at = timezone.now() + conf.retry_delay(delivery.attempts)
        log.warning(
            "delivery %s (%s) attempt %s failed, retry at %s: %s",
            delivery.pk,
            delivery.channel,
            delivery.attempts,
            next_at.isoformat(timespec="seconds"),
            error,
        )
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, next_attempt_at=next_at, last_error=error
    )
    return status


def _waiting_in_queue() -> set[int]:
    """Deliveries whose task already waits in the database queue: not enqueued again, so a
    backlog does not grow with every sweep. Other backends run or lose tasks at once."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from fapiao.notify.tasks import deliver

    if not isinstance(deliver.get_backend(), DatabaseBackend):
        return set()
    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=deliver.module_path
    ).values_list("args_kwargs", flat=True)
    return {a["args"][0] for a in waiting if a.get("args")}


def due_deliveries(now: dt.datetime | None = None) -> list[int]:
    """Re-open deliveries whose worker died, and take the due pending ones that are not
    waiting in the queue already (lost in a crash, or retries whose backoff is over)."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, next_attempt_at__lte=now).update(
        status=DeliveryStatus.PENDING
    )
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    waiting = _waiting_in_queue() if due.exists() else set()
    ids = [
        pk
        for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[
            : SWEEP_BATCH + len(waiting)
        ]
        if pk not in waiting
    ][:SWEEP_BATCH]
    if ids:
        # Not enqueued again by the next sweep while these wait in the queue.
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            next_attempt_at=now + REQUEUE_AFTER
        )
    return ids


def sweep(now: dt.datetime | None = None) -> int:
    """Enqueue every due delivery; returns how many. Run at worker start and periodically."""
    from fapiao.notify.services import enqueue_deliveries

    ids = due_deliveries(now)
    if ids:
        log.info("sweep: %s due delivery(ies) enqueued", len(ids))
        enqueue_deliveries(ids)
    return len(ids)
