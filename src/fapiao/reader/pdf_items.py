"""The items table of an invoice page or a 销货清单 list page: columns from the header
labels' positions, each word placed in the column it overlaps most, wrapped names joined."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from fapiao.core.categories import tax_category
from fapiao.core.invoice import LineItemData, parse_tax_rate
from fapiao.reader.fields import clean, money
from fapiao.reader.pdf_fields import parse_amount
from fapiao.reader.pdf_layout import Line, PageText, Word

_NAME_HEADER = r"项目名称|货物或应税劳务、?服务名称|货物或应税劳务名称|货物\(劳务\)名称|商品名称"
_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("name", re.compile(_NAME_HEADER)),
    ("spec", re.compile(r"规格型号")),
    ("unit", re.compile(r"单位")),
    ("quantity", re.compile(r"数量")),
    ("unit_price", re.compile(r"单价")),
    ("amount", re.compile(r"金额")),
    ("tax_rate", re.compile(r"税率/征收率|税率|征收率")),
    ("tax_amount", re.compile(r"税额")),
)  # fmt: skip
_STOP = re.compile(r"^(?:合计|小计|总计|价税合计)")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass
class Table:
    columns: dict[str, tuple[float, float]]  # header x span per column key
    header_line: int
    items: list[LineItemData] = field(default_factory=list)


def find_header(pt: PageText) -> Table | None:
    for k, line in enumerate(pt.lines):
        text = line.text
        if "金额" not in text or "税额" not in text:
            continue
        columns: dict[str, tuple[float, float]] = {}
        for key, pattern in _HEADERS:
            match = pattern.search(text)
            if match:
                chars = line.chars[match.start() : match.end()]
                columns[key] = (chars[0].x0, chars[-1].x1)
        if "name" in columns and "amount" in columns:
            return Table(columns, k)
    return None


def intervals(columns: dict[str, tuple[float, float]]) -> list[tuple[str, float, float]]:
    order = sorted(columns.items(), key=lambda kv: (kv[1][0] + kv[1][1]) / 2)
    centres = [(lo + hi) / 2 for _, (lo, hi) in order]
    out = []
    for i, (key, _) in enumerate(order):
        left = (centres[i - 1] + centres[i]) / 2 if i else float("-inf")
        right = (centres[i] + centres[i + 1]) / 2 if i + 1 < len(order) else float("inf")
        out.append((key, left, right))
    return out


def _cells(line: Line, words: list[Word], spans: list[tuple[str, float, float]]) -> dict[str, str]:
    cells: dict[str, list[Word]] = {}
    for word in words:
        key = max(spans, key=lambda s: min(word.x1, s[2]) - max(word.x0, s[1]))[0]
        cells.setdefault(key, []).append(word)
    out: dict[str, str] = {}
    for key, ws in cells.items():
        ws.sort(key=lambda w: w.x0)
        if key in ("name", "spec", "unit"):
            out[key] = "".join(clean(w.raw) for w in ws)
        else:
            out[key] = "".join(w.text for w in ws)
    return out


CellReader = Callable[[Line, list[Word], list[tuple[str, float, float]]], dict[str, str]]


def read_items(
    pt: PageText, table: Table, *, place: CellReader | None = None
) -> list[LineItemData]:
    """The table's items; `place` puts a row's words in columns (by default by overlap
    with the header spans; the OCR reader also goes by what each word is)."""
    place = place or _cells
    spans = intervals(table.columns)
    by_line: dict[int, list[Word]] = {}
    for word in pt.words:
        by_line.setdefault(word.line, []).append(word)
    items: list[dict[str, str]] = []
    for k in range(table.header_line + 1, len(pt.lines)):
        line = pt.lines[k]
        if _STOP.match(line.text):
            break
        words = by_line.get(k, [])
        if not words:
            continue
        cells = place(line, words, spans)
        name = cells.get("name", "")
        has_amount = parse_amount(cells.get("amount", "")) is not None
        current = items[-1] if items else None
        starts_new = (
            current is None
            or name.startswith("*")
            or (has_amount and parse_amount(current.get("amount", "")) is not None)
        )
        if starts_new:
            if not name and not has_amount:
                continue  # stray text below the table
            items.append(dict(cells))
        else:
            assert current is not None
            for key, value in cells.items():
                if key in ("name", "spec") and current.get(key):
                    current[key] += value
                elif not current.get(key):
                    current[key] = value
    return [_item(cells) for cells in items if cells.get("name") or cells.get("amount")]


def _item(cells: dict[str, str]) -> LineItemData:
    name = cells.get("name", "")
    quantity = cells.get("quantity") or None
    unit_price = cells.get("unit_price") or None
    amount = parse_amount(cells.get("amount", ""))
    tax_text = cells.get("tax_amount", "")
    tax = parse_amount(tax_text)
    rate = parse_tax_rate(cells.get("tax_rate") or None)
    if tax is None and rate == "免税" and re.fullmatch(r"\*+", tax_text):
        tax = "0.00"  # exempt lines print *** for a tax of zero
    return LineItemData(
        name=name,
        tax_category=tax_category(name),
        spec=cells.get("spec") or None,
        unit=cells.get("unit") or None,
        quantity=quantity if quantity and _NUMBER.match(quantity) else None,
        unit_price=unit_price if unit_price and _NUMBER.match(unit_price) else None,
        amount=money(amount) if amount else None,
        tax_rate=rate,
        tax_amount=money(tax) if tax else None,
    )
