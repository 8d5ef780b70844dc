"""Deliberate defects and duplicates, for tests of the rules, the reader and ingest.

Each defect changes one fact and keeps everything derived from it consistent, so that
exactly one rule fires: e.g. a wrong total comes with a 大写 that matches the wrong total,
or the 大写 rule would fire as well.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from fapiao.core.invoice import InvoiceData
from fapiao.core.money import to_chinese_upper
from fapiao.core.taxid import USCC_ALPHABET

_ONE_YUAN = Decimal("1.00")


def duplicate_of(inv: InvoiceData) -> InvoiceData:
    """The same invoice uploaded again (as a photo after the PDF, or by a colleague)."""
    return copy.deepcopy(inv)


def _bad_tax_id(inv: InvoiceData, today: date) -> None:
    tax_id = inv.seller_tax_id or ""
    if len(tax_id) != 18:
        raise ValueError("bad_tax_id needs an 18-character seller tax id")
    # Another character from the alphabet in the check position: still looks like a USCC,
    # as a typo or an OCR slip would, but the checksum fails.
    right = USCC_ALPHABET.index(tax_id[17])
    inv.seller_tax_id = tax_id[:17] + USCC_ALPHABET[(right + 7) % len(USCC_ALPHABET)]


def _total_mismatch(inv: InvoiceData, today: date) -> None:
    assert inv.total_amount is not None
    inv.total_amount += _ONE_YUAN
    inv.total_amount_cn = to_chinese_upper(inv.total_amount)


def _cn_amount_mismatch(inv: InvoiceData, today: date) -> None:
    assert inv.total_amount is not None
    inv.total_amount_cn = to_chinese_upper(inv.total_amount + Decimal("10.00"))


def _future_date(inv: InvoiceData, today: date) -> None:
    day = today + timedelta(days=7)
    inv.issue_date = day
    number = inv.invoice_number or ""
    if inv.invoice_code is None and len(number) == 20:
        # Keep the 数电 number's year in step with the date, or a second rule would fire.
        inv.invoice_number = f"{day.year % 100:02d}{number[2:]}"


def _bad_number_format(inv: InvoiceData, today: date) -> None:
    # One digit lost, the commonest typing and OCR slip.
    inv.invoice_number = (inv.invoice_number or "")[:-1]


def _line_tax_mismatch(inv: InvoiceData, today: date) -> None:
    taxed = [item for item in inv.items if item.tax_amount and item.amount]
    if not taxed:
        raise ValueError("line_tax_mismatch needs a line item with tax")
    # A line whose tax is off by a yuan, with the header following the lines so that only
    # the per-line rule (金额 × 税率 ≠ 税额) can notice.
    delta = _ONE_YUAN if taxed[0].tax_amount > 0 else -_ONE_YUAN  # type: ignore[operator]
    taxed[0].tax_amount += delta  # type: ignore[operator]
    assert inv.tax_amount is not None and inv.total_amount is not None
    inv.tax_amount += delta
    inv.total_amount += delta
    inv.total_amount_cn = to_chinese_upper(inv.total_amount)


DEFECTS: dict[str, Callable[[InvoiceData, date], None]] = {
    "bad_tax_id": _bad_tax_id,
    "total_mismatch": _total_mismatch,
    "cn_amount_mismatch": _cn_amount_mismatch,
    "future_date": _future_date,
    "bad_number_format": _bad_number_format,
    "line_tax_mismatch": _line_tax_mismatch,
}

# The finding code (fapiao.core.rules) each defect makes the rules report.
FINDING_FOR: dict[str, str] = {name: name for name in DEFECTS} | {"bad_tax_id": "invalid_tax_id"}


def broken(inv: InvoiceData, defect: str, *, today: date) -> InvoiceData:
    """A copy of ``inv`` with ``defect`` (a key of DEFECTS); ``inv`` is left as it was."""
    try:
        apply = DEFECTS[defect]
    except KeyError:
        raise ValueError(f"unknown defect {defect!r}; known: {', '.join(DEFECTS)}") from None
    out = copy.deepcopy(inv)
    apply(out, today)
    return out
