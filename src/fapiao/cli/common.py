"""What every sub-command shares: Django start-up, the error a person reads, table output."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence


class CliError(Exception):
    """An expected failure: the message (Chinese, saying what to do) is printed, no traceback."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fapiao.settings")
    from django.apps import apps

    # Under pytest-django (and when called twice) Django is already set up.
    if not apps.ready:
        import django

        django.setup()


def text_width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def clip(text: str, width: int) -> str:
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = text_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()
) -> str:
    """An aligned plain-text table; columns listed in `right` (amounts) align right."""
    widths = [text_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], text_width(cell))

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - text_width(cell))
            parts.append(pad + cell if i in right else cell + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
