"""OFD page text by layout: labelled values found by position, not by reading order.

Used when the OFD has no structured data (or lacks some fields). Runs are grouped into
lines by baseline; a label's value is the text to its right on the same line. Buyer and
seller fields are assigned to the block whose 购买方/销售方 marker is nearest to the label
(never "the first tax id is the buyer's"); with no markers, left/upper is the buyer at a
lower confidence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from fapiao.core.kinds import kind_from_name, kind_name
from fapiao.reader.base import RawInvoice
from fapiao.reader.fields import clean, money, parse_date, put, squash
from fapiao.reader.ofd_items import read_items
from fapiao.reader.ofd_layout import Line, TextRun, group_lines

SURE = 0.95  # a labelled value that fits its pattern
UNSURE = 0.8  # found, but its block or label was guessed
_MONEY = re.compile(r"^-?[¥￥]?-?\d+(\.\d{1,2})?$")
_TAX_ID = re.compile(r"^[0-9A-Z]{15,20}$")
_CN_AMOUNT = re.compile(r"(?:[(（]?负数?[)）]?)?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整]+")
_BUYER = re.compile(r"^(购|购买方|购买方信息|购方|购货单位)[:：]?$")
_SELLER = re.compile(r"^(销|销售方|销售方信息|销方|销货单位)[:：]?$")
_NAME_LABEL = re.compile(r"名称[:：]?")
_TAX_ID_LABEL = re.compile(r"(统一社会信用代码|纳税人识别号)(/纳税人识别号)?[:：]?")
_ANY_LABEL = re.compile(r".*[:：]$")


@dataclass
class Hit:
    """A label found on a line: the runs after it and any text left in its own run."""

    line: Line
    x: float  # where the label starts
    y: float
    end: int  # index of the last run the label touches
    rest: str  # text after the label inside that run


def find_labels(lines: list[Line], pattern: re.Pattern[str]) -> list[Hit]:
    hits = []
    for line in lines:
        if not pattern.search(line.text):
            continue
        squashed = [r.key for r in line.runs]
        joined = line.text
        for match in pattern.finditer(joined):
            start_run = end_run = 0
            offset = 0
            rest = ""
            for i, text in enumerate(squashed):
                if offset <= match.start() < offset + len(text):
                    start_run = i
                if offset < match.end() <= offset + len(text):
                    end_run = i
                    rest = text[match.end() - offset :]
                    break
                offset += len(text)
            run = line.runs[start_run]
            hits.append(Hit(line, run.x0, run.y, end_run, rest))
    return hits


def value_after(hit: Hit, *, stop_x: float = math.inf) -> str:
    """The text right of a label on its line, up to stop_x or the next label."""
    parts = [hit.rest] if hit.rest else []
    previous = hit.line.runs[hit.end]
    for run in hit.line.runs[hit.end + 1 :]:
        if run.x0 >= stop_x:
            break
        text = run.text.strip()
        if _ANY_LABEL.match(run.key) and parts:
            break
        gap = run.x0 - previous.x1
        if parts and gap > 4 * max(run.size, 2.5):
            break
        parts.append(text)
        previous = run
    return "".join(parts).strip()


def _put_first(raw: RawInvoice, name: str, hits: list[Hit], check: re.Pattern[str]) -> None:
    for hit in hits:
        value = squash(value_after(hit)).upper()
        value = value.lstrip(":：")
        if check.fullmatch(value):
            put(raw, name, value, "ofd_text", SURE)
            return


def _markers(lines: list[Line], pattern: re.Pattern[str], limit_y: float) -> list[TextRun]:
    return [r for line in lines for r in line.runs if line.y < limit_y and pattern.match(r.key)]


def _parties(raw: RawInvoice, lines: list[Line], items_y: float) -> None:
    buyers = _markers(lines, _BUYER, items_y)
    sellers = _markers(lines, _SELLER, math.inf)
    marks = [(m, "buyer") for m in buyers[:1]] + [(m, "seller") for m in sellers[:1]]
    for label, field in ((_NAME_LABEL, "name"), (_TAX_ID_LABEL, "tax_id")):
        hits = [h for h in find_labels(lines, label) if not h.line.text.startswith("价税")]
        assigned: dict[str, tuple[Hit, float]] = {}
        if marks:
            for hit in hits:
                near = [
                    (math.hypot(hit.x - m.x0, hit.y - m.y), side)
                    for m, side in marks
                    if m.x0 <= hit.x + 2
                ]
                if near:
                    side = min(near)[1]
                    assigned.setdefault(side, (hit, SURE))
        if len(marks) < 2:
            # No markers to go by: left (or upper) is the buyer, but only as a guess.
            ordered = sorted(hits[:2], key=lambda h: (round(h.y / 8), h.x))
            for hit, side in zip(ordered, ("buyer", "seller"), strict=False):
                assigned.setdefault(side, (hit, UNSURE))
        for side, (hit, conf) in assigned.items():
            other = [m for m, s in marks if s != side and m.x0 > hit.x and abs(m.y - hit.y) < 15]
            stop = min((m.x0 for m in other), default=math.inf)
            text = value_after(hit, stop_x=stop)
            if field == "tax_id":
                value = squash(text).upper()
                if _TAX_ID.fullmatch(value):
                    put(raw, f"{side}_tax_id", value, "ofd_text", conf)
            elif clean(text):
                put(raw, f"{side}_name", clean(text), "ofd_text", conf)


def _totals(raw: RawInvoice, lines: list[Line]) -> float:
    """Header totals; returns the y of the 合计 line (the end of the item table)."""
    total_y = math.inf
    for hit in find_labels(lines, re.compile(r"(?<!价税)合计")):
        values = [
            money(r.text)
            for r in hit.line.runs[hit.end + 1 :]
            if _MONEY.match(r.key) and r.key not in ("¥", "￥")
        ]
        amounts = [v for v in values if v is not None]
        if hit.rest and _MONEY.match(hit.rest):
            amounts.insert(0, money(hit.rest))  # type: ignore[arg-type]
        stars = any(re.fullmatch(r"\*{3,}", r.key) for r in hit.line.runs[hit.end + 1 :])
        if len(amounts) == 1 and stars:
            amounts.append(Decimal("0.00"))  # tax-exempt: *** for a 合计税额 of zero
        if len(amounts) >= 2:
            put(raw, "amount", amounts[0], "ofd_text", SURE)
            put(raw, "tax_amount", amounts[1], "ofd_text", SURE)
            total_y = hit.y
            break
        if amounts:
            put(raw, "amount", amounts[0], "ofd_text", UNSURE)
            total_y = hit.y
    for hit in find_labels(lines, re.compile(r"\(小写\)[:：]?")):
        value = money(squash(value_after(hit)))
        if value is not None:
            put(raw, "total_amount", value, "ofd_text", SURE)
            break
    for hit in find_labels(lines, re.compile(r"价税合计\(大写\)[:：]?")):
        found = _CN_AMOUNT.search(value_after(hit).split("(小写)")[0].split("（小写）")[0])
        if found:
            put(raw, "total_amount_cn", found.group(0), "ofd_text", 0.9)
            break
    return total_y


def _remarks(raw: RawInvoice, lines: list[Line]) -> None:
    marks = [r for line in lines for r in line.runs if r.key in ("备", "备注", "备注:")]
    if not marks:
        return
    top = marks[0]
    bottom = marks[1] if len(marks) > 1 else top
    texts = [
        "".join(r.text for r in line.runs if r.x0 > top.x1 - 0.5).strip()
        for line in lines
        if top.y - 6 <= line.y <= bottom.y + 3
    ]
    put(raw, "remarks", clean("\n".join(t for t in texts if t)), "ofd_text", 0.9)


def _title(raw: RawInvoice, runs: list[TextRun]) -> None:
    titled = sorted((r for r in runs if "发票" in r.key), key=lambda r: -r.size)
    for run in titled[:3]:
        kind = kind_from_name(run.key)
        if kind and put(raw, "invoice_type", kind, "ofd_text", SURE):
            put(raw, "invoice_type_name", kind_name(kind), "ofd_text", SURE)
            return


def read_layout(runs: list[TextRun], raw: RawInvoice) -> None:
    """Fill every field still missing from raw with what the page text says."""
    found = RawInvoice(data=raw.data.__class__())
    lines = group_lines(runs)
    _title(found, runs)
    _put_first(found, "invoice_number", find_labels(lines, re.compile(r"发票号码[:：]?")),
               re.compile(r"\d{20}|\d{8}"))  # fmt: skip
    _put_first(found, "invoice_code", find_labels(lines, re.compile(r"发票代码[:：]?")),
               re.compile(r"\d{12}|\d{10}"))  # fmt: skip
    _put_first(found, "check_code", find_labels(lines, re.compile(r"校验码[:：]?")),
               re.compile(r"\d{20}"))  # fmt: skip
    for hit in find_labels(lines, re.compile(r"开票日期[:：]?")):
        if put(found, "issue_date", parse_date(value_after(hit)), "ofd_text", SURE):
            break
    for hit in find_labels(lines, re.compile(r"开票人[:：]?")):
        if put(found, "issuer", clean(value_after(hit)), "ofd_text", 0.9):
            break
    total_y = _totals(found, lines)
    header = find_labels(lines, re.compile(r"项目名称|货物或应税劳务"))
    items_y = header[0].y if header else math.inf
    _parties(found, lines, items_y)
    _remarks(found, lines)
    if header:
        items = read_items(lines, header[0].line, total_y)
        if items:
            found.data.items = items
            put(found, "items", items, "ofd_text", 0.9)
    merge(raw, found)


def _fill_items(raw: RawInvoice, found: RawInvoice) -> None:
    """Tagged items name only name, rate and amounts: take unit, quantity and price from
    the table when it lists the same items."""
    tagged, table = raw.data.items, found.data.items
    if not tagged or len(tagged) != len(table):
        return
    if any(a.name != b.name for a, b in zip(tagged, table, strict=True)):
        return
    for a, b in zip(tagged, table, strict=True):
        a.spec = a.spec or b.spec
        a.unit = a.unit or b.unit
        a.quantity = a.quantity or b.quantity
        a.unit_price = a.unit_price or b.unit_price


def merge(raw: RawInvoice, found: RawInvoice) -> None:
    """Take from `found` what raw lacks; where both have a value and they differ, the
    file contradicts itself, so raw's value stays but is marked for review."""
    _fill_items(raw, found)
    for name, source in found.sources.items():
        value = getattr(found.data, name)
        if name not in raw.sources:
            setattr(raw.data, name, value)
            raw.sources[name] = source
            raw.confidence[name] = found.confidence[name]
        elif name != "items" and getattr(raw.data, name) != value and name != "remarks":
            raw.confidence[name] = min(raw.confidence[name], 0.6)
