"""Why a lookup found nothing: `diagnose_failed_lookup` looks the invoice up in the user's
scope and, when it is missing or excluded, ranks the likely causes with their evidence.

Only the user's scope is searched for near matches; the organisation (never another one) is
asked a single yes/no question, for no_permission. Upstream and provider state come from the
database, so a diagnosis never waits on the tax platform unless asked to verify live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.core.codes import decode, identity_key
from fapiao.core.lookup_forgery import qr_disagreements, structural_signals
from fapiao.core.lookup_text import format_problems, normalise_digits
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.invoices.scope import visible_invoices
from fapiao.invoices.selectors import InvoiceFilter, apply_filter
from fapiao.lookup import causes, conf
from fapiao.lookup.causes import Cause
from fapiao.lookup.models import SourceStatus, SyncSource, VerificationResult
from fapiao.lookup.near import near_matches
from fapiao.lookup.upstream import next_sync_at, sources_for, start_of, system_state
from fapiao.lookup.verification import checks_today

# A 查无此票 this many days after issue is past any sync delay.
SYNC_GRACE_DAYS = 2
UNUSABLE_TAX = frozenset({TaxStatus.VOIDED, TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL})


@dataclass(frozen=True)
class LookupQuery:
    invoice_number: str = ""
    invoice_code: str = ""
    issue_date: dt.date | None = None
    amount: Decimal | None = None  # 价税合计
    qr_text: str = ""


@dataclass
class Diagnosis:
    found: bool
    invoice: Invoice | None = None
    causes: list[Cause] = field(default_factory=list)
    invoice_code: str = ""  # as looked up, after normalising
    invoice_number: str = ""

    def ranked(self) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self.causes]


def _excluding_filters(invoice: Invoice, filters: InvoiceFilter) -> list[str]:
    """Each filter that on its own leaves this invoice out."""
    names = []
    one = Invoice.objects.filter(pk=invoice.pk)
    for f in fields(InvoiceFilter):
        if f.name in ("invoice_number", "invoice_code"):
            continue
        value = getattr(filters, f.name)
        if value in (None, "", []):
            continue
        single = replace(InvoiceFilter(), **{f.name: value})
        if not apply_filter(one, single).exists():
            names.append(f.name)
    return names


def _red_invoice(user: User, invoice: Invoice) -> Invoice | None:
    reds = visible_invoices(user).filter(is_red=True)
    red = reds.filter(original_invoice_id=invoice.pk).order_by("id").first()
    if red is None and invoice.invoice_number:
        red = (
            reds.filter(original_invoice_number=invoice.invoice_number)
            .filter(original_invoice_code=invoice.invoice_code)
            .order_by("id")
            .first()
        )
    return red


def _found(user: User, invoice: Invoice, filters: InvoiceFilter | None) -> list[Cause]:
    out = []
    if filters is not None and not filters.is_empty():
        names = _excluding_filters(invoice, filters)
        if names:
            out.append(causes.filters_excluded(invoice, names))
    if invoice.tax_status in UNUSABLE_TAX or invoice.status == ReviewStatus.REIMBURSED:
        out.append(causes.status_excluded(invoice, _red_invoice(user, invoice)))
    return out


def diagnose_failed_lookup(
    *, user: User, query: LookupQuery, filters: InvoiceFilter | None = None
) -> Diagnosis:
    now = timezone.now()
    today = timezone.localdate(now)
    code_n = normalise_digits(query.invoice_code)
    number_n = normalise_digits(query.invoice_number)
    code, number = code_n.value, number_n.value
    result = Diagnosis(found=False, invoice_code=code, invoice_number=number)
    found: list[Cause] = result.causes
    scope = visible_invoices(user)

    problems = format_problems(code_n, number_n, today=today)
    well_formed = not problems
    if problems:
        found.append(causes.format_error(problems, code_n, number_n))
    elif code_n.fixes or number_n.fixes:
        found.append(causes.ocr_fixed(code_n, number_n))

    in_org = False
    if well_formed:
        # Identity is unique per organisation: at most one row, no ORDER BY needed.
        rows = list(scope.filter(invoice_number=number, invoice_code=code)[:1])
        invoice = rows[0] if rows else None
        if invoice is not None:
            excluded = _found(user, invoice, filters)
            result.invoice = invoice
            if not excluded:
                result.found = True
                result.causes = []
                return result
            found.extend(excluded)
            return _ranked(result)
        # For a user who sees the whole organisation the scope already answered.
        in_org = (
            not permissions.sees_all_invoices_of_organisation(user)
            and user.organisation_id is not None
            and (
                Invoice.objects.filter(organisation_id=user.organisation_id, invoice_number=number)
                .filter(invoice_code=code)
                .exists()
            )
        )
        if in_org:
            found.append(causes.no_permission())

    matches = near_matches(
        scope,
        organisation_id=user.organisation_id,
        code=code,
        number=number,
        issue_date=query.issue_date,
        amount=query.amount,
    )
    if matches:
        found.append(causes.near_match(matches))
    if not well_formed:
        return _ranked(result)

    info = decode(code, number, today=today)
    region = info.region if info else None
    if info is not None and not info.is_beijing and region:
        found.append(causes.not_beijing(region, "invoice_code" if code else "invoice_number"))
    sources = sources_for(region)
    source = sources[0] if sources else None
    key = identity_key(code, number)
    verified = None
    if user.organisation_id is not None:
        verified = VerificationResult.objects.filter(
            organisation_id=user.organisation_id, identity_key=key
        ).first()
    issue_date = query.issue_date
    _sync_causes(found, issue_date, source, verified, today=today, now=now)

    signals = structural_signals(code, number, issue_date=issue_date, today=today)
    if query.qr_text:
        amount = None if query.amount is None else str(query.amount)
        signals += qr_disagreements(
            query.qr_text, code=code, number=number, issue_date=issue_date, amount=amount
        )
    platform = None
    if (
        verified is not None
        and verified.platform_code == "009"
        and issue_date is not None
        and (timezone.localdate(verified.checked_at) - issue_date).days > SYNC_GRACE_DAYS
    ):
        platform = {"code": "009", "checked_at": causes.when(verified.checked_at)}
    if signals or platform:
        found.append(causes.suspected_forgery(signals, platform=platform))

    _system_causes(found, sources, user.organisation_id, key, now=now)
    if not in_org:
        confidence = 0.3 if matches or any(c.confidence >= 0.7 for c in found) else 0.6
        found.append(causes.not_uploaded(confidence, has_near=bool(matches)))
    return _ranked(result)


def _sync_causes(
    found: list[Cause],
    issue_date: dt.date | None,
    source: SyncSource | None,
    verified: VerificationResult | None,
    *,
    today: dt.date,
    now: dt.datetime,
) -> None:
    if issue_date is None:
        return
    if issue_date >= today - dt.timedelta(days=1):
        retry = max(start_of(issue_date + dt.timedelta(days=1)), now)
        if retry <= now and source is not None:
            retry = next_sync_at(source, now)
        cause = causes.not_synced_yet(issue_date, source, retry, fresh=True)
        if verified is not None and verified.platform_code in ("009", "rqerr"):
            # The platform's 查无此票 for a fresh invoice is the sync delay itself (DOMAIN.md).
            cause.confidence = 0.85
            cause.evidence["platform"] = {"code": verified.platform_code}
        found.append(cause)
        return
    if source is None:
        return
    last = source.last_success_at
    if last is None or issue_date >= timezone.localdate(last):
        found.append(
            causes.not_synced_yet(issue_date, source, next_sync_at(source, now), fresh=False)
        )


def _system_causes(
    found: list[Cause],
    sources: list[SyncSource],
    organisation_id: int | None,
    key: str,
    *,
    now: dt.datetime,
) -> None:
    state = system_state(now, organisation_id)
    if state.maintenance is not None:
        found.append(causes.maintenance(state.maintenance.ends_at, "发票管家系统"))
    for source in sources:
        if source.status == SourceStatus.MAINTENANCE:
            found.append(causes.maintenance(source.retry_at, source.name))
        elif source.status == SourceStatus.DOWN:
            found.append(causes.upstream_unavailable(next_sync_at(source, now), source.name))
    if state.provider_maintenance_until:
        found.append(causes.maintenance(state.provider_maintenance_until, "税务平台查验服务"))
    if state.breaker_open_until:
        found.append(causes.upstream_unavailable(state.breaker_open_until, "税务平台查验服务"))
    if state.rate_limited_until:
        found.append(causes.rate_limited(state.rate_limited_until, "税务平台限制了查验频率"))
    if checks_today(organisation_id, key) >= conf.daily_limit():
        tomorrow = start_of(timezone.localdate(now) + dt.timedelta(days=1))
        found.append(
            causes.rate_limited(tomorrow, f"这张发票今天已查验{conf.daily_limit()}次（每日上限）")
        )


def _ranked(result: Diagnosis) -> Diagnosis:
    result.causes.sort(key=lambda c: -c.confidence)
    return result
