"""Verify an invoice at the tax platform: cached answers first, then the platform's own
limit of 5 checks per invoice per day kept locally (a sixth call would only earn a 002 and
count against the invoice), then the provider."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fapiao.accounts.models import Organisation
from fapiao.core.codes import identity_key
from fapiao.core.kinds import is_shudian
from fapiao.invoices.models import Invoice
from fapiao.lookup import conf
from fapiao.lookup.models import VerificationCount, VerificationResult
from fapiao.lookup.provider import (
    DEFINITIVE,
    VerificationOutcome,
    VerificationProvider,
    VerificationRequest,
    default_provider,
)

# Kinds verified with the amount before tax; 普票 use the 校验码's last six digits instead.
_AMOUNT_KINDS = frozenset({"01", "02", "03", "08", "15"})


def request_for(invoice: Invoice) -> VerificationRequest:
    """What the platform asks for this kind of invoice (DOMAIN.md 查验 inputs)."""
    amount: Decimal | None
    if not invoice.invoice_code or is_shudian(invoice.invoice_type):
        amount = invoice.total_amount
    elif invoice.invoice_type in _AMOUNT_KINDS:
        amount = invoice.amount
    else:
        amount = None
    return VerificationRequest(
        invoice_code=invoice.invoice_code,
        invoice_number=invoice.invoice_number,
        issue_date=invoice.issue_date,
        amount="" if amount is None else f"{amount:.2f}",
        check_code_tail=invoice.check_code[-6:] if amount is None else "",
    )


def cached(organisation: Organisation, key: str) -> VerificationResult | None:
    """A stored answer still young enough to reuse."""
    since = timezone.now() - dt.timedelta(hours=conf.cache_hours())
    return VerificationResult.objects.filter(
        organisation=organisation, identity_key=key, checked_at__gte=since
    ).first()


def checks_today(organisation_id: int | None, key: str) -> int:
    if organisation_id is None:
        return 0
    row = VerificationCount.objects.filter(
        organisation_id=organisation_id, identity_key=key, day=timezone.localdate()
    ).first()
    return row.count if row else 0


def _take_check(organisation: Organisation, key: str) -> bool:
    """Count one check against today's limit; False when the limit is reached."""
    day = timezone.localdate()
    limit = conf.daily_limit()
    with transaction.atomic():
        try:
            with transaction.atomic():
                VerificationCount.objects.get_or_create(
                    organisation=organisation, identity_key=key, day=day
                )
        except IntegrityError:
            pass  # created by a concurrent check
        # One conditional UPDATE: two processes cannot both take the fifth check. The row is
        # this organisation's: another one's checks of the same invoice never count here.
        taken = VerificationCount.objects.filter(
            organisation=organisation, identity_key=key, day=day, count__lt=limit
        ).update(count=F("count") + 1)
    return taken == 1


def _tomorrow() -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def verify(
    *,
    organisation: Organisation,
    request: VerificationRequest,
    provider: VerificationProvider | None = None,
    use_cache: bool = True,
) -> VerificationOutcome:
    key = identity_key(request.invoice_code, request.invoice_number)
    if use_cache:
        hit = cached(organisation, key)
        if hit is not None:
            return VerificationOutcome(
                hit.platform_code,
                hit.cause,
                hit.message,
                tax_status=hit.tax_status,
                data=hit.data,
                from_cache=True,
                checked_at=hit.checked_at,
            )
    provider = provider or default_provider()
    if provider is None:
        return VerificationOutcome(
            "disabled", "disabled", "未配置查验服务（FAPIAO_TAX_PLATFORM_URL）"
        )
    if not _take_check(organisation, key):
        return VerificationOutcome(
            "local_limit",
            "rate_limited",
            f"这张发票今天已查验{conf.daily_limit()}次，达到税务平台的每日上限",
            retry_at=_tomorrow(),
        )
    outcome = provider.verify(request)
    if outcome.platform_code in DEFINITIVE:
        VerificationResult.objects.update_or_create(
            organisation=organisation,
            identity_key=key,
            defaults={
                "platform_code": outcome.platform_code,
                "cause": outcome.cause,
                "tax_status": outcome.tax_status,
                "message": outcome.message,
                "data": outcome.data,
                "checked_at": outcome.checked_at or timezone.now(),
            },
        )
    return outcome


def verify_invoice(
    *, invoice: Invoice, provider: VerificationProvider | None = None, use_cache: bool = True
) -> VerificationOutcome:
    return verify(
        organisation=invoice.organisation,
        request=request_for(invoice),
        provider=provider,
        use_cache=use_cache,
    )
