"""Helpers every reader shares: text normalisation, dates, and recording a found field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from fapiao.core.money import MoneyFormatError, parse_money
from fapiao.reader.base import RawInvoice, Source

_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})")


def norm(text: str | None) -> str:
    """NFKC (folds Kangxi radicals such as ⼦ ⽅ and full-width forms) and trim: for labels,
    numbers, dates, tax ids and amounts."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).strip()


def _is_radical(ch: str) -> bool:
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x2FDF  # CJK radicals supplement, Kangxi radicals
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0x2F800 <= code <= 0x2FA1F
    )


def clean(text: str | None) -> str:
    """For names and free text: fold only radicals and compatibility ideographs (real OFD
    files write 电⼦ with a Kangxi radical), keeping printed punctuation such as （）."""
    if not text:
        return ""
    if any(_is_radical(ch) for ch in text):
        text = "".join(unicodedata.normalize("NFKC", ch) if _is_radical(ch) else ch for ch in text)
    return text.strip()


def squash(text: str | None) -> str:
    """norm() without any whitespace: for labels written letter-spaced (购 买 方)."""
    return _SPACES.sub("", norm(text))


def parse_date(text: str | None) -> dt.date | None:
    """2025年03月07日, 2025-03-07, 2025/3/7, 2025-03-07 10:30:00, 20250307 -> date."""
    value = squash(text)
    if not value:
        return None
    match = _DATE.search(value) or _DATE_COMPACT.match(value)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def money(text: str | None) -> Decimal | None:
    value = squash(text)
    if not value:
        return None
    try:
        return parse_money(value)
    except MoneyFormatError:
        return None


def put(raw: RawInvoice, name: str, value: object, source: Source, confidence: float) -> bool:
    """Record a found header field unless it is empty; True when recorded."""
    if value is None or value == "":
        return False
    setattr(raw.data, name, value)
    raw.sources[name] = source
    raw.confidence[name] = confidence
    return True
