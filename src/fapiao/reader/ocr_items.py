"""Item rows from OCR boxes: each word placed by what it is as much as by where it is.

Header labels are centred over their columns while numbers are right-aligned in them, so
on a photographed table a number often sits nearer the next column's header than its own
(the 金额 of a narrow table under the 税率 header), and OCR glues neighbouring cells into
one box ("46.6213%"). So within a row: glued number+rate runs are split; the word with a
percent sign (or 免税/不征税) is the rate; the number right of it is the tax, the nearest
number left of it the amount, and the numbers before that the quantity and unit price;
text goes to the name, spec and unit columns by position. Without a rate word the row is
placed by position, right edges of numbers against the column spans.
"""

from __future__ import annotations

import re

from fapiao.reader.pdf_layout import Line, Word

_RATE = re.compile(r"^(?:\d{1,2}(?:\.\d)?%|免税|不征税)$")
_STARS = re.compile(r"^\*{2,}$")  # the tax of an exempt line
_NUMBER = re.compile(r"^[-¥￥]?-?\d+(?:\.\d+)?$")
_GLUED = re.compile(r"^(-?[¥￥]?-?\d+\.\d{2})(\d{1,2}%)$")  # an amount run into its rate
_RATES = frozenset({"0%", "1%", "1.5%", "3%", "5%", "6%", "9%", "10%", "11%", "13%", "16%", "17%"})
_TEXT_KEYS = ("name", "spec", "unit")
_NUMERIC_KEYS = ("quantity", "unit_price", "amount", "tax_rate", "tax_amount")

Span = tuple[str, float, float]


def _split(word: Word) -> list[Word]:
    """ "46.6213%" -> "46.62", "13%" (the rate taken as the common one when both fit)."""
    match = _GLUED.match(word.text)
    if not match:
        return [word]
    head, tail = match.group(1), match.group(2)
    if tail not in _RATES and tail[1:] in _RATES:
        head, tail = head + tail[0], tail[1:]
        if not re.match(r"^-?[¥￥]?-?\d+\.\d{2}$", head):
            return [word]
    cut = len(head)
    if len(word.chars) != len(word.text):
        return [word]
    return [Word(word.chars[:cut]), Word(word.chars[cut:])]


def _key_by_position(word: Word, spans: list[Span], keys: tuple[str, ...]) -> str | None:
    usable = [s for s in spans if s[0] in keys]
    if not usable:
        return None
    return max(usable, key=lambda s: min(word.x1, s[2]) - max(word.x0, s[1]))[0]


def _numeric_by_position(word: Word, spans: list[Span]) -> str | None:
    """A right-aligned number belongs to the column whose span holds its right edge."""
    usable = [s for s in spans if s[0] in _NUMERIC_KEYS]
    for key, left, right in usable:
        if left <= word.x1 - 1 < right:
            return key
    return _key_by_position(word, spans, _NUMERIC_KEYS)


def typed_cells(line: Line, words: list[Word], spans: list[Span]) -> dict[str, str]:
    pieces = sorted((p for w in words for p in _split(w)), key=lambda w: w.x0)
    rates = [w for w in pieces if _RATE.match(w.text)]
    numbers = [w for w in pieces if _NUMBER.match(w.text) or _STARS.match(w.text)]
    cells: dict[str, list[Word]] = {}
    placed: set[int] = set()
    if rates:
        rate = rates[-1]
        cells["tax_rate"] = [rate]
        placed.add(id(rate))
        right = [w for w in numbers if w.x0 >= rate.x1 - 1]
        left = [w for w in numbers if w.x1 <= rate.x0 + 1]
        if right:
            cells["tax_amount"] = [right[0]]
            placed.add(id(right[0]))
        if left:
            cells["amount"] = [left[-1]]
            placed.add(id(left[-1]))
            before = [w for w in left[:-1] if _in_numeric_area(w, spans)]
            if len(before) >= 2:
                cells["quantity"], cells["unit_price"] = [before[-2]], [before[-1]]
                placed.update({id(before[-2]), id(before[-1])})
            elif before:
                key = _key_by_position(before[0], spans, ("quantity", "unit_price"))
                if key:
                    cells[key] = [before[0]]
                    placed.add(id(before[0]))
    for word in pieces:
        if id(word) in placed:
            continue
        if rates or not _NUMBER.match(word.text):
            key = _key_by_position(word, spans, _TEXT_KEYS) or "name"
            if (
                rates
                and _NUMBER.match(word.text)
                and key == "name"
                and word.x0 > _name_right(spans)
            ):
                continue  # a stray digit in the numeric area
        else:
            key = _numeric_by_position(word, spans) or "name"
        cells.setdefault(key, []).append(word)
    out: dict[str, str] = {}
    for key, ws in cells.items():
        ws.sort(key=lambda w: w.x0)
        glue = "".join(w.raw for w in ws) if key in _TEXT_KEYS else "".join(w.text for w in ws)
        out[key] = glue.lstrip("¥￥") if key not in _TEXT_KEYS else glue
    return out


def _name_right(spans: list[Span]) -> float:
    return next((right for key, _, right in spans if key == "name"), float("inf"))


def _in_numeric_area(word: Word, spans: list[Span]) -> bool:
    """Left of the amount but right of the text columns (a spec such as 500 stays text)."""
    text_right = max((right for key, _, right in spans if key in ("name", "spec")), default=0.0)
    return word.x0 >= text_right - 1


__all__ = ["typed_cells"]
