"""Whole-page amounts: when the labelled 合计 / 价税合计 reading is missing or does not add
up, the amounts that do add up, wherever they are printed.

Every money-shaped word of the page is a candidate (¥ or ￥, thousands separators). A
triple (金额, 税额, 价税合计) must satisfy 金额 + 税额 = 价税合计 with the tax at most a
fifth of the amount (no VAT rate comes near it); the 大写 pins the 价税合计 when it was
read. Among the triples left, the one whose 价税合计 is the largest amount on the page
and whose 金额 and 税额 share a line wins; two different winners mean nothing is taken.
What is taken is FAIR (placed by arithmetic, not by a label): the checks in ocr_fields
and resolve decide whether it is sure.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import permutations

from fapiao.core.money import parse_chinese_upper
from fapiao.reader.base import RawInvoice
from fapiao.reader.fields import put
from fapiao.reader.pdf_layout import PageText, Word

FAIR = 0.85
_MONEY = re.compile(r"(?<![\d.,])(-?\d{1,3}(?:,\d{3})+|-?\d+)\.(\d{2})(?![\d%])")
_MAX_CANDIDATES = 40  # a page holds a few dozen amounts at most; more is noise


def _values(word: Word) -> list[Decimal]:
    out = []
    for match in _MONEY.finditer(word.text):
        try:
            out.append(Decimal(f"{match.group(1).replace(',', '')}.{match.group(2)}"))
        except InvalidOperation:
            continue
    return out


def _upper(raw: RawInvoice) -> Decimal | None:
    text = raw.data.total_amount_cn
    if not text:
        return None
    try:
        return parse_chinese_upper(text)
    except ValueError:
        return None


def _consistent(raw: RawInvoice) -> bool:
    a, t, total = raw.data.amount, raw.data.tax_amount, raw.data.total_amount
    return a is not None and t is not None and total is not None and a + t == total


def fill_totals(raw: RawInvoice, pt: PageText) -> None:
    """Take the page's adding-up triple when the labelled amounts are missing or wrong."""
    if _consistent(raw):
        return
    found: list[tuple[Decimal, Word]] = []
    for word in pt.words:
        found += [(value, word) for value in _values(word) if value >= 0]
    found = found[:_MAX_CANDIDATES]
    upper = _upper(raw)
    values = sorted({v for v, _ in found})
    if not values:
        return
    largest = values[-1]
    best: list[tuple[int, tuple[Decimal, Decimal, Decimal]]] = []
    lines: dict[Decimal, set[int]] = {}
    for value, word in found:
        lines.setdefault(value, set()).add(word.line)
    for a, t in permutations(values, 2):
        total = a + t
        if total not in lines or t > a / 5 or (upper is not None and total != upper):
            continue
        score = (total == largest) + bool(lines[a] & lines[t]) + (upper is not None)
        best.append((score, (a, t, total)))
    if not best:
        return
    best.sort(key=lambda pair: -pair[0])
    top = [triple for score, triple in best if score == best[0][0]]
    if len(set(top)) != 1:
        return  # two ways to add up: the page does not say which
    amount, tax, total = top[0]
    for name, value in (("amount", amount), ("tax_amount", tax), ("total_amount", total)):
        if getattr(raw.data, name) != value:
            put(raw, name, value, "pdf_text", FAIR)


__all__ = ["fill_totals"]
