"""Template context for every page: the unread count behind the top bar's 站内信 badge."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from fapiao.notify.selectors import unread_count


def unread_badge(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a fragment that never shows the badge never runs the COUNT.
    return {"unread_notifications": cache(lambda: unread_count(user))}
