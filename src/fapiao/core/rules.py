"""Consistency rules: an InvoiceData in, findings out (stable codes, Chinese messages)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import lru_cache

from fapiao.core import codes, kinds
from fapiao.core.findings import Finding, Severity
from fapiao.core.invoice import NOT_TAXED, TAX_FREE, InvoiceData, find_original_invoice
from fapiao.core.money import (
    CENT,
    MoneyFormatError,
    format_money,
    parse_chinese_upper,
    to_chinese_upper,
)
from fapiao.core.taxid import check_tax_id

RULE_CODES: dict[str, Severity] = {
    "missing_field": Severity.WARNING,  # a key field could not be read
    "bad_number_format": Severity.ERROR,  # 发票代码/号码 of the wrong shape
    "invalid_tax_id": Severity.ERROR,  # buyer/seller tax id fails its form or checksum
    "future_date": Severity.ERROR,  # issued after today
    "total_mismatch": Severity.ERROR,  # 金额 + 税额 != 价税合计
    "cn_amount_mismatch": Severity.ERROR,  # 大写 unreadable or not the 价税合计
    "line_sum_mismatch": Severity.WARNING,  # line amounts/taxes do not add up to the header
    "line_tax_mismatch": Severity.WARNING,  # a line's 金额 × 税率 is not its 税额
    "unusual_tax_rate": Severity.WARNING,  # a rate not used on Chinese VAT invoices
    "kind_mismatch": Severity.WARNING,  # printed kind, declared kind and code disagree
    "not_beijing": Severity.INFO,  # issued outside Beijing
    "red_invoice": Severity.INFO,  # a red (negative) invoice
    "red_without_original": Severity.WARNING,  # a red invoice naming no blue invoice
}

KEY_FIELDS: dict[str, str] = {
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "seller_name": "销售方名称",
    "seller_tax_id": "销售方纳税人识别号",
    "buyer_name": "购买方名称",
    "total_amount": "价税合计",
}

USUAL_TAX_RATES = frozenset(
    Decimal(r) for r in ("0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.10", "0.11", "0.13")
) | {Decimal("0.16"), Decimal("0.17")}

LINE_TAX_TOLERANCE = Decimal("0.01")
SUMMARY_LINE_MARKERS = ("详见销货清单", "详见清单", "详见销售清单")

Rule = Callable[[InvoiceData, datetime.date], Iterator[Finding]]

# Bulk imports run every rule on a million invoices, so the pure helpers that several rules
# call with the same arguments are memoised (their results are immutable): the code/number
# decoding is asked twice per invoice, and printed titles repeat from invoice to invoice.
_decode = lru_cache(maxsize=64)(codes.decode)
_kind_from_name = lru_cache(maxsize=256)(kinds.kind_from_name)


def _finding(code: str, message: str, field: str | None = None) -> Finding:
    return Finding(code=code, severity=RULE_CODES[code], message=message, field=field)


def _money(value: Decimal) -> str:
    return format_money(value) or ""


def _missing_fields(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    for name, label in KEY_FIELDS.items():
        value = getattr(inv, name)
        if value is None or value == "":
            yield _finding("missing_field", f"未能读取{label}：请对照发票原件补充。", name)


def _number_format(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    for field, message in codes.number_problems(inv.invoice_code, inv.invoice_number, today=today):
        yield _finding("bad_number_format", message, field)


def _tax_ids(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    for field, label in (("seller_tax_id", "销售方"), ("buyer_tax_id", "购买方")):
        value = getattr(inv, field)
        # Individuals buy without a tax id; an absent seller id is a missing_field.
        if not value:
            continue
        check = check_tax_id(value)
        if not check.valid:
            yield _finding("invalid_tax_id", f"{label}{check.message}", field)


def _future_date(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    if inv.issue_date and inv.issue_date > today:
        yield _finding(
            "future_date",
            f"开票日期 {inv.issue_date.isoformat()} 晚于今天（{today.isoformat()}）："
            "请核对开票日期是否识别错误。",
            "issue_date",
        )


def _total(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    if inv.amount is None or inv.tax_amount is None or inv.total_amount is None:
        return
    if inv.amount + inv.tax_amount != inv.total_amount:
        yield _finding(
            "total_mismatch",
            f"合计金额 {_money(inv.amount)} 加合计税额 {_money(inv.tax_amount)} 等于 "
            f"{_money(inv.amount + inv.tax_amount)}，与价税合计 {_money(inv.total_amount)} "
            "不符：请核对这三个金额。",
            "total_amount",
        )


def _cn_amount(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    if not inv.total_amount_cn:
        return
    if _is_upper_of(inv.total_amount_cn, inv.total_amount):
        return  # the common case, checked by writing the 大写 (3x faster than reading it)
    try:
        value = parse_chinese_upper(inv.total_amount_cn)
    except MoneyFormatError:
        yield _finding(
            "cn_amount_mismatch",
            f"价税合计（大写）「{inv.total_amount_cn}」无法识别：请对照发票原件核对。",
            "total_amount_cn",
        )
        return
    if inv.total_amount is not None and value != inv.total_amount:
        yield _finding(
            "cn_amount_mismatch",
            f"价税合计（大写）「{inv.total_amount_cn}」为 {_money(value)}，与小写金额 "
            f"{_money(inv.total_amount)} 不符：请核对，大小写不一致的发票不能报销。",
            "total_amount_cn",
        )


def _is_upper_of(text: str, total: Decimal | None) -> bool:
    """True when `text` is exactly the 大写 of `total` (a whole number of fen), which
    parse_chinese_upper would read back as `total`; False only means "read it to know"."""
    if total is None:
        return False
    try:
        return total == total.quantize(CENT) and to_chinese_upper(total) == text
    except (MoneyFormatError, ArithmeticError):
        return False


def _line_sums(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    if not inv.items:
        return
    for item_field, header_field, label in (
        ("amount", "amount", "金额"),
        ("tax_amount", "tax_amount", "税额"),
    ):
        values = [getattr(item, item_field) for item in inv.items]
        header = getattr(inv, header_field)
        # Only when every line carries the value: a partly read list proves nothing.
        if header is None or any(v is None for v in values):
            continue
        total = sum(values, Decimal(0))
        if total != header:
            yield _finding(
                "line_sum_mismatch",
                f"明细{label}之和 {_money(total)} 与合计{label} {_money(header)} 不符："
                "可能有明细未读到（如销货清单），请核对。",
                header_field,
            )


def _line_rate(rate: str | None) -> Decimal | None:
    if rate is None or rate in (TAX_FREE, NOT_TAXED):
        return None
    try:
        return Decimal(rate)
    except ArithmeticError:
        return None


def _line_taxes(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    for index, item in enumerate(inv.items, start=1):
        rate = _line_rate(item.tax_rate)
        if rate is None or item.amount is None or item.tax_amount is None:
            continue
        # A summary line's tax is the sum of its list's rounded taxes, off by several fen.
        if any(marker in item.name for marker in SUMMARY_LINE_MARKERS):
            continue
        expected = item.amount * rate
        if abs(expected - item.tax_amount) > LINE_TAX_TOLERANCE:
            yield _finding(
                "line_tax_mismatch",
                f"第{index}行明细「{item.name}」金额 {_money(item.amount)} × 税率 {item.tax_rate} "
                f"应约为 {_money(expected)}，但税额为 {_money(item.tax_amount)}：请核对该行。",
                f"items[{index - 1}].tax_amount",
            )


def _tax_rates(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    for index, item in enumerate(inv.items, start=1):
        rate = _line_rate(item.tax_rate)
        if item.tax_rate is None or item.tax_rate in (TAX_FREE, NOT_TAXED):
            continue
        if rate is None or rate not in USUAL_TAX_RATES:
            yield _finding(
                "unusual_tax_rate",
                f"第{index}行明细「{item.name}」税率 {item.tax_rate} 不是常见增值税税率"
                "（0、1%、3%、5%、6%、9%、10%、11%、13%、16%、17%）：请核对是否识别错误。",
                f"items[{index - 1}].tax_rate",
            )


def _kind(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    declared = inv.invoice_type
    printed = _kind_from_name(inv.invoice_type_name) if inv.invoice_type_name else None
    if declared and printed and declared != printed:
        yield _finding(
            "kind_mismatch",
            f"发票名称「{inv.invoice_type_name}」与票种「{kinds.kind_name(declared) or declared}」"
            "不一致：请核对发票种类。",
            "invoice_type",
        )
    kind = declared or printed
    info = _decode(inv.invoice_code, inv.invoice_number, today=today)
    if not kind or info is None:
        return
    name = kinds.kind_name(kind) or kind
    if info.form == "shudian20" and not kinds.is_shudian(kind):
        message = f"20位号码无发票代码的是数电票，但票种为「{name}」：请核对票种或号码。"
    elif info.form != "shudian20" and kinds.is_shudian(kind):
        message = f"票种「{name}」是数电票，不应有发票代码 {inv.invoice_code}：请核对。"
    elif info.kind and info.kind != kind:
        message = (
            f"发票代码 {inv.invoice_code} 表示「{info.kind_name}」，与票种「{name}」不一致："
            "请核对发票代码与发票种类。"
        )
    else:
        return
    yield _finding("kind_mismatch", message, "invoice_type")


def _region(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    info = _decode(inv.invoice_code, inv.invoice_number, today=today)
    if info is not None and info.region_code is not None:
        if info.is_beijing:
            return
        region = info.region or f"地区代码 {info.region_code}"
    elif inv.region and inv.region != codes.BEIJING:
        region = inv.region
    else:
        return
    yield _finding(
        "not_beijing",
        f"这张发票由{region}开具，不是北京的发票：在北京税务系统中查不到属正常，请到开票地查验。",
        "region",
    )


def _red(inv: InvoiceData, today: datetime.date) -> Iterator[Finding]:
    if not inv.is_red_invoice:
        return
    yield _finding(
        "red_invoice", "这是一张红字（负数）发票，用于冲销一张已开具的蓝字发票。", "total_amount"
    )
    if inv.original_invoice_number or find_original_invoice(inv.remarks):
        return
    yield _finding(
        "red_without_original",
        "红字发票未注明被冲销的蓝字发票：请在备注中查找原发票号码并关联，或联系开票方确认。",
        "original_invoice_number",
    )


RULES: tuple[Rule, ...] = (
    _missing_fields,
    _number_format,
    _tax_ids,
    _future_date,
    _total,
    _cn_amount,
    _line_sums,
    _line_taxes,
    _tax_rates,
    _kind,
    _region,
    _red,
)


def check_invoice(inv: InvoiceData, *, today: datetime.date) -> list[Finding]:
    """Every finding for the invoice, in a fixed order (rule order, then field order)."""
    return [finding for rule in RULES for finding in rule(inv, today)]
