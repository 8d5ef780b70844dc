"""REST endpoints of fapiao.lookup, mounted by fapiao.api.v1 at /api/v1/lookup."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from fapiao.api.common import caller, id_path, problems
from fapiao.invoices import selectors
from fapiao.lookup import services, verification
from fapiao.lookup.schemas import LookupOut, LookupParams, VerifyOut
from fapiao.lookup.sync import apply_tax_status

router = Router(tags=["发票查询"])


@router.get(
    "",
    response={200: LookupOut, **problems(401, 422)},
    summary="查询一张发票；查不到时说明原因",
    description="按发票号码（及代码、开票日期、价税合计）在您有权查看的发票中查找。找到时 "
    "`found` 为 true；查不到或被条件/状态排除时 `found` 为 false，`diagnosis` 按可能性从高到低"
    "列出原因（format_error、near_match、filters_excluded、status_excluded、not_beijing、"
    "not_synced_yet、not_uploaded、suspected_forgery、no_permission、maintenance、"
    "upstream_unavailable、rate_limited），每条含置信度、中文说明、证据和建议。"
    "也接受发票列表的全部筛选条件。",
)
def lookup(request: HttpRequest, params: Query[LookupParams]) -> dict[str, Any]:
    user = caller(request)
    diagnosis = services.run_lookup(user=user, query=params.to_query(), filters=params.to_filter())
    return services.lookup_answer(diagnosis, user)


@router.post(
    "/verify/{invoice_id}",
    response={200: VerifyOut, **problems(401, 404)},
    summary="向税务平台查验一张发票",
    description="同一张发票每天最多查验5次（税务平台的限制，本地计数）；"
    "查验结果会缓存（FAPIAO_VERIFY_CACHE_HOURS），`from_cache` 为 true 时未重新调用平台。"
    "平台返回作废或红冲时更新发票状态并通知提交人。",
)
def verify(request: HttpRequest, invoice_id: int = id_path("发票编号（id）")) -> dict[str, Any]:
    user = caller(request)
    invoice = selectors.get_invoice(user, invoice_id)
    outcome = verification.verify_invoice(invoice=invoice)
    if outcome.cause == "ok":
        apply_tax_status(invoice, outcome.tax_status)
    return {
        "platform_code": outcome.platform_code,
        "cause": outcome.cause,
        "message": outcome.message,
        "tax_status": outcome.tax_status,
        "retry_at": outcome.retry_at.isoformat() if outcome.retry_at else None,
        "from_cache": outcome.from_cache,
    }
