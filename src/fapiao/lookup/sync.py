"""Upstream sync of one source: verify the invoices of its region that have no recent answer,
apply status changes (作废, 红冲) to them and tell their owners, and record the outcome on
the source (last successful sync, maintenance, unavailable) for the diagnosis to read."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone

from fapiao.invoices import services
from fapiao.invoices.models import Invoice, TaxStatus
from fapiao.lookup import conf
from fapiao.lookup.models import SourceStatus, SyncSource, VerificationResult
from fapiao.lookup.provider import VerificationProvider, default_provider
from fapiao.lookup.verification import verify_invoice

log = logging.getLogger(__name__)
REASON = "税务平台查验"
STOPPING = {"maintenance": SourceStatus.MAINTENANCE, "upstream_unavailable": SourceStatus.DOWN}


@dataclass
class SyncReport:
    checked: int = 0
    changed: int = 0
    status: str = SourceStatus.OK
    message: str = ""


def _pending(source: SyncSource, batch: int) -> list[Invoice]:
    today = timezone.localdate()
    qs = Invoice.objects.filter(tax_status=TaxStatus.NORMAL, issue_date__lt=today, is_red=False)
    if source.region:
        qs = qs.filter(region=source.region)
    else:
        others = SyncSource.objects.exclude(region="").values_list("region", flat=True)
        qs = qs.exclude(region__in=list(others))
    fresh_since = timezone.now() - dt.timedelta(hours=conf.cache_hours())
    candidates = list(qs.select_related("submitter").order_by("-issue_date", "-id")[: batch * 4])
    recent = set(
        VerificationResult.objects.filter(
            checked_at__gte=fresh_since, identity_key__in={i.identity_key for i in candidates}
        ).values_list("organisation_id", "identity_key")
    )
    return [i for i in candidates if (i.organisation_id, i.identity_key) not in recent][:batch]


def apply_tax_status(invoice: Invoice, tax_status: str) -> bool:
    """Write a status the platform reported (nothing when it reported none), as every status
    change is written (services.set_tax_status: findings, correction record, and the
    review and notify apps told); whether it changed."""
    if not tax_status:
        return False
    return services.set_tax_status(invoice=invoice, status=tax_status, source=REASON, reason=REASON)


def sync_source(
    *, source: SyncSource, provider: VerificationProvider | None = None, batch: int = 50
) -> SyncReport:
    report = SyncReport()
    now = timezone.now()
    source.last_attempt_at = now
    provider = provider or default_provider()
    if provider is None:
        source.message = "未配置查验服务（FAPIAO_TAX_PLATFORM_URL），无法同步"
        source.save(update_fields=["last_attempt_at", "message"])
        report.message = source.message
        return report
    for invoice in _pending(source, batch):
        outcome = verify_invoice(invoice=invoice, provider=provider)
        if outcome.cause in STOPPING:
            report.status = STOPPING[outcome.cause]
            report.message = outcome.message
            source.status, source.message, source.retry_at = (
                report.status,
                outcome.message,
                outcome.retry_at,
            )
            source.save(update_fields=["status", "message", "retry_at", "last_attempt_at"])
            log.warning("sync of %s stopped: %s", source.slug, outcome.message)
            return report
        if outcome.platform_code in ("003", "004"):
            break  # the platform asks us to slow down: the rest waits for the next run
        report.checked += 1
        if outcome.cause == "ok":
            report.changed += apply_tax_status(invoice, outcome.tax_status)
    source.status, source.message, source.retry_at = SourceStatus.OK, "", None
    source.last_success_at = now
    source.save()
    log.info("sync of %s: %d checked, %d changed", source.slug, report.checked, report.changed)
    return report
