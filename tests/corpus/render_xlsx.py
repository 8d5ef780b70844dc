"""Render InvoiceData lists as the tax platform's Excel export (发票查询统计 → 导出).

Two forms, as the platform writes them: "header" (one row per invoice) and "detail" (one
row per line item, invoice columns repeated). A title row sits above the header row, and
cells vary the way real exports do: dates as date cells or text, amounts as numbers or
text, rates as "13%" or 0.13, 数电 numbers in 数电发票号码 with or without 发票号码.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook

from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.core.kinds import TAX_STATUSES

Form = Literal["header", "detail"]

DETAIL_COLUMNS = (
    "序号", "发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号",
    "购买方名称", "开票日期", "税收分类编码", "特定业务类型", "货物或应税劳务名称", "规格型号",
    "单位", "数量", "单价", "金额", "税率", "税额", "价税合计", "发票来源", "发票票种",
    "发票状态", "是否正数发票", "发票风险等级", "开票人", "备注",
)  # fmt: skip
_ITEM_COLUMNS = {"税收分类编码", "货物或应税劳务名称", "规格型号", "单位", "数量", "单价", "税率"}
HEADER_COLUMNS = tuple(c for c in DETAIL_COLUMNS if c not in _ITEM_COLUMNS)

# 发票票种 as the export writes it; odd rows use the second spelling where there is one.
_KIND_TEXT = {
    "31": ("数电发票（增值税专用发票）", "电子发票（增值税专用发票）"),
    "32": ("数电发票（普通发票）", "电子发票（普通发票）"),
    "51": ("数电发票（铁路电子客票）",),
    "61": ("数电发票（航空运输电子客票行程单）",),
    "01": ("增值税专用发票",),
    "04": ("增值税普通发票",),
    "10": ("增值税电子普通发票",),
    "14": ("增值税电子普通发票（通行费）",),
}


def _money(value: Decimal | None, vary: int) -> object:
    if value is None:
        return None
    return float(value) if vary % 2 else f"{value:.2f}"


def _rate(rate: str | None, vary: int) -> object:
    if rate is None or not rate[0].isdigit():
        return rate  # 免税, 不征税
    value = Decimal(rate)
    return float(value) if vary % 2 else f"{(value * 100).normalize():f}%"


def _date(day: dt.date | None, vary: int) -> object:
    if day is None:
        return None
    moment = dt.datetime.combine(day, dt.time(10, 11, 12))
    return moment if vary % 2 else moment.strftime("%Y-%m-%d %H:%M:%S")


def _invoice_cells(inv: InvoiceData, seq: int, risk: str, status: str | None) -> dict[str, object]:
    shudian = inv.invoice_code is None and len(inv.invoice_number or "") == 20
    kinds = _KIND_TEXT.get(inv.invoice_type or "", (inv.invoice_type_name or "",))
    return {
        "序号": seq,
        "发票代码": inv.invoice_code,
        # The platform leaves 发票号码 empty for some 数电 invoices and repeats it for others.
        "发票号码": inv.invoice_number if not shudian or seq % 3 == 0 else None,
        "数电发票号码": inv.invoice_number if shudian else None,
        "销方识别号": inv.seller_tax_id,
        "销方名称": inv.seller_name,
        "购方识别号": inv.buyer_tax_id,
        "购买方名称": inv.buyer_name,
        "开票日期": _date(inv.issue_date, seq),
        "特定业务类型": None,
        "发票来源": "电子发票服务平台" if shudian else "增值税发票管理系统",
        "发票票种": kinds[seq % len(kinds)],
        "发票状态": status or TAX_STATUSES.get(inv.tax_status, inv.tax_status),
        "是否正数发票": "否" if inv.is_red_invoice else "是",
        "发票风险等级": risk,
        "开票人": inv.issuer,
        "备注": inv.remarks,
    }


def _item_cells(item: LineItemData, vary: int) -> dict[str, object]:
    return {
        "税收分类编码": "3040201990000000000",
        "货物或应税劳务名称": item.name,
        "规格型号": item.spec,
        "单位": item.unit,
        "数量": item.quantity,
        "单价": item.unit_price,
        "金额": _money(item.amount, vary),
        "税率": _rate(item.tax_rate, vary),
        "税额": _money(item.tax_amount, vary),
        "价税合计": _money(
            None if item.amount is None else item.amount + (item.tax_amount or 0), vary
        ),
    }


def render_xlsx(
    invoices: Sequence[InvoiceData],
    *,
    form: Form = "detail",
    sheet: str = "信息汇总表",
    title: str | None = "发票查询统计（导出）",
    risk: Mapping[str, str] | None = None,
    status: Mapping[str, str] | None = None,
    totals_row: bool = True,
    rename: Mapping[str, str] | None = None,
) -> bytes:
    """The export as bytes. `risk` / `status` override 发票风险等级 / 发票状态 per number;
    `rename` writes other names for columns (older exports say 购方名称, 销方纳税人识别号)."""
    risk, status = risk or {}, status or {}
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    columns = DETAIL_COLUMNS if form == "detail" else HEADER_COLUMNS
    if title:
        ws.append([title])
        ws.append([f"导出时间：{dt.date(2026, 11, 1).isoformat()}"])
    ws.append([(rename or {}).get(c, c) for c in columns])
    for seq, inv in enumerate(invoices, start=1):
        number = inv.invoice_number or ""
        cells = _invoice_cells(inv, seq, risk.get(number, "正常"), status.get(number))
        if form == "header":
            cells["金额"] = _money(inv.amount, seq)
            cells["税额"] = _money(inv.tax_amount, seq)
            cells["价税合计"] = _money(inv.total_amount, seq)
            ws.append([cells.get(c) for c in columns])
            continue
        for pos, item in enumerate(inv.items):
            ws.append([(cells | _item_cells(item, seq + pos)).get(c) for c in columns])
    if totals_row:
        ws.append(["合计"] + [None] * (len(columns) - 1))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
