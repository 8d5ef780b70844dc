"""Errors of fapiao.analytics (mapped to problem+json like every FapiaoError)."""

from __future__ import annotations

from typing import Any

from fapiao.errors import FapiaoError


class BudgetNotFound(FapiaoError):
    code = "budget_not_found"
    status = 404
    title = "预算不存在"
    detail = "没有找到这项预算：请检查编号，或确认它属于您有权查看的范围。"


class CategoryRuleNotFound(FapiaoError):
    code = "category_rule_not_found"
    status = 404
    title = "分类规则不存在"
    detail = "没有找到这条分类规则：请检查编号是否正确。"


class InvalidAnalyticsInput(FapiaoError):
    code = "validation_error"
    status = 422
    title = "输入有误"
    detail = "提交的内容有误，请按提示修改后重试。"

    def __init__(self, field: str, message: str, detail: str) -> None:
        errors: list[dict[str, Any]] = [{"field": field, "message": message}]
        super().__init__(detail, errors=errors)
