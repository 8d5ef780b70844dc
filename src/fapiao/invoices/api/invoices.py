"""Invoices REST API (/api/v1/invoices): parse, authorise, call one service or selector,
render. Every read goes through the user's scope, so another organisation's invoice is a 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from fapiao.accounts import permissions
from fapiao.accounts.models import Department, User
from fapiao.api.common import ProblemOut, caller, download, id_path, problems
from fapiao.errors import InvalidInvoiceData, PermissionDenied
from fapiao.invoices import presenters, selectors, services
from fapiao.invoices.exports import export_invoices as export
from fapiao.invoices.models import Source
from fapiao.invoices.presenters import InvoiceDetail, InvoicePage
from fapiao.invoices.schemas import CorrectionIn, InvoiceIn, InvoiceQuery, parse_changes

router = Router(tags=["发票"])

InvoiceId = id_path("发票编号（id）")
PROBLEMS = problems(401, 404, 422)
SortQuery = Query(selectors.DEFAULT_SORT, max_length=20, description="排序字段，前加 - 表示倒序")


def _department(user: User, department_id: int | None) -> Department | None:
    """The department a new invoice is filed under; None lets the service use the user's."""
    if department_id is None:
        return None
    department = Department.objects.filter(organisation=user.organisation, pk=department_id).first()
    if department is None:
        raise InvalidInvoiceData(
            [{"field": "department_id", "message": "部门不存在"}],
            detail="部门不存在：请填写本组织的部门编号，或不填以记入您所在的部门。",
        )
    if not permissions.may_file_under(user, department.pk):
        raise InvalidInvoiceData(
            [{"field": "department_id", "message": "只能记入您所在的部门"}],
            detail="只能把发票记入您所在的部门：请去掉 department_id，或联系财务管理员调整。",
        )
    return department


@router.post(
    "",
    response={201: InvoiceDetail, 409: ProblemOut, **PROBLEMS},
    summary="录入一张发票",
    description='字段名与识别结果（extract schema）一致；金额用字符串（如 "1234.50"，也接受 '
    '"¥1,234.50"）。同一张发票再次提交返回 409 `duplicate_invoice`，`existing_id` 为已有发票，'
    "本次提交记为重复提交。",
)
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> Status[dict[str, Any]]:
    user = caller(request)
    if user.organisation is None:
        raise PermissionDenied("您的账户不属于任何组织，不能录入发票：请联系系统管理员。")
    invoice = services.record_invoice(
        organisation=user.organisation,
        data=payload.to_data(),
        submitter=user,
        department=_department(user, payload.department_id),
        source=Source.API,
    )
    return Status(201, presenters.detail(selectors.get_invoice(user, invoice.pk), user))


@router.get(
    "",
    response={200: InvoicePage, **PROBLEMS},
    summary="查询发票",
    description="按条件筛选、排序并分页。翻页用上一页返回的 `next_cursor`；sort 可用 "
    "issue_date、total_amount、created_at，前加 - 表示倒序。invoice_type、tax_status、status "
    "可重复或用逗号分隔。",
)
def list_invoices(
    request: HttpRequest,
    filters: Query[InvoiceQuery],
    sort: str = SortQuery,
    cursor: str | None = Query(None, max_length=200, description="上一页返回的 next_cursor"),
    limit: int | None = Query(None, ge=1, le=500, description="每页条数，最多 500"),
) -> dict[str, Any]:
    user = caller(request)
    wanted = filters.to_filter()
    qs = selectors.list_invoices(user, wanted)
    size = limit or settings.PAGE_SIZE
    # A number names one invoice (a few at most): no need to sort ids before fetching rows.
    few = bool(wanted.invoice_number)
    page = selectors.page_invoices(qs, sort=sort, cursor=cursor, limit=size, few=few)
    total, capped = selectors.page_total(qs, page, first_page=cursor is None)
    masker = presenters.Masker(user)
    return {
        "items": [presenters.summary(invoice, masker) for invoice in page.items],
        "next_cursor": page.next_cursor,
        "sort": page.sort,
        "total": total,
        "total_capped": capped,
    }


@router.get(
    "/export",
    response={200: None, **PROBLEMS},
    summary="导出发票（XLSX / CSV）",
    description="按与查询相同的条件导出全部符合条件的发票。",
)
def export_invoices(
    request: HttpRequest,
    filters: Query[InvoiceQuery],
    fmt: Literal["xlsx", "csv"] = Query("xlsx", alias="format", description="xlsx 或 csv"),
    sort: str = SortQuery,
) -> HttpResponse:
    user = caller(request)
    qs = selectors.list_invoices(user, filters.to_filter())
    return download(*export(qs, fmt, viewer=user, sort=sort))


@router.get(
    "/{invoice_id}",
    response={200: InvoiceDetail, **PROBLEMS},
    summary="查看一张发票",
    description="包括明细、检查结果、更正记录、重复提交记录和红蓝字发票关联。",
)
def get_invoice(request: HttpRequest, invoice_id: int = InvoiceId) -> dict[str, Any]:
    user = caller(request)
    return presenters.detail(selectors.get_invoice(user, invoice_id), user)


@router.patch(
    "/{invoice_id}",
    response={200: InvoiceDetail, 403: ProblemOut, 409: ProblemOut, **PROBLEMS},
    summary="更正发票字段",
    description='请求体 `{"changes": {字段: 新值}, "reason": "原因"}`；每个改动的字段留下'
    "一条更正记录（corrections），检查结果随之重新计算。提交人可在审核通过前更正自己的发票，"
    "审核员、财务管理员和系统管理员可更正其可见的发票。",
)
def correct_invoice(
    request: HttpRequest, payload: CorrectionIn, invoice_id: int = InvoiceId
) -> dict[str, Any]:
    user = caller(request)
    invoice = selectors.get_invoice(user, invoice_id)
    permissions.ensure_may_correct(user, invoice)
    changes, errors = parse_changes(payload.changes, correctable=services.CORRECTABLE_FIELDS)
    if errors:
        names = "、".join(e["field"] for e in errors)
        raise InvalidInvoiceData(errors, detail=f"这些字段的新值有误：{names}。请修改后重试。")
    if not changes:
        raise InvalidInvoiceData(
            [{"field": "changes", "message": "没有要更正的字段"}],
            detail="没有要更正的字段：请在 changes 中写明字段和新值。",
        )
    services.correct_invoice(invoice=invoice, user=user, changes=changes, reason=payload.reason)
    return presenters.detail(selectors.get_invoice(user, invoice_id), user)
