"""Tax rates by date and seller, and line amounts in whole fen.

All arithmetic is on integers (fen, and rates in basis points) and turned into Decimal once
at the end: it is exact, and several times faster than Decimal arithmetic, which matters at
a million invoices.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fapiao.core.invoice import LineItemData

from .catalogue import Item

# The general rates changed twice (财税〔2018〕32号, 2019年39号公告).
_CUT_2018 = date(2018, 5, 1).toordinal()
_CUT_2019 = date(2019, 4, 1).toordinal()
# 小规模纳税人: 3% normally, 1% in the relief periods, exempt from April to December 2022.
_SMALL_1PCT_FROM = date(2020, 3, 1).toordinal()
_SMALL_1PCT_UNTIL = date(2021, 12, 31).toordinal()
_SMALL_EXEMPT_FROM = date(2022, 4, 1).toordinal()
_SMALL_EXEMPT_UNTIL = date(2022, 12, 31).toordinal()
_SMALL_1PCT_AGAIN = date(2023, 1, 1).toordinal()

EXEMPT = "免税"
NOT_TAXED = "不征税"

# A rate: (as printed in the schema, basis points; 0 for 免税/不征税).
Rate = tuple[str, int]
_RATES: dict[str, Rate] = {
    "E": (EXEMPT, 0),
    "N": (NOT_TAXED, 0),
    "3": ("0.03", 300),
}
RATE_BP: dict[str, int] = {
    "0.17": 1700,
    "0.16": 1600,
    "0.13": 1300,
    "0.11": 1100,
    "0.10": 1000,
    "0.09": 900,
    "0.06": 600,
    "0.03": 300,
    "0.01": 100,
    EXEMPT: 0,
    NOT_TAXED: 0,
}


def _r(pct: int) -> Rate:
    # The schema's normalised form, as parse_tax_rate writes it: 0.13, 0.1 (not 0.10).
    return (f"{Decimal(pct).scaleb(-2).normalize():f}", pct * 100)


def rate_for(rate_class: str, day: int, small: bool) -> Rate:
    """The rate a seller prints for an item of ``rate_class`` on day ordinal ``day``."""
    if rate_class in ("E", "N"):
        return _RATES[rate_class]
    if small:
        if _SMALL_EXEMPT_FROM <= day <= _SMALL_EXEMPT_UNTIL:
            return _RATES["E"]
        if _SMALL_1PCT_FROM <= day <= _SMALL_1PCT_UNTIL or day >= _SMALL_1PCT_AGAIN:
            return _r(1)
        return _r(3)
    if rate_class == "3":
        return _RATES["3"]
    era = 0 if day < _CUT_2018 else 1 if day < _CUT_2019 else 2
    if rate_class == "G":
        return _r((17, 16, 13)[era])
    if rate_class == "T":
        return _r((11, 10, 9)[era])
    return _r(6)


# Days on which some rate changes; between two of them every rate is constant.
_BOUNDS = sorted(
    {
        _CUT_2018,
        _CUT_2019,
        _SMALL_1PCT_FROM,
        _SMALL_1PCT_UNTIL + 1,
        _SMALL_EXEMPT_FROM,
        _SMALL_EXEMPT_UNTIL + 1,
        _SMALL_1PCT_AGAIN,
    }
)
RateTable = dict[tuple[str, bool], Rate]
_TABLES: dict[int, RateTable] = {}


def rate_table(day: int) -> RateTable:
    """Every (rate class, small taxpayer) -> rate on day ordinal ``day``, computed once per
    period: a dict lookup per line instead of date arithmetic is what keeps generation fast.
    """
    period = bisect(_BOUNDS, day)
    table = _TABLES.get(period)
    if table is None:
        table = {
            (rc, small): rate_for(rc, day, small)
            for rc in ("G", "T", "S", "E", "N", "3")
            for small in (False, True)
        }
        _TABLES[period] = table
    return table


def half_up_div(num: int, den: int) -> int:
    """num / den rounded half away from zero (den > 0), as 四舍五入 on the printed fen."""
    q = (2 * abs(num) + den) // (2 * den)
    return q if num >= 0 else -q


def split_inclusive(total_c: int, bp: int) -> tuple[int, int]:
    """(金额, 税额) in fen from a tax-inclusive price, the tax computed from the 金额."""
    amount_c = half_up_div(total_c * 10000, 10000 + bp)
    return amount_c, half_up_div(amount_c * bp, 10000)


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def draw_quantity(rng: random.Random, item: Item) -> int:
    if item.qty_hi <= item.qty_lo:
        return item.qty_lo
    # Small orders are more common than large ones.
    span = item.qty_hi - item.qty_lo + 1
    return item.qty_lo + int(rng.random() ** 2 * span)


def draw_price_fen(rng: random.Random, item: Item) -> int:
    """A tax-inclusive unit price, log-uniform in the item's range, rounded as shops do."""
    if item.hi <= item.lo:
        return round(item.lo * 100)
    price = math.exp(item.log_lo + rng.random() * item.log_span)
    if price >= 1000 and rng.random() < 0.6:
        return int(round(price, -2)) * 100  # whole hundreds for larger sums
    if price >= 20 and rng.random() < 0.7:
        return round(price) * 100
    return round(price * 100)


@dataclass(slots=True)
class Line:
    """One line in fen, before it becomes a LineItemData."""

    category: str
    item: Item
    quantity: int | None
    amount_c: int
    tax_c: int
    rate: str
    bp: int

    def to_data(self) -> LineItemData:
        qty = self.quantity
        unit_price = None
        if qty:
            # Printed as the platform does: the pre-tax unit price to many places, trailing
            # zeros dropped, so quantity x unit price reproduces the 金额 to the fen.
            text = f"{Decimal(self.amount_c) / (qty * 100):.8f}".rstrip("0")
            unit_price = text[:-1] if text.endswith(".") else text
        return LineItemData(
            name=f"*{self.category}*{self.item.name}",
            tax_category=self.category,
            spec=None,
            unit=self.item.unit if qty else None,
            quantity=str(qty) if qty else None,
            unit_price=unit_price,
            amount=yuan(self.amount_c),
            tax_rate=self.rate,
            tax_amount=yuan(self.tax_c),
        )


def draw_line(rng: random.Random, category: str, item: Item, rates: RateTable, small: bool) -> Line:
    rate, bp = rates[item.rate, small]
    # draw_quantity, draw_price_fen and split_inclusive inlined: this is the innermost loop
    # of a million-invoice run, and every amount here is positive.
    rnd = rng.random
    if item.unit is None:
        qty = None
        total_c = draw_price_fen(rng, item)
    else:
        lo, hi = item.qty_lo, item.qty_hi
        qty = lo if hi <= lo else lo + int(rnd() ** 2 * (hi - lo + 1))
        total_c = draw_price_fen(rng, item) * qty
    den = 10000 + bp
    amount_c = (total_c * 20000 + den) // (2 * den)
    tax_c = (amount_c * bp * 2 + 10000) // 20000
    return Line(category, item, qty, amount_c, tax_c, rate, bp)


def negate(line: Line) -> Line:
    return Line(
        line.category,
        line.item,
        -line.quantity if line.quantity else None,
        -line.amount_c,
        -line.tax_c,
        line.rate,
        line.bp,
    )


def part_of(rng: random.Random, line: Line) -> Line:
    """A red line reversing part of ``line``: some of its units, else a price reduction."""
    if line.quantity and line.quantity > 1:
        units = 1 + int(rng.random() * (line.quantity - 1))
        amount_c = half_up_div(line.amount_c * units, line.quantity)
        qty: int | None = -units
    else:
        share = 1 + int(rng.random() * 9)  # 10% .. 90%, a 销售折让
        amount_c = half_up_div(line.amount_c * share, 10)
        qty = None
    amount_c = max(1, amount_c)
    tax_c = half_up_div(amount_c * line.bp, 10000)
    return Line(line.category, line.item, qty, -amount_c, -tax_c, line.rate, line.bp)
