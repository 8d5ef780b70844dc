"""`{% maintenance_banner %}`: the banner base.html shows on every page during maintenance."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from fapiao.lookup.maintenance import active_window, message

register = template.Library()


@register.simple_tag
def maintenance_banner() -> str:
    window = active_window()
    if window is None:
        return ""
    return format_html('<div class="maintenance-banner" role="status">{}</div>', message(window))
