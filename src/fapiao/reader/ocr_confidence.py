"""How sure an OCR value is: as sure as its least sure character, and only sure at all when
its place on the page was certain and it passes the check its kind of value has.

Checks: a 统一社会信用代码 its check character; an invoice code a known region and a year
not after the issue date's; a 数电 number the issue date's year and a known province; a date
the year its code or number carries; 金额 + 税额 = 价税合计 (and 大写 = 小写) for the amounts.
A weak check (the year and province of a code, number or date) asks for a surer reading
than a strong one (CHAR_SURE_WEAK). A value with no check of its own (an 8-digit number,
the 校验码) is sure only when it is printed twice (paper invoices print the number in the
header twice) or the QR confirms it (resolve.py). Everything else stays below
resolve.REVIEW_BELOW: a person looks.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from fapiao.core import codes
from fapiao.core.invoice import InvoiceData
from fapiao.core.taxid import check_tax_id
from fapiao.reader.base import RawInvoice
from fapiao.reader.ocr import OcrBox

# The least sure character of a value at or above this: a clean reading. Measured on 80
# photos and paper invoices of both renderers (tests/corpus): no wrong value reached 0.9
# with a strong check (a USCC's check character, 金额 + 税额 = 价税合计), but a dot-matrix
# 数电 number misread 0 -> 8 reached 0.92 while passing its weak check (year and province
# only): weakly checked values need 0.98 (which costs 1-2% of the right ones).
CHAR_SURE = 0.9
CHAR_SURE_WEAK = 0.98
_STRONG = frozenset({"buyer_tax_id", "seller_tax_id", "amount", "tax_amount", "total_amount"})
SURE = 0.95
CAP = 0.85  # below resolve.REVIEW_BELOW
_DIGITS = re.compile(r"[^0-9]")
_MONEY = re.compile(r"[^0-9.]")
_ALNUM = re.compile(r"[^0-9A-Z]")
_SPACE = re.compile(r"\s")
# Text with no check at all (names, 开票人, the printed kind): not key fields, so a clean
# reading of every character in its labelled place is taken as it is.
_DESCRIPTIVE = frozenset({"buyer_name", "seller_name", "issuer", "invoice_type_name"})
DESCRIPTIVE_SURE = 0.97


def _filtered(box: OcrBox, drop: re.Pattern[str]) -> tuple[str, list[int]]:
    """The box text without the characters `drop` matches, and where each kept one was."""
    kept, where = [], []
    for i, ch in enumerate(box.text):
        folded = unicodedata.normalize("NFKC", ch).upper()
        if folded and not drop.match(folded[0]):
            kept.append(folded[0])
            where.append(i)
    return "".join(kept), where


def char_scores(key: str, drop: re.Pattern[str], boxes: list[OcrBox]) -> tuple[list[float], int]:
    """(the probabilities of `key`'s characters, lowest first, in the best box holding it;
    how many boxes hold it); ([], 0) when no box holds it whole."""
    best: list[float] = []
    seen = 0
    if not key:
        return best, seen
    for box in boxes:
        text, where = _filtered(box, drop)
        at = text.find(key)
        if at < 0:
            continue
        seen += 1
        chars = box.chars
        if len(chars) == len(box.text):
            probs = sorted(chars[where[k]] for k in range(at, at + len(key)))
        else:
            probs = [box.score] * len(key)
        if not best or probs[0] > best[0]:
            best = probs
    return best, seen


def char_score(key: str, drop: re.Pattern[str], boxes: list[OcrBox]) -> tuple[float, int]:
    """(the least sure character's probability in the best box holding `key`, how many
    boxes hold it); (0, 0) when no box holds it whole."""
    probs, seen = char_scores(key, drop, boxes)
    return (probs[0] if probs else 0.0), seen


def _doubtful(probs: list[float]) -> int:
    """Characters below CHAR_SURE; a value not found at all counts as all doubtful."""
    return sum(p < CHAR_SURE for p in probs) if probs else 99


def _key(value: object) -> tuple[str, re.Pattern[str]]:
    if isinstance(value, dt.date):
        return f"{value:%Y}{value.month:02d}{value.day:02d}", _DIGITS
    if isinstance(value, Decimal):
        return f"{abs(value):.2f}", _MONEY
    if isinstance(value, str):
        folded = unicodedata.normalize("NFKC", value).upper()
        alnum = _ALNUM.sub("", folded)
        if alnum and len(alnum) == len(_SPACE.sub("", folded)):
            return alnum, _ALNUM
        return _SPACE.sub("", folded), _SPACE  # names and other text: every character
    return "", _ALNUM


def _date_scores(value: dt.date, boxes: list[OcrBox]) -> tuple[list[float], int]:
    """Dates are printed 2024年5月8日 as well as 2024年05月08日."""
    probs, seen = char_scores(_key(value)[0], _DIGITS, boxes)
    if seen:
        return probs, seen
    return char_scores(f"{value.year}{value.month}{value.day}", _DIGITS, boxes)


def _year_of(data: InvoiceData) -> tuple[int | None, bool]:
    """(the year the code or number carries, whether it is the issue year exactly)."""
    if data.invoice_code:
        info = codes.decode_invoice_code(data.invoice_code)
        return (info.year if info else None), False
    if data.invoice_number and len(data.invoice_number) == 20:
        return 2000 + int(data.invoice_number[:2]), True
    return None, False


def passes_check(name: str, value: object, data: InvoiceData) -> bool | None:
    """True: the value passes the check of its kind; False: it fails it; None: none."""
    if name in ("buyer_tax_id", "seller_tax_id") and isinstance(value, str):
        check = check_tax_id(value)
        return check.valid and check.form == "uscc18"
    if name == "invoice_code" and isinstance(value, str):
        info = codes.decode_invoice_code(value)
        if info is None or info.region is None or (len(value) == 12 and value[0] not in "012"):
            return False
        return data.issue_date is None or (info.year or 0) <= data.issue_date.year
    if name == "invoice_number" and isinstance(value, str):
        if len(value) != 20:
            return None
        info = codes.decode_shudian_number(value)
        year_ok = data.issue_date is None or data.issue_date.year == 2000 + int(value[:2])
        return bool(info and info.region and year_ok)
    if name == "issue_date" and isinstance(value, dt.date):
        year, exact = _year_of(data)
        if year is None:
            return None
        return value.year == year if exact else year <= value.year <= year + 3
    if name in ("amount", "tax_amount", "total_amount"):
        a, t, total = data.amount, data.tax_amount, data.total_amount
        if a is None or t is None or total is None:
            return None
        return a + t == total
    return None


def calibrate(raw: RawInvoice, boxes: list[OcrBox]) -> None:
    """Source "ocr" for every value, with the confidence the module docstring describes.

    A strong check tolerates one doubtful character: a USCC's check character catches
    every single-character misreading, and one misread digit in 金额, 税额 or 价税合计
    always breaks 金额 + 税额 = 价税合计 (so at most one doubtful digit in all three)."""
    probs: dict[str, list[float]] = {}
    seen: dict[str, int] = {}
    for name in raw.sources:
        value = getattr(raw.data, name)
        if isinstance(value, dt.date):
            probs[name], seen[name] = _date_scores(value, boxes)
        else:
            key, drop = _key(value)
            probs[name], seen[name] = char_scores(key, drop, boxes)
    triple = ("amount", "tax_amount", "total_amount")
    triple_doubt = sum(_doubtful(probs.get(n, [])) for n in triple)
    for name in list(raw.sources):
        raw.sources[name] = "ocr"
        value = getattr(raw.data, name)
        layout = raw.confidence.get(name, 0.0)
        found = probs[name]
        score = found[0] if found else 0.0
        check = passes_check(name, value, raw.data)
        if name in ("buyer_tax_id", "seller_tax_id"):
            # Or read the same in two places (the block and the stamp or 备注): a misreading
            # seldom repeats itself, and one that does still fails the check character.
            clean = (_doubtful(found) <= 1 and score >= 0.3) or seen[name] >= 2
        elif name in triple:
            clean = triple_doubt <= 1 and score >= 0.3
        else:
            clean = score >= (CHAR_SURE if name in _STRONG else CHAR_SURE_WEAK)
        passes = clean and bool(check or (check is None and seen[name] >= 2))
        passes = passes and f"conflict:{name}" not in raw.extras  # the page says two things
        if layout >= SURE and passes:
            confidence = SURE
        elif name in _DESCRIPTIVE and layout >= CAP and score >= DESCRIPTIVE_SURE:
            confidence = 0.9
        else:
            if passes and isinstance(value, str):
                raw.extras[f"side_only:{name}"] = value  # all but its place is sure
            confidence = min(CAP, layout * max(score, 0.5))
        raw.confidence[name] = round(confidence, 3)


__all__ = ["CHAR_SURE", "calibrate", "char_score", "char_scores", "passes_check"]
