"""Domain exceptions of fapiao.notify (mapped to problem+json / the error page centrally)."""

from __future__ import annotations

from fapiao.errors import FapiaoError


class NotificationNotFound(FapiaoError):
    code = "notification_not_found"
    status = 404
    title = "通知不存在"
    detail = "没有找到这条通知：请检查编号是否正确；您只能查看发给自己的通知。"


class InvalidMobile(FapiaoError):
    code = "invalid_mobile"
    status = 422
    title = "手机号有误"
    detail = (
        "手机号应为 11 位中国大陆手机号（如 13812345678）：请检查后重新填写，或留空不接收短信。"
    )
