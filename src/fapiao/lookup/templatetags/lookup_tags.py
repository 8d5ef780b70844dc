"""`{% maintenance_banner %}`: the banner base.html shows on every page during maintenance
(the installation's, or the viewer's organisation's)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from fapiao.lookup.maintenance import active_window, message

register = template.Library()


@register.simple_tag(takes_context=True)
def maintenance_banner(context: dict[str, Any]) -> str:
    user = context.get("user")
    window = active_window(getattr(user, "organisation_id", None))
    if window is None:
        return ""
    return format_html('<div class="maintenance-banner" role="status">{}</div>', message(window))
