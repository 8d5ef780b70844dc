"""Why a password is refused, in Chinese: the command line and 系统设置 say the same.
Django's zh-hans catalogue lacks some of these (the length rule shows in English)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

REASONS = {
    "password_too_short": "密码太短，至少需要 8 个字符。",
    "password_too_common": "这个密码太常见，容易被猜到。",
    "password_entirely_numeric": "密码不能全部是数字。",
    "password_too_similar": "密码与用户名、姓名或邮箱太相似。",
}


def _reason(error: Any) -> str:
    return REASONS.get(error.code) or "".join(str(m) for m in error.messages)


def password_problems(password: str, user: Any = None) -> str:
    """ "" when the validators accept `password`, else every reason in one sentence."""
    # The validators' messages are lazy: they must be rendered inside the override.
    with translation.override("zh-hans"):
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            return "".join(_reason(e) for e in exc.error_list)
    return ""
