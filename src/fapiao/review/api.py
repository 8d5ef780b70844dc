"""REST endpoints of fapiao.review, mounted by fapiao.api.v1 under /api/v1/invoices:
transitions, the history of one invoice, batch approval and the audit export."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from fapiao.accounts import permissions
from fapiao.api.common import DbId, caller, download, id_path, problems
from fapiao.errors import InvoiceNotFound
from fapiao.invoices import selectors
from fapiao.invoices.scope import visible_invoices
from fapiao.review import services
from fapiao.review.audit_export import export_audit
from fapiao.review.batch import approve_many
from fapiao.review.history import invoice_history
from fapiao.review.machine import Action, actions_from, status_label
from fapiao.review.rules import possible_actions

router = Router(tags=["审核"])

InvoiceId = id_path("发票编号（id）")
PROBLEMS = problems(401, 403, 404, 409, 422)


class TransitionIn(Schema):
    action: Action = Field(
        ..., description="submit、approve、return、resubmit、withdraw、reimburse"
    )
    comment: str = Field("", max_length=2000, description="意见；退回时必填，为退回原因")
    override_reason: str = Field(
        "", max_length=2000, description="放行理由：有错误级别检查结果或重复提交时审核通过必填"
    )


class TransitionOut(Schema):
    id: int
    action: str
    from_status: str
    to_status: str
    comment: str
    override_reason: str
    actor: str | None
    created_at: dt.datetime


class InvoiceStateOut(Schema):
    id: int
    status: str
    status_label: str
    updated_at: dt.datetime
    allowed_actions: list[str] = Field(..., description="当前状态下可做的操作")
    transition: TransitionOut


class HistoryEntryOut(Schema):
    kind: str = Field(
        ..., description="transition（审核）、correction（更正）、tax_status（发票状态）"
    )
    kind_label: str
    created_at: dt.datetime
    actor: str | None
    action: str
    action_label: str
    field: str
    field_label: str
    before: str = Field(..., description="变更前（给人看的文字，如“待审核”）")
    after: str
    before_value: str = Field(..., description="变更前的原始值（如 pending_review）")
    after_value: str
    comment: str
    override_reason: str
    flagged: bool


class BatchIn(Schema):
    ids: list[DbId] = Field(..., min_length=1, max_length=200)
    comment: str = Field("", max_length=2000)


class BatchItemOut(Schema):
    id: int
    ok: bool
    status: str | None = None
    code: str | None = None
    detail: str | None = None


class BatchOut(Schema):
    approved: int
    skipped: int
    results: list[BatchItemOut]


@router.post(
    "/{invoice_id}/transitions",
    response={200: InvoiceStateOut, **PROBLEMS},
    summary="审核流转（提交、通过、退回、重新提交、撤回、报销）",
    description="一次流转一步。两人同时操作时只有一人成功，另一人得到 409 "
    "`transition_not_allowed`。错误码：`transition_not_allowed`、`permission_denied`、"
    "`reason_required`（退回须写原因）、`override_required`（有错误或重复提交须写放行理由）、"
    "`invoice_not_found`。",
)
def transition(
    request: HttpRequest, payload: TransitionIn, invoice_id: int = InvoiceId
) -> dict[str, Any]:
    user = caller(request)
    invoice = selectors.get_invoice(user, invoice_id)
    record = services.apply_transition(
        invoice=invoice,
        actor=user,
        action=payload.action.value,
        comment=payload.comment,
        override_reason=payload.override_reason,
    )
    return {
        "id": invoice.pk,
        "status": invoice.status,
        "status_label": status_label(invoice.status),
        "updated_at": invoice.updated_at,
        "allowed_actions": [a.value for a in actions_from(invoice.status)],
        "transition": {
            "id": record.pk,
            "action": record.action,
            "from_status": record.from_status,
            "to_status": record.to_status,
            "comment": record.comment,
            "override_reason": record.override_reason,
            "actor": record.actor_name or None,
            "created_at": record.created_at,
        },
    }


class StatusOut(Schema):
    id: int
    status: str
    status_label: str
    tax_status: str
    updated_at: dt.datetime
    allowed_actions: list[str] = Field(..., description="您在当前状态下可做的操作")


@router.get(
    "/{invoice_id}/status",
    response={200: StatusOut, 304: None, **PROBLEMS},
    summary="当前状态（适合轮询）",
    description="响应带 ETag；轮询时带上 `If-None-Match`，状态未变时返回 304（无响应体），"
    "一次主键查询即可回答。",
)
def invoice_status(
    request: HttpRequest, response: HttpResponse, invoice_id: int = InvoiceId
) -> Any:
    user = caller(request)
    invoice = visible_invoices(user).filter(pk=invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound()
    etag = f'"{invoice.updated_at.timestamp():.6f}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers={"ETag": etag})
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return {
        "id": invoice.pk,
        "status": invoice.status,
        "status_label": status_label(invoice.status),
        "tax_status": invoice.tax_status,
        "updated_at": invoice.updated_at,
        "allowed_actions": [a["action"] for a in possible_actions(user, invoice)],
    }


@router.get(
    "/{invoice_id}/history",
    response={200: list[HistoryEntryOut], **PROBLEMS},
    summary="审计记录（审核流转、字段更正、发票状态变化）",
    description="按时间先后合并的全部记录，只增不改。",
)
def history(request: HttpRequest, invoice_id: int = InvoiceId) -> list[dict[str, Any]]:
    user = caller(request)
    invoice = selectors.get_invoice(user, invoice_id)
    return [e.as_dict() for e in invoice_history(invoice, user)]


@router.post(
    "/transitions/batch-approve",
    response={200: BatchOut, **PROBLEMS},
    summary="批量审核通过",
    description="逐张审核通过；需要放行理由、无权审核或状态已变的发票跳过，并说明原因。",
)
def batch_approve(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    results = approve_many(actor=caller(request), ids=payload.ids, comment=payload.comment)
    approved = sum(1 for r in results if r["ok"])
    return {"approved": approved, "skipped": len(results) - approved, "results": results}


@router.get(
    "/audit/export",
    response={200: None, **PROBLEMS},
    summary="导出审计记录（XLSX / CSV）",
    description="本组织在所选日期范围内的全部审计记录；仅财务管理员和系统管理员可用。",
)
def audit_export(
    request: HttpRequest,
    date_from: dt.date,
    date_to: dt.date,
    fmt: Literal["xlsx", "csv"] = Query("xlsx", alias="format", description="xlsx 或 csv"),
) -> HttpResponse:
    user = caller(request)
    permissions.ensure_may_export_audit(user)
    return download(*export_audit(user, date_from=date_from, date_to=date_to, fmt=fmt))
