"""Buyers and sellers: names, valid 统一社会信用代码, addresses, clerks."""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from fapiao.core.taxid import uscc_check_char

from . import catalogue
from .names import (
    BANKS,
    BEIJING,
    BRANDS,
    GIVEN_CHARS,
    OTHER_REGIONS,
    REGIONS_BY_NAME,
    STREETS,
    SURNAMES,
    Region,
)


@dataclass(frozen=True, slots=True)
class Party:
    """A buyer or seller as printed on an invoice (地址电话 and 开户行及账号 for renderers)."""

    name: str
    tax_id: str | None
    address_phone: str | None = None
    bank_account: str | None = None


@dataclass(slots=True)
class Seller:
    party: Party
    region: Region
    industry: catalogue.Industry
    small: bool  # 小规模纳税人: levies 1%/3% instead of 6/9/13%
    clerks: tuple[str, ...]  # 开票人: a seller has a few, not a new one per invoice
    # Categories with cumulative weights, drawn per invoice.
    categories: tuple[str, ...] = field(default=())
    category_cum: tuple[float, ...] = field(default=())


def _org_code_check(body8: str) -> str:
    # GB 11714 organisation code: positions 9-17 of a USCC are this code, check char included,
    # so generated ids look like real ones to a reader who checks that too.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch) * w for ch, w in zip(body8, weights, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(rng: random.Random, division6: str, prefix: str = "91") -> str:
    """A valid 18-character USCC for an entity registered in ``division6``."""
    body = f"{rng.randrange(10**8):08d}"
    first17 = prefix + division6 + body + _org_code_check(body)
    return first17 + uscc_check_char(first17)


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def _address_phone(rng: random.Random, region: Region, district: str) -> str:
    street = rng.choice(STREETS) if region is BEIJING else "人民路"
    phone = f"{rng.randrange(5, 9)}{rng.randrange(10**6, 10**7)}"
    return f"{region.city}{district}{street}{rng.randrange(1, 300)}号 {region.area_code}-{phone}"


def _bank_account(rng: random.Random, region: Region, district: str) -> str:
    bank = rng.choice(BANKS)
    city = region.city.removesuffix("市")
    return f"{bank}{city}{district.removesuffix('区')}支行 {rng.randrange(10**18, 10**19)}"


def _seller(
    rng: random.Random,
    name: str,
    region: Region,
    industry: catalogue.Industry,
    division: tuple[str, str],
    prefix: str,
) -> Seller:
    code6, district = division
    small = prefix == "92" or rng.random() < industry.small_share
    party = Party(
        name,
        make_uscc(rng, code6, prefix),
        _address_phone(rng, region, district),
        _bank_account(rng, region, district),
    )
    cats = tuple(c for c, _ in industry.categories)
    cum = tuple(accumulate(w for _, w in industry.categories))
    clerks = tuple(person_name(rng) for _ in range(rng.randrange(1, 4)))
    return Seller(party, region, industry, small, clerks, cats, cum)


def demo_buyer() -> Party:
    """北京示例科技有限公司, the demo organisation: fixed so fixtures can name it."""
    first17 = "91110108" + "55123456" + _org_code_check("55123456")
    return Party(
        "北京示例科技有限公司",
        first17 + uscc_check_char(first17),
        "北京市海淀区中关村大街27号 010-62345678",
        "中国工商银行北京中关村支行 0200004509200123456",
    )


class SellerPool:
    """A few hundred sellers, grouped by (region, industry) with skewed weights.

    Weights fall off with rank because a company's claims come from a handful of regular
    suppliers (the canteen, the usual hotel) and a long tail of one-offs.
    """

    def __init__(self, rng: random.Random, beijing_per_industry: int = 16) -> None:
        self.groups: dict[tuple[str, str], tuple[list[Seller], list[float]]] = {}
        self.by_tax_id: dict[str, Seller] = {}
        used_names: set[str] = set()
        regions = [BEIJING] + [r for r, _ in OTHER_REGIONS]
        for name, region_name, key, code6 in catalogue.KNOWN_SELLERS:
            region = REGIONS_BY_NAME[region_name]
            district = dict(region.districts)[code6]
            industry = catalogue.INDUSTRIES_BY_KEY[key]
            self._add(_seller(rng, name, region, industry, (code6, district), "91"))
            used_names.add(name)
        for region in regions:
            per_industry = beijing_per_industry if region is BEIJING else 2
            for industry in catalogue.INDUSTRIES:
                if not industry.suffixes:
                    continue
                for _ in range(per_industry):
                    self._add(self._invent(rng, region, industry, used_names))
        self._add_specials(rng)
        self._finish(rng)

    def _invent(
        self, rng: random.Random, region: Region, industry: catalogue.Industry, used: set[str]
    ) -> Seller:
        division = rng.choice(region.districts)
        while True:
            brand = rng.choice(BRANDS)
            if industry.alt_template and rng.random() < 0.3:
                prefix = industry.alt_prefix or "91"
                name = industry.alt_template.format(
                    city=region.city, district=division[1], brand=brand
                )
            else:
                prefix = "91"
                head = region.city.removesuffix("市") if region is BEIJING else region.city
                name = head + brand + rng.choice(industry.suffixes)
            if name not in used:
                used.add(name)
                return _seller(rng, name, region, industry, division, prefix)

    def _add(self, seller: Seller) -> None:
        key = (seller.region.name, seller.industry.key)
        self.groups.setdefault(key, ([], []))[0].append(seller)
        self.by_tax_id[seller.party.tax_id or ""] = seller

    def _finish(self, rng: random.Random) -> None:
        for sellers, cum in self.groups.values():
            rng.shuffle(sellers)
            cum.extend(accumulate(1.0 / (rank + 1) ** 0.8 for rank in range(len(sellers))))

    def pick(self, rng: random.Random, region: str, industry: str) -> Seller | None:
        group = self.groups.get((region, industry))
        if group is None:
            return None
        sellers, cum = group
        return sellers[bisect(cum, rng.random() * cum[-1])]

    def special(self, rng: random.Random, kind: str, region: str) -> Seller:
        """The rail company, airline or toll operator (``kind``) for ``region``.

        A region without one falls back to another region on the same side of the Beijing
        line, so the requested Beijing share holds for these kinds too.
        """
        by_region = self.specials[kind]
        sellers = by_region.get(region)
        if sellers is None:
            beijing = region == BEIJING.name
            pool = [s for r, ss in by_region.items() if (r == BEIJING.name) == beijing for s in ss]
            sellers = pool or [s for ss in by_region.values() for s in ss]
        return sellers[int(rng.random() * len(sellers))]

    def _add_specials(self, rng: random.Random) -> None:
        self.specials: dict[str, dict[str, list[Seller]]] = {}
        transport = catalogue.INDUSTRIES_BY_KEY["transport"]
        tables = {
            "rail": catalogue.RAIL_SELLERS,
            "air": catalogue.AIR_SELLERS,
            "toll": catalogue.TOLL_SELLERS,
        }
        for kind, table in tables.items():
            by_region: dict[str, list[Seller]] = {}
            for region_name, name, code6 in table:
                region = REGIONS_BY_NAME[region_name]
                division = (code6, dict(region.districts)[code6])
                seller = _seller(rng, name, region, transport, division, "91")
                seller.small = False
                by_region.setdefault(region_name, []).append(seller)
                self.by_tax_id[seller.party.tax_id or ""] = seller
            self.specials[kind] = by_region
