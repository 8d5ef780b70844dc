"""Line items from page text: columns from the table header, rows between it and 合计."""

from __future__ import annotations

from fapiao.core.categories import tax_category
from fapiao.core.invoice import LineItemData, parse_tax_rate
from fapiao.reader.fields import clean, money, squash
from fapiao.reader.ofd_layout import Line, TextRun

_COLUMNS = (
    ("项目名称", "name"),
    ("货物或应税劳务", "name"),
    ("规格型号", "spec"),
    ("单位", "unit"),
    ("数量", "quantity"),
    ("单价", "unit_price"),
    ("税率", "tax_rate"),
    ("征收率", "tax_rate"),
    ("税额", "tax_amount"),
    ("金额", "amount"),
)


def _column(text: str) -> str | None:
    for label, column in _COLUMNS:
        if label in text:
            return column
    return None


def _centre(run: TextRun) -> float:
    return (run.x0 + run.x1) / 2


def read_items(lines: list[Line], header: Line, end_y: float) -> list[LineItemData]:
    """Items from the rows between the header line and end_y (the 合计 line)."""
    header_runs = header.runs
    columns: list[tuple[float, str]] = []
    for run in header_runs:
        column = _column(run.key)
        if column and column not in (c for _, c in columns):
            columns.append((_centre(run), column))
    if not any(c == "name" for _, c in columns) or len(columns) < 3:
        return []
    columns.sort()
    name_x = next(x for x, c in columns if c == "name")
    after_name = [x for x, _ in columns if x > name_x]
    name_limit = (name_x + after_name[0]) / 2 if after_name else float("inf")
    header_y = header_runs[0].y
    rows: list[dict[str, str]] = []
    for line in lines:
        if not header_y < line.y < end_y:
            continue
        cells: dict[str, str] = {}
        for run in line.runs:
            if run.x0 < name_limit and _centre(run) < name_limit + 10:
                column = "name"
            else:
                column = min(columns, key=lambda c: abs(c[0] - _centre(run)))[1]
            cells[column] = cells.get(column, "") + run.text.strip()
        rows.append(cells)
    return _items(rows)


def _items(rows: list[dict[str, str]]) -> list[LineItemData]:
    items: list[LineItemData] = []
    for cells in rows:
        name = clean(cells.get("name"))
        has_numbers = any(k in cells for k in ("amount", "tax_amount", "tax_rate"))
        if items and not has_numbers and not name.startswith("*"):
            # A wrapped name (or spec) continues the item above.
            items[-1].name += name
            if cells.get("spec"):
                items[-1].spec = (items[-1].spec or "") + clean(cells["spec"])
            items[-1].tax_category = tax_category(items[-1].name)
            continue
        if not name and not has_numbers:
            continue
        items.append(
            LineItemData(
                name=name,
                tax_category=tax_category(name),
                spec=clean(cells.get("spec")) or None,
                unit=clean(cells.get("unit")) or None,
                quantity=squash(cells.get("quantity")) or None,
                unit_price=squash(cells.get("unit_price")) or None,
                amount=money(cells.get("amount")),
                tax_rate=parse_tax_rate(squash(cells.get("tax_rate"))),
                tax_amount=money(cells.get("tax_amount")),
            )
        )
    return items
