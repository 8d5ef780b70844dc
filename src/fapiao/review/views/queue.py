"""审核队列: invoices waiting for this reviewer, oldest first; one at a time beside its
original, approve / return with htmx, batch approval, the original file, audit export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fapiao.accounts import permissions
from fapiao.accounts.models import Department, User
from fapiao.errors import FapiaoError, InvalidInvoiceData
from fapiao.invoices.models import Document, DocumentState, Invoice
from fapiao.invoices.presenters import Masker
from fapiao.invoices.scope import visible_invoices
from fapiao.review import selectors
from fapiao.review.audit_export import export_audit
from fapiao.review.batch import approve_many
from fapiao.review.machine import Action
from fapiao.review.rules import blocking_reasons
from fapiao.review.views.panel import apply_posted, load, typed
from fapiao.web.http import (
    download,
    htmx_login_required,
    page_or_fragment,
    parse_date,
    parse_id,
    user_of,
)

SHOWN = 200  # a queue longer than this is worked through, not scrolled
# Uploads whose pages the scan app draws as images (its preview refuses anything else).
PREVIEWABLE = ("image/", "application/pdf")


def _filter(params: QueryDict) -> tuple[selectors.QueueFilter, list[str]]:
    date_from, e1 = parse_date(params.get("date_from"))
    date_to, e2 = parse_date(params.get("date_to"))
    f = selectors.QueueFilter(
        department=parse_id(params.get("department")),
        submitter=parse_id(params.get("submitter")),
        problems_only=params.get("problems") == "1",
        date_from=date_from,
        date_to=date_to,
    )
    return f, [e for e in (e1, e2) if e]


def _queue(user: User, params: QueryDict) -> tuple[list[Invoice], int, list[str], Any]:
    f, errors = _filter(params)
    qs = selectors.filter_queue(selectors.review_queue(user), f).select_related(
        "department", "submitter"
    )
    if f.problems_only:
        # Error findings live in JSON, which SQLite cannot search by content; the
        # candidates (any finding or a duplicate) are few, so they are sifted here.
        rows = [i for i in qs.iterator(chunk_size=500) if blocking_reasons(i)]
        total = len(rows)
    else:
        total = qs.count()
        rows = list(qs[:SHOWN])
    rows = rows[:SHOWN]
    for invoice in rows:
        invoice.blockers = blocking_reasons(invoice)  # type: ignore[attr-defined]
    return rows, total, errors, f


def _original(doc: Document) -> dict[str, Any]:
    """Where to see an upload: the scan app's page image and download, when it has them."""
    try:
        download = reverse("scan-original", args=[doc.pk])
        preview = reverse("scan-preview", args=[doc.pk])
    except NoReverseMatch:  # without the scan pages the pane shows the fields alone
        return {"doc": doc, "download": "", "preview": ""}
    drawable = doc.state == DocumentState.DONE and doc.mime_type.startswith(PREVIEWABLE)
    return {"doc": doc, "download": download, "preview": preview if drawable else ""}


def _pane_context(user: User, invoice: Invoice | None, **extra: Any) -> dict[str, Any]:
    if invoice is None:
        return {"inv": None, **extra}
    masker = Masker(user)
    documents = [_original(d) for d in invoice.documents.order_by("created_at", "id")]
    original = next((d for d in documents if d["preview"]), None)
    return {
        "inv": invoice,
        "buyer_tax_id": masker.buyer_tax_id(invoice.buyer_tax_id),
        "findings": masker.findings(invoice.findings or [], buyer_tax_id=invoice.buyer_tax_id),
        "blockers": blocking_reasons(invoice),
        "documents": documents,
        "original": original,
        **extra,
    }


@htmx_login_required
@require_GET
def queue_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    rows, total, errors, f = _queue(user, request.GET)
    chosen = parse_id(request.GET.get("invoice"))
    current = next((i for i in rows if i.pk == chosen), rows[0] if rows else None)
    context = {
        "nav": "review",
        "rows": rows,
        "total": total,
        "more": total > SHOWN,
        "errors": errors,
        "f": f,
        "departments": _departments(user),
        "can_export": permissions.may_export_audit(user),
        "current_id": current.pk if current else None,
        "today": timezone.localdate(),
        "month_start": timezone.localdate().replace(day=1),
        **_pane_context(user, current),
    }
    return page_or_fragment(
        request, page="review/queue/page.html", fragment="review/queue/_list.html", context=context
    )


def _departments(user: User) -> list[Department]:
    if user.organisation_id is None:
        return []
    qs = Department.objects.filter(organisation_id=user.organisation_id).order_by("name")
    scope = permissions.review_scope(user)
    return list(qs if scope is None else qs.filter(pk__in=scope))


@htmx_login_required
@require_GET
def pane(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = user_of(request)
    selectors.review_queue(user)  # only reviewers open the queue's pane
    return render(request, "review/queue/_pane.html", _pane_context(user, load(user, invoice_id)))


@htmx_login_required
@require_POST
def decide(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Approve or return one invoice; answer with the next one and drop it from the list."""
    user = user_of(request)
    selectors.review_queue(user)  # the queue's reviewers only, as its other pages
    invoice = load(user, invoice_id)
    action = request.POST.get("action", "")
    if action not in (Action.APPROVE, Action.RETURN):
        action = ""
    try:
        apply_posted(request, invoice=invoice, user=user, action=action or "invalid")
    except FapiaoError as exc:
        fresh = load(user, invoice_id)
        gone = fresh.status != invoice.status or exc.status == 409
        context = _pane_context(user, fresh, error=exc.detail, typed=typed(request), gone=gone)
        return render(request, "review/queue/_pane.html", context)
    following = _next_after(user, invoice)
    done = f"发票 {invoice.invoice_number} 已{'审核通过' if action == Action.APPROVE else '退回'}。"
    context = _pane_context(user, following, done=done, removed=[invoice.pk])
    return render(request, "review/queue/_pane.html", context)


def _next_after(user: User, invoice: Invoice) -> Invoice | None:
    queue = selectors.review_queue(user)
    later = queue.filter(created_at__gte=invoice.created_at).exclude(pk=invoice.pk).first()
    return later or queue.first()


@htmx_login_required
@require_POST
def batch(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    selectors.review_queue(user)
    ids = [n for n in (parse_id(v) for v in request.POST.getlist("ids")) if n]
    if not ids:
        return render(
            request,
            "review/queue/_batch.html",
            {"empty": True, "results": [], "approved": 0, "skipped": 0},
        )
    results = approve_many(actor=user, ids=ids[:200], comment=request.POST.get("comment", ""))
    # Numbers only of invoices the reviewer may see: an id of another organisation's (or
    # another department's) invoice stays an id, so ids cannot be turned into numbers.
    numbers = dict(visible_invoices(user).filter(pk__in=ids).values_list("pk", "invoice_number"))
    for r in results:
        r["number"] = numbers.get(r["id"], str(r["id"]))
    approved = [r["id"] for r in results if r["ok"]]
    context = {
        "results": [r for r in results if not r["ok"]],
        "approved": len(approved),
        "skipped": len(results) - len(approved),
        "removed": approved,
    }
    return render(request, "review/queue/_batch.html", context)


@htmx_login_required
@require_GET
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = user_of(request)
    permissions.ensure_may_export_audit(user)
    today = timezone.localdate()
    date_from, e1 = parse_date(request.GET.get("date_from"))
    date_to, e2 = parse_date(request.GET.get("date_to"))
    if e1 or e2:
        raise InvalidInvoiceData([], detail=e1 or e2)
    return download(
        *export_audit(
            user,
            date_from=date_from or today.replace(day=1),
            date_to=date_to or today,
            fmt=fmt,
        )
    )
