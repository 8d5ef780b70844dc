"""Domain exceptions. Each carries a stable code, an HTTP status and a Chinese message
that says what went wrong and what to do; the API maps them to RFC 9457 problem+json and
the pages to an error page, both in one place (api.py / web/views.py)."""

from __future__ import annotations

from typing import Any


class FapiaoError(Exception):
    code = "error"
    status = 400
    title = "请求无法完成"
    detail = "请求无法完成，请稍后重试；如果问题持续，请联系管理员。"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        self.detail = detail or self.detail
        self.extra = extra
        super().__init__(self.detail)


class NotAuthenticated(FapiaoError):
    code = "not_authenticated"
    status = 401
    title = "未登录"
    detail = "请先登录，或在请求头中提供有效的 API 令牌（Authorization: Bearer <令牌>）。"


class TokenExpired(NotAuthenticated):
    code = "token_expired"
    title = "API 令牌已过期"


class PermissionDenied(FapiaoError):
    code = "permission_denied"
    status = 403
    title = "没有权限"
    detail = "您的角色没有执行此操作的权限；如需权限，请联系本组织的系统管理员。"


class InvoiceNotFound(FapiaoError):
    code = "invoice_not_found"
    status = 404
    title = "发票不存在"
    detail = "没有找到这张发票：请检查编号是否正确，或确认它属于您有权查看的范围。"


class DocumentNotFound(FapiaoError):
    code = "document_not_found"
    status = 404
    title = "文件不存在"
    detail = "没有找到这份上传的文件：请检查编号是否正确，或确认它是您上传的。"


class DuplicateInvoice(FapiaoError):
    code = "duplicate_invoice"
    status = 409
    title = "重复发票"

    def __init__(self, *, existing_id: int, detail: str | None = None) -> None:
        super().__init__(
            detail
            or f"这张发票已经提交过（编号 {existing_id}），不能重复报销；"
            "本次提交已记录为重复提交。",
            existing_id=existing_id,
        )
        self.existing_id = existing_id


class InvalidInvoiceData(FapiaoError):
    code = "validation_error"
    status = 422
    title = "发票数据有误"
    detail = "提交的发票数据有误，请按提示修改后重试。"

    def __init__(self, errors: list[dict[str, str]], detail: str | None = None) -> None:
        super().__init__(detail, errors=errors)
        self.errors = errors
