"""Spending category of a line item: the 税收分类简称 between the stars of its name."""

from __future__ import annotations

import re

from fapiao.core._text import strip_spaces, to_halfwidth

_CATEGORY = re.compile(r"^\*([^*]+)\*")


def tax_category(item_name: str | None) -> str | None:
    """`*餐饮服务*餐费` -> 餐饮服务; None when the name does not start with a starred part."""
    if not item_name:
        return None
    text = strip_spaces(to_halfwidth(item_name))
    match = _CATEGORY.match(text)
    return match.group(1) if match else None
