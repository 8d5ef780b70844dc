"""RFC 9457 problem+json: every API error has a stable `code` and a Chinese `detail`."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from fapiao.errors import FapiaoError, InvalidInvoiceData, NotAuthenticated, PermissionDenied

log = logging.getLogger(__name__)
CONTENT_TYPE = "application/problem+json"


def problem(
    request: HttpRequest, *, status: int, code: str, title: str, detail: str, **extra: Any
) -> HttpResponse:
    body = {
        "type": f"https://fapiao.local/problems/{code}",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    return JsonResponse(
        body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def from_error(request: HttpRequest, exc: FapiaoError) -> HttpResponse:
    response = problem(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        **exc.extra,
    )
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fapiao"'
    return response


FIELD_MESSAGES = {
    "missing": "必填",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "decimal_parsing": "应为金额，例如 1234.50",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "string_too_long": "内容过长（最多 {max_length} 个字符）",
    "string_too_short": "不能为空",
    "list_type": "应为列表",
    "dict_type": "应为对象（键值对）",
    "model_type": "应为对象（键值对）",
    "model_attributes_type": "应为对象（键值对）",
    "enum": "取值无效，可用：{expected}",
    "literal_error": "取值无效，可用：{expected}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "greater_than": "应大于 {gt}",
    "too_long": "最多 {max_length} 项",
    "string_pattern_mismatch": "取值无效",
    "decimal_max_digits": "数字过长（最多 {max_digits} 位）",
    "decimal_max_places": "最多保留 {decimal_places} 位小数",
    "greater_than_equal": "不能小于 {ge}",
    "json_invalid": "不是有效的 JSON",
}
# Validators that already wrote a Chinese message use this error type (invoices/schemas.py).
OWN_MESSAGE_TYPE = "fapiao"


def _message(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind == OWN_MESSAGE_TYPE:
        return str(err.get("msg", "格式不正确"))
    template = FIELD_MESSAGES.get(kind, "格式不正确")
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template.split("（")[0].split("，")[0]


def _field_errors(exc: ValidationError) -> list[dict[str, str]]:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        # Query[Schema] parameters are nested under the parameter name; people know the field.
        if len(loc) > 1 and loc[0] in ("filters",):
            loc = loc[1:]
        errors.append({"field": ".".join(loc) or "body", "message": _message(err)})
    return errors


def install(api: NinjaAPI) -> None:
    @api.exception_handler(FapiaoError)
    def _domain(request: HttpRequest, exc: FapiaoError) -> HttpResponse:
        return from_error(request, exc)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = _field_errors(exc)
        names = "、".join(e["field"] for e in errors)
        return from_error(
            request,
            InvalidInvoiceData(
                errors, detail=f"请求中这些字段有误：{names}。请按 errors 中的说明修改后重试。"
            ),
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return from_error(request, NotAuthenticated())

    @api.exception_handler(AuthorizationError)
    def _forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return from_error(request, PermissionDenied())

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(
            request,
            status=404,
            code="not_found",
            title="不存在",
            detail="请求的资源不存在：请检查地址是否正确。",
        )

    @api.exception_handler(MultiPartParserError)
    def _multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # Django refuses a part whose headers pass 1 KB: in practice a very long file name.
        if "header size" in str(exc):
            return problem(
                request,
                status=422,
                code="file_name_too_long",
                title="文件名过长",
                detail="上传文件的文件名过长：请把文件改成较短的名字（例如 300 个字以内）"
                "后重新上传。",
            )
        return problem(
            request,
            status=400,
            code="malformed_body",
            title="上传内容无法解析",
            detail="上传的表单内容无法解析：请用 multipart/form-data 重新上传文件。",
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return problem(
                request,
                status=400,
                code="malformed_body",
                title="请求体无法解析",
                detail="请求体不是有效的 JSON：请检查格式（UTF-8 编码的 JSON 对象）后重试。",
            )
        if exc.status_code == 403 and str(exc).startswith("CSRF"):
            return problem(
                request,
                status=403,
                code="csrf_failed",
                title="安全校验失败",
                detail="安全校验（CSRF）失败：网页中请刷新后重试；脚本调用请改用 API 令牌"
                "（Authorization: Bearer <令牌>）。",
            )
        if exc.status_code == 405:
            return problem(
                request,
                status=405,
                code="method_not_allowed",
                title="不支持的请求方法",
                detail="这个地址不支持该请求方法：请查看 /api/v1/docs 中的接口说明。",
            )
        return problem(
            request,
            status=exc.status_code,
            code="http_error",
            title="请求无法完成",
            detail="请求无法完成，请检查请求后重试。",
        )

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("unhandled API error on %s", request.path)
        return problem(
            request,
            status=500,
            code="internal_error",
            title="服务器内部错误",
            detail="服务器处理请求时出错，数据未丢失：请稍后重试；如果问题持续，请联系管理员。",
        )
