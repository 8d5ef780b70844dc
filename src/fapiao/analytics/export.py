"""The analytics report as an XLSX workbook: one sheet per view of the dashboard."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

MONEY = "#,##0.00"


def _num(value: Any) -> Any:
    # Money travels as strings; Excel needs numbers to sum them.
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for col, name in enumerate(header, start=1):
        if "金额" in name or "合计" in name or "税额" in name or "预算" in name:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = MONEY
        ws.column_dimensions[ws.cell(1, col).column_letter].width = max(12, len(name) * 2 + 2)
    return ws


def _group_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            r["label"],
            _num(r["total"]),
            _num(r["amount"]),
            _num(r["tax"]),
            r["count"],
            _num(r["share"]),
            _num(r["previous_total"]),
            _num(r["mom_change"]),
            _num(r["last_year_total"]),
            _num(r["yoy_change"]),
        ]
        for r in rows
    ]


GROUP_HEADER = [
    "名称",
    "价税合计",
    "金额",
    "税额",
    "张数",
    "占比%",
    "上期合计",
    "环比%",
    "去年同期合计",
    "同比%",
]


def report_xlsx(data: dict[str, Any], *, organisation: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    t = data["totals"]
    for row in (
        ["组织", organisation],
        ["期间", f"{data['date_from']} 至 {data['date_to']}"],
        [
            "统计口径",
            "已审核、已报销"
            + ("、待审核" if "pending_review" in data["counted_statuses"] else "")
            + "；红字发票冲减原发票；作废和重复提交不计",
        ],
        ["价税合计", _num(t["total"])],
        ["金额", _num(t["amount"])],
        ["税额", _num(t["tax"])],
        ["发票张数", t["count"]],
        ["环比%", _num(data["mom_change"])],
        ["同比%", _num(data["yoy_change"])],
        ["专票进项税额", _num(data.get("input_vat_total"))],
    ):
        ws.append(row)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 16, 60
    _sheet(wb, "按类别", GROUP_HEADER, _group_rows(data["categories"]))
    _sheet(wb, "按部门", GROUP_HEADER, _group_rows(data["departments"]))
    _sheet(
        wb,
        "月度趋势",
        ["月份", "价税合计", "张数", "去年同月合计", "专票进项税额"],
        [
            [
                m["month"],
                _num(m["total"]),
                m["count"],
                _num(m["last_year_total"]),
                _num(m["input_vat"]),
            ]
            for m in data["trend"]
        ],
    )
    _sheet(
        wb,
        "销售方前十",
        ["销售方", "价税合计", "张数"],
        [[s["label"], _num(s["total"]), s["count"]] for s in data["top_sellers"]],
    )
    _sheet(
        wb,
        "预算",
        [
            "预算",
            "部门",
            "类别",
            "周期",
            "期间",
            "预算金额",
            "已用金额",
            "已用%",
            "预计期末金额",
            "预计%",
        ],
        [
            [
                b["name"],
                b["department"],
                b["category"],
                b["period_label"],
                b["period_key"],
                _num(b["amount"]),
                _num(b["consumed"]),
                _num(b["percent"]),
                _num(b["projected"]),
                _num(b["projected_percent"]),
            ]
            for b in data.get("budgets", [])
        ],
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
