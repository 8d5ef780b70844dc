"""CorpusGenerator: realistic received invoices as data, deterministic for a seed.

Data first: everything an invoice says is in the InvoiceData it yields, and the parties'
addresses and bank accounts (which InvoiceData has no fields for) are in
``generator.party(tax_id)``, so a renderer (PDF/OFD/XML/images, tests/corpus/) needs
nothing else.

The random stream is consumed identically with and without line items, so a header-only
corpus (fast, for benchmarks) has the same headers as the full one for the same seed.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from fapiao.core.invoice import InvoiceData
from fapiao.core.kinds import kind_name
from fapiao.core.money import to_chinese_upper

from . import catalogue, defects
from .amounts import Line, RateTable, draw_line, negate, part_of, rate_table, yuan
from .names import AIR_ROUTES, BEIJING, OTHER_REGIONS, RAIL_ROUTES, REGIONS_BY_NAME, Region
from .numbers import NumberAllocator, check_code
from .parties import Party, Seller, SellerPool, demo_buyer, person_name

__all__ = ["CorpusGenerator", "Party"]

# Which families of invoice a finance team received, by period: old-style invoices give way
# to 数电 from the Dec 2021 pilots to the nationwide switch in late 2024, when rail and air
# e-tickets (51/61) began. Weights per family; "old" becomes 01 or 10 by the seller.
_ERAS: tuple[tuple[date, tuple[tuple[str, float], ...]], ...] = (
    (date.min, (("old", 92), ("toll", 8))),
    (date(2021, 12, 1), (("shudian", 10), ("old", 82), ("toll", 8))),
    (date(2023, 1, 1), (("shudian", 55), ("old", 40), ("toll", 5))),
    (
        date(2024, 11, 1),
        (("shudian", 90), ("old", 3), ("toll", 3), ("rail", 2.5), ("air", 1.5)),
    ),
)
_ERA_STARTS = [start.toordinal() for start, _ in _ERAS]
_ERA_FAMILIES = [tuple(f for f, _ in mix) for _, mix in _ERAS]
_ERA_CUMS = [tuple(accumulate(w for _, w in mix)) for _, mix in _ERAS]

# Weekends see a fraction of the weekday volume (hotels and meals on trips, mostly).
_DAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.2, 0.12)

_INDUSTRY_KEYS = tuple(i.key for i in catalogue.INDUSTRIES)
_INDUSTRY_CUM = tuple(accumulate(i.weight for i in catalogue.INDUSTRIES))
_OTHER_CUM = tuple(accumulate(w for _, w in OTHER_REGIONS))
_SPECIAL_KINDS = {"toll": "14", "rail": "51", "air": "61"}
_INDIVIDUAL_OK = frozenset({"32", "10", "51", "61"})  # 专票 always name a VAT payer
_AIRLINE_CODES = ("CA", "MU", "CZ", "3U")
_RED_FULL_SHARE = 0.7
_RED_DELAY_DAYS = 45  # a red invoice follows its blue one within weeks
# Looked up once: kind_name normalises its input, which costs more per call than a dict.
_KIND_NAMES = {k: kind_name(k) for k in ("01", "10", "14", "31", "32", "51", "61")}


@dataclass(slots=True)
class _Blue:
    """What a later red invoice needs of the blue one it reverses."""

    invoice: InvoiceData
    seller: Seller
    lines: list[Line]
    full: bool


class CorpusGenerator:
    """Deterministic invoice generator for the demo organisation, tests and benchmarks."""

    def __init__(self, seed: int, *, today: date, buyer: Party | None = None) -> None:
        self.seed = seed
        self.today = today
        self.buyer = buyer or demo_buyer()
        self._rng = random.Random(seed)
        # The pool comes from its own stream so that drawing invoices never changes it.
        self.sellers = SellerPool(random.Random(f"{seed}:sellers"))
        self._numbers = NumberAllocator(self._rng)

    # -- public ------------------------------------------------------------------------

    def party(self, tax_id: str) -> Party | None:
        """The full party (address, bank) behind a tax id on a generated invoice."""
        if tax_id == self.buyer.tax_id:
            return self.buyer
        seller = self.sellers.by_tax_id.get(tax_id)
        return seller.party if seller else None

    def invoices(
        self,
        n: int,
        *,
        start: date,
        end: date,
        beijing_share: float = 0.75,
        red_share: float = 0.02,
        voided_share: float = 0.01,
        with_items: bool = True,
    ) -> Iterator[InvoiceData]:
        """``n`` invoices issued in [start, end], red ones included in the count.

        Successive calls continue the same random stream and number series, so identity keys
        stay unique across calls on one generator.
        """
        if start > end:
            raise ValueError("start is after end")
        if end > self.today:
            raise ValueError("end is after today: the tax platform has no future invoices")
        rng = self._rng
        days, day_cum = _day_table(start, end)
        eras = [bisect(_ERA_STARTS, d.toordinal()) - 1 for d in days]
        # A blue 数电 invoice is reversed with the probability that makes reds about
        # red_share of the output (only 数电 invoices are red-flushed here).
        shudian_share = _shudian_share(eras, day_cum)
        p_red = red_share / max(shudian_share * (1 - red_share), 1e-9) if shudian_share else 0.0
        pending: list[_Blue] = []
        for i in range(n):
            left = n - i
            if pending and (left <= len(pending) or rng.random() < 0.25):
                yield self._red(pending.pop(0), end, with_items)
                continue
            pick = bisect(day_cum, rng.random() * day_cum[-1])
            day, era = days[pick], eras[pick]
            blue = self._blue(day, era, beijing_share, with_items)
            inv = blue.invoice
            roll = rng.random()
            if inv.invoice_type in ("31", "32") and roll < p_red and left - 1 > len(pending):
                blue.full = rng.random() < _RED_FULL_SHARE
                inv.tax_status = "red_full" if blue.full else "red_partial"
                pending.append(blue)
            elif inv.invoice_type not in ("51", "61") and roll > 1 - voided_share:
                inv.tax_status = "voided"
            yield inv

    def duplicate_of(self, inv: InvoiceData) -> InvoiceData:
        """A deliberate re-upload of ``inv``: same identity, independent objects."""
        return defects.duplicate_of(inv)

    def broken(self, inv: InvoiceData, defect: str) -> InvoiceData:
        """A copy of ``inv`` with one deliberate defect (see defects.DEFECTS)."""
        return defects.broken(inv, defect, today=self.today)

    # -- one invoice -------------------------------------------------------------------

    def _region(self, beijing_share: float) -> Region:
        rng = self._rng
        if rng.random() < beijing_share:
            return BEIJING
        return OTHER_REGIONS[bisect(_OTHER_CUM, rng.random() * _OTHER_CUM[-1])][0]

    def _seller(self, region: Region) -> Seller:
        rng = self._rng
        for _ in range(8):
            key = _INDUSTRY_KEYS[bisect(_INDUSTRY_CUM, rng.random() * _INDUSTRY_CUM[-1])]
            seller = self.sellers.pick(rng, region.name, key)
            if seller is not None:
                return seller
        # Trades served only by well-known sellers (petrol, telecom) may be missing from a
        # region: fall back to a trade every region has.
        seller = self.sellers.pick(rng, region.name, "catering")
        assert seller is not None
        return seller

    def _blue(self, day: date, era: int, beijing_share: float, with_items: bool) -> _Blue:
        rng = self._rng
        families, cum = _ERA_FAMILIES[era], _ERA_CUMS[era]
        family = families[bisect(cum, rng.random() * cum[-1])]
        region = self._region(beijing_share)
        if family in _SPECIAL_KINDS:
            kind = _SPECIAL_KINDS[family]
            seller = self.sellers.special(rng, family, region.name)
        else:
            seller = self._seller(region)
            # Small taxpayers and restaurants mostly issue 普票 (meals are not deductible).
            p_special = seller.industry.p_special * (0.3 if seller.small else 1.0)
            special = rng.random() < p_special
            kind = {"shudian": ("32", "31"), "old": ("10", "01")}[family][special]
        region = seller.region
        lines = self._lines(kind, seller, rate_table(day.toordinal()))
        buyer_name, buyer_tax_id = self.buyer.name, self.buyer.tax_id
        if kind in _INDIVIDUAL_OK and rng.random() < 0.03:
            buyer_name = "个人" if rng.random() < 0.5 else person_name(rng)
            buyer_tax_id = None
        if kind in ("31", "32", "51", "61"):
            code, number = None, self._numbers.shudian(day.year, region)
        else:
            code, number = self._numbers.old(kind, day.year, region)
        check = check_code(rng) if kind in ("10", "14") else None
        clerks = seller.clerks
        issuer = None if kind in ("51", "61") else clerks[int(rng.random() * len(clerks))]
        remarks = self._remarks(kind, lines, day, region)
        inv = _assemble(
            kind, code, number, day, check, region, buyer_name, buyer_tax_id,
            seller, lines, remarks, issuer, with_items,
        )  # fmt: skip
        return _Blue(inv, seller, lines, True)

    def _lines(self, kind: str, seller: Seller, rates: RateTable) -> list[Line]:
        rng = self._rng
        small = seller.small
        if kind == "14":
            return [draw_line(rng, "经营租赁", catalogue.TOLL_ITEM, rates, False)]
        if kind == "51":
            return [draw_line(rng, "旅客运输服务", catalogue.RAIL_ITEM, rates, False)]
        if kind == "61":
            return [
                draw_line(rng, "旅客运输服务", catalogue.AIR_FARE_ITEM, rates, False),
                draw_line(rng, "旅客运输服务", catalogue.AIR_FUND_ITEM, rates, False),
            ]
        cum = seller.category_cum
        name = seller.categories[bisect(cum, rng.random() * cum[-1])]
        category = catalogue.CATEGORIES[name]
        items = category.items
        count = 1
        if category.max_lines > 1:
            count = 1 + int(rng.random() ** 2 * category.max_lines)
        return [
            draw_line(rng, name, items[int(rng.random() * len(items))], rates, small)
            for _ in range(count)
        ]

    def _remarks(self, kind: str, lines: list[Line], day: date, region: Region) -> str | None:
        rng = self._rng
        first = lines[0]
        if kind == "51":
            origin, dest = RAIL_ROUTES[int(rng.random() * len(RAIL_ROUTES))]
            train = f"{'GD'[int(rng.random() * 2)]}{1 + int(rng.random() * 999)}"
            return f"{train} {origin}-{dest} 乘车人：{person_name(rng)}"
        if kind == "61":
            origin, dest = AIR_ROUTES[int(rng.random() * len(AIR_ROUTES))]
            airline = _AIRLINE_CODES[int(rng.random() * len(_AIRLINE_CODES))]
            flight = f"{airline}{1000 + int(rng.random() * 8999)}"
            return f"{flight} {origin}-{dest} 旅客：{person_name(rng)}"
        if first.category == "建筑服务":
            # Required on every 建筑服务 invoice: where the work is and which project.
            _, district = region.districts[int(rng.random() * len(region.districts))]
            return f"建筑服务发生地：{region.city}{district} 项目名称：办公区装修改造工程"
        if first.category == "住宿服务" and rng.random() < 0.4:
            nights = first.quantity or 1
            arrive = day - timedelta(days=nights)
            return f"入住日期：{arrive:%Y-%m-%d} 离店日期：{day:%Y-%m-%d}"
        if first.item.name == "国内道路货物运输服务":
            return f"起运地：{region.city} 到达地：{REGIONS_BY_NAME['北京'].city} 车种车号：货车"
        if rng.random() < 0.08:
            return f"订单号：{rng.getrandbits(40):013d}"
        return None

    def _red(self, blue: _Blue, end: date, with_items: bool) -> InvoiceData:
        rng = self._rng
        orig = blue.invoice
        assert orig.issue_date is not None
        latest = min(end, self.today)
        day = min(orig.issue_date + timedelta(days=int(rng.random() * _RED_DELAY_DAYS)), latest)
        if blue.full:
            lines = [negate(line) for line in blue.lines]
        elif len(blue.lines) > 1:
            # Return some of the goods: reverse a proper subset of the lines.
            keep = 1 + int(rng.random() * (len(blue.lines) - 1))
            chosen = sorted(rng.sample(range(len(blue.lines)), keep))
            lines = [negate(blue.lines[k]) for k in chosen]
        else:
            lines = [part_of(rng, blue.lines[0])]
        region = blue.seller.region
        number = self._numbers.shudian(day.year, region)
        remarks = f"被红冲蓝字数电发票号码：{orig.invoice_number}"
        inv = _assemble(
            orig.invoice_type or "32", None, number, day, None, region, orig.buyer_name,
            orig.buyer_tax_id, blue.seller, lines, remarks, orig.issuer, with_items,
        )  # fmt: skip
        inv.is_red = True
        inv.original_invoice_number = orig.invoice_number
        return inv


_UPPER_MEMO: dict[int, str] = {}
_UPPER_MEMO_MAX = 500_000


def _upper(total_c: int, total: Decimal) -> str:
    """core's to_chinese_upper, memoised by the fen: totals cluster on round sums (prices
    are set tax-inclusive), so most are repeats, and it is the costliest call per invoice.
    """
    text = _UPPER_MEMO.get(total_c)
    if text is None:
        if len(_UPPER_MEMO) >= _UPPER_MEMO_MAX:
            _UPPER_MEMO.clear()
        text = _UPPER_MEMO[total_c] = to_chinese_upper(total)
    return text


def _assemble(
    kind: str,
    code: str | None,
    number: str,
    day: date,
    check: str | None,
    region: Region,
    buyer_name: str | None,
    buyer_tax_id: str | None,
    seller: Seller,
    lines: list[Line],
    remarks: str | None,
    issuer: str | None,
    with_items: bool,
) -> InvoiceData:
    amount_c = tax_c = 0
    for line in lines:
        amount_c += line.amount_c
        tax_c += line.tax_c
    total_c = amount_c + tax_c
    total = yuan(total_c)
    return InvoiceData(
        invoice_type=kind,
        invoice_type_name=_KIND_NAMES[kind],
        invoice_code=code,
        invoice_number=number,
        issue_date=day,
        check_code=check,
        region=region.name,
        buyer_name=buyer_name,
        buyer_tax_id=buyer_tax_id,
        seller_name=seller.party.name,
        seller_tax_id=seller.party.tax_id,
        amount=yuan(amount_c),
        tax_amount=yuan(tax_c),
        total_amount=total,
        total_amount_cn=_upper(total_c, total),
        remarks=remarks,
        issuer=issuer,
        items=[line.to_data() for line in lines] if with_items else [],
    )


def _day_table(start: date, end: date) -> tuple[list[date], list[float]]:
    days = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    return days, list(accumulate(_DAY_WEIGHTS[d.weekday()] for d in days))


def _shudian_share(eras: list[int], day_cum: list[float]) -> float:
    """Expected share of 数电 invoices (31/32) over the weighted days."""
    total = 0.0
    previous = 0.0
    for era, cum in zip(eras, day_cum, strict=True):
        families, weights = _ERA_FAMILIES[era], _ERA_CUMS[era]
        share = 0.0
        if "shudian" in families:
            k = families.index("shudian")
            share = (weights[k] - (weights[k - 1] if k else 0.0)) / weights[-1]
        total += share * (cum - previous)
        previous = cum
    return total / day_cum[-1]
