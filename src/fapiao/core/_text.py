"""Small text helpers shared by the core modules."""

from __future__ import annotations

import unicodedata

_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """Fold full-width ASCII (０-９, Ａ-Ｚ, ，, （ …) and the ideographic space to ASCII.

    NFKC would also do this but rewrites other characters (e.g. ㈠ or Kangxi radicals) that
    callers may want to keep, so only the full-width block is folded.
    """
    # Called for every code, number and tax id of every invoice: keep ASCII free.
    if text.isascii():
        return text
    return text.translate(_HALFWIDTH)


def is_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts ², ① and other scripts' digits."""
    return text.isascii() and text.isdigit()


def strip_spaces(text: str) -> str:
    """Without whitespace and invisible format characters (zero-width space, BOM, …)."""
    if text.isalnum():  # neither whitespace nor format characters: the usual code or id
        return text
    text = "".join(text.split())  # split() drops exactly the characters isspace() accepts
    if text.isascii():  # format (Cf) characters are never ASCII
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
