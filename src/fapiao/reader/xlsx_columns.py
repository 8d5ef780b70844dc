"""Columns of the tax platform's Excel export and the conversion of their cells.

The platform (电子税务局 发票查询统计) has renamed columns over the years and between the
header and detail forms (购方名称 / 购买方名称, 销方识别号 / 销方纳税人识别号), so columns are
found by any of their known names, compared without spaces, asterisks or width differences.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fapiao.core._text import strip_spaces, to_halfwidth
from fapiao.core.invoice import parse_date
from fapiao.core.kinds import kind_from_name
from fapiao.core.money import MoneyFormatError, parse_money

# Field -> header texts (normalised by header_key) that name it.
ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "code": ("发票代码",),
    "number": ("发票号码",),
    "shudian": ("数电发票号码", "数电票号码", "全电发票号码", "数电号码"),
    "seller_tax_id": (
        "销方识别号", "销方纳税人识别号", "销售方识别号", "销售方纳税人识别号", "销方税号",
        "销售方统一社会信用代码/纳税人识别号",
    ),
    "seller_name": ("销方名称", "销售方名称", "销方纳税人名称", "销售方纳税人名称"),
    "buyer_tax_id": (
        "购方识别号", "购方纳税人识别号", "购买方识别号", "购买方纳税人识别号", "购方税号",
        "购买方统一社会信用代码/纳税人识别号",
    ),
    "buyer_name": ("购买方名称", "购方名称", "购方纳税人名称", "购买方纳税人名称"),
    "issue_date": ("开票日期", "开票时间"),
    "tax_code": ("税收分类编码", "税收编码"),
    "business_type": ("特定业务类型",),
    "item_name": ("货物或应税劳务名称", "货物或应税劳务、服务名称", "项目名称", "商品名称"),
    "spec": ("规格型号",),
    "unit": ("单位",),
    "quantity": ("数量",),
    "unit_price": ("单价",),
    "amount": ("金额", "合计金额"),
    "tax_rate": ("税率", "税率/征收率", "征收率"),
    "tax_amount": ("税额", "合计税额"),
    "total_amount": ("价税合计",),
    "origin": ("发票来源",),
    "kind": ("发票票种", "票种", "发票类型", "发票种类"),
    "status": ("发票状态",),
    "positive": ("是否正数发票", "是否蓝字发票"),
    "risk_level": ("发票风险等级", "风险等级"),
    "issuer": ("开票人",),
    "remarks": ("备注",),
}  # fmt: skip
_BY_HEADER = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
# Leading zeros Excel drops when a code is stored as a number.
_CODE_LENGTHS = {9: 10, 11: 12}


class CellError(ValueError):
    """A cell that cannot be read; the message (Chinese) names the column and what to do."""


def header_key(value: object) -> str:
    text = strip_spaces(to_halfwidth(str(value or ""))).replace("*", "")
    return text.replace("(", "").replace(")", "")


def map_header(row: tuple[object, ...]) -> dict[str, int]:
    """Field -> column index for a candidate header row (the first column of each name)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _BY_HEADER.get(header_key(cell))
        if name and name not in found:
            found[name] = index
    return found


def is_header(columns: dict[str, int]) -> bool:
    has_number = "number" in columns or "shudian" in columns
    has_money = "amount" in columns or "total_amount" in columns
    return has_number and has_money and ("issue_date" in columns or "seller_tax_id" in columns)


def text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    return result or None


def digits(value: object, label: str) -> str | None:
    """A code or number: text as exported, or a number Excel made of it (zeros restored)."""
    if value is None:
        return None
    if isinstance(value, float):
        # Above 15 digits a float has lost digits (20-digit 数电 numbers): unrecoverable.
        if not value.is_integer() or value >= 1e15:
            raise CellError(
                f"{label}被 Excel 存成了数字，已丢失位数："
                "请从电子税务局重新导出，不要在 Excel 中编辑后保存。"
            )
        value = int(value)
    raw = strip_spaces(to_halfwidth(str(value))).lstrip("'")
    if not raw:
        return None
    if not raw.isdigit():
        raise CellError(f"{label}「{raw}」不是数字：请核对这一行。")
    if isinstance(value, int) and len(raw) in _CODE_LENGTHS:
        raw = raw.zfill(_CODE_LENGTHS[len(raw)])
    return raw


def money(value: object, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        # A number cell: the shortest decimal that reads back as this float, to the fen.
        value = Decimal(repr(value)).quantize(Decimal("0.01"))
    try:
        amount = parse_money(value if isinstance(value, str | int | Decimal) else str(value))
    except MoneyFormatError as exc:
        raise CellError(f"{label}「{value}」无法识别：请核对这一行的金额。") from exc
    return amount.quantize(Decimal("0.01")) if amount is not None else None


def date(value: object) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CellError(f"开票日期「{value}」无法识别：应为 2025-03-07 这样的日期。") from exc


def kind(value: object) -> str | None:
    """QR type code for a 发票票种 such as 数电发票（增值税专用发票） or 增值税电子普通发票."""
    name = strip_spaces(to_halfwidth(str(value or "")))
    if not name:
        return None
    code = kind_from_name(name)
    # 数电发票（增值税专用发票） contains 增值税专用发票 (the paper kind 01): the 数电/全电
    # prefix decides, unless a more specific kind (铁路, 航空) was found.
    if ("数电" in name or "全电" in name) and code in (None, "01", "04", "08", "10"):
        if "专用" in name:
            return "31"
        if "普通" in name:
            return "32"
    return code


def is_negative_flag(value: object) -> bool:
    """是否正数发票 = 否 (or 是否蓝字发票 = 否) marks a red invoice."""
    flag = strip_spaces(to_halfwidth(str(value or "")))
    return flag in ("否", "N", "n", "0", "红字", "负数")
