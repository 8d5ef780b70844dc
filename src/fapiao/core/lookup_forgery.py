"""Structural signs that a typed code or number cannot be a genuine invoice: a year in the
future, a region or kind digit that does not exist, a year contradicting the issue date, or
a QR code that says something else than the printed text. No Django here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from fapiao.core.codes import SHUDIAN_FIRST_YEAR, decode_invoice_code, region_name
from fapiao.core.qr import parse_qr


@dataclass(frozen=True)
class StructureSignal:
    message: str
    evidence: dict[str, str] = field(default_factory=dict)


def structural_signals(
    code: str, number: str, *, issue_date: datetime.date | None, today: datetime.date
) -> list[StructureSignal]:
    """Things no genuine code/number can have (a year in the future, a region or kind digit
    that does not exist, a year that contradicts the issue date). Input is well-formed."""
    signals: list[StructureSignal] = []
    if code:
        info = decode_invoice_code(code, today=today)
        if info is None:
            return signals
        if info.region is None:
            signals.append(
                StructureSignal(
                    f"发票代码的地区代码「{info.region_code}」不属于任何省市",
                    {"region_code": info.region_code or ""},
                )
            )
        if info.form == "code10" and code[7] not in "123567":
            signals.append(
                StructureSignal(
                    f"10位发票代码第8位「{code[7]}」不是任何发票种类", {"digit": code[7]}
                )
            )
        if info.form == "code12" and code[0] not in "0123":
            signals.append(
                StructureSignal(f"12位发票代码首位「{code[0]}」不存在", {"digit": code[0]})
            )
        year = info.year
    else:
        year = 2000 + int(number[:2]) if len(number) == 20 else None
        if year is not None and region_name(number[2:4]) is None:
            signals.append(
                StructureSignal(
                    f"数电发票号码的地区代码「{number[2:4]}」不存在", {"region_code": number[2:4]}
                )
            )
        if year is not None and year < SHUDIAN_FIRST_YEAR:
            signals.append(StructureSignal(f"数电发票在{SHUDIAN_FIRST_YEAR}年才开始开具"))
    if year is not None and year > today.year:
        signals.append(StructureSignal(f"代码或号码中的年份{year}年还没有到", {"year": str(year)}))
    if year is not None and issue_date is not None and issue_date.year < year:
        signals.append(
            StructureSignal(
                f"代码或号码表示{year}年印制或开具，但开票日期是{issue_date.isoformat()}，早于该年",
                {"year": str(year), "issue_date": issue_date.isoformat()},
            )
        )
    return signals


def qr_disagreements(
    qr_text: str,
    *,
    code: str,
    number: str,
    issue_date: datetime.date | None,
    amount: str | None,
) -> list[StructureSignal]:
    """Fields where the invoice's QR text says something else than the printed text typed in.
    A QR that is not an invoice QR at all is itself a signal."""
    payload = parse_qr(qr_text)
    if payload is None:
        return [StructureSignal("二维码内容不是发票二维码格式")]
    out: list[StructureSignal] = []
    pairs = [
        ("发票代码", payload.invoice_code or "", code),
        ("发票号码", payload.invoice_number or "", number),
    ]
    if issue_date is not None and payload.issue_date is not None:
        pairs.append(("开票日期", payload.issue_date.isoformat(), issue_date.isoformat()))
    for label, in_qr, typed in pairs:
        if typed and in_qr != typed:
            out.append(
                StructureSignal(
                    f"二维码中的{label}「{in_qr}」与票面「{typed}」不一致", {"field": label}
                )
            )
    if amount and payload.amount is not None:
        try:
            typed_amount = Decimal(amount)
        except InvalidOperation:
            return out
        # The QR holds the amount before tax (old invoices) or the total (数电): a typed
        # amount matching neither is a disagreement only when the kinds are known to match.
        if payload.amount_is_total and typed_amount != payload.amount:
            out.append(
                StructureSignal(
                    f"二维码中的价税合计{payload.amount}与票面{typed_amount}不一致",
                    {"field": "价税合计"},
                )
            )
    return out
