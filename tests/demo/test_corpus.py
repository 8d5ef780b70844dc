"""The corpus generator makes invoices that the rest of the project can trust as test data."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from fapiao.core.categories import tax_category
from fapiao.core.codes import decode, identity_key
from fapiao.core.invoice import InvoiceData
from fapiao.core.kinds import TaxStatus
from fapiao.core.money import parse_chinese_upper
from fapiao.core.rules import check_invoice
from fapiao.core.taxid import is_valid_uscc
from fapiao.demo.corpus.__main__ import main
from fapiao.demo.corpus.defects import DEFECTS, FINDING_FOR
from fapiao.demo.corpus.generator import CorpusGenerator, Party
from fapiao.demo.corpus.parties import make_uscc

TODAY = date(2025, 6, 30)
START, END = date(2023, 7, 1), TODAY
BEIJING_PREFIXES = ("1101",)


def generate(n: int, seed: int = 1, **options: object) -> list[InvoiceData]:
    gen = CorpusGenerator(seed, today=TODAY)
    return list(gen.invoices(n, start=START, end=END, **options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def corpus() -> list[InvoiceData]:
    # Older dates included so that old-style codes (01/10/14) and old rates are covered.
    gen = CorpusGenerator(11, today=TODAY)
    return list(gen.invoices(6000, start=date(2017, 1, 1), end=END, red_share=0.05))


def test_same_seed_same_corpus_and_other_seed_differs() -> None:
    first = [asdict(inv) for inv in generate(300, seed=5)]
    assert first == [asdict(inv) for inv in generate(300, seed=5)]
    assert first != [asdict(inv) for inv in generate(300, seed=6)]


def test_header_only_mode_gives_the_same_headers_without_items() -> None:
    full = generate(500, seed=3)
    fast = generate(500, seed=3, with_items=False)
    assert all(not inv.items for inv in fast)
    assert [_header(inv) for inv in fast] == [_header(inv) for inv in full]


def _header(inv: InvoiceData) -> dict[str, object]:
    return {k: v for k, v in asdict(inv).items() if k != "items"}


def test_generated_invoices_pass_every_rule(corpus: list[InvoiceData]) -> None:
    # Not only no errors: a warning (line sums, kind, rate) would mean a subtly wrong corpus.
    allowed = {"not_beijing", "red_invoice"}
    bad = Counter(
        f.code for inv in corpus for f in check_invoice(inv, today=TODAY) if f.code not in allowed
    )
    assert not bad


def test_amounts_add_up_and_are_exact(corpus: list[InvoiceData]) -> None:
    for inv in corpus:
        assert inv.amount is not None and inv.tax_amount is not None
        assert inv.total_amount == inv.amount + inv.tax_amount
        assert inv.total_amount.as_tuple().exponent == -2
        assert parse_chinese_upper(inv.total_amount_cn or "") == inv.total_amount
        if inv.items:
            assert sum(Decimal(i.amount or 0) for i in inv.items) == inv.amount
            assert sum(Decimal(i.tax_amount or 0) for i in inv.items) == inv.tax_amount
        for item in inv.items:
            assert item.amount is not None and item.tax_amount is not None
            assert item.name.startswith("*") and tax_category(item.name) == item.tax_category


def test_every_tax_id_is_a_valid_uscc_and_sellers_are_registered_where_they_issue(
    corpus: list[InvoiceData],
) -> None:
    for inv in corpus:
        assert is_valid_uscc(inv.seller_tax_id or ""), inv.seller_tax_id
        assert inv.buyer_tax_id is None or is_valid_uscc(inv.buyer_tax_id)
        assert inv.seller_tax_id[:2] in {"91", "92", "93", "12", "52"}  # type: ignore[index]
        if inv.region == "北京":
            assert inv.seller_tax_id.startswith("1101", 2)  # type: ignore[union-attr]
        else:
            assert not inv.seller_tax_id.startswith("11", 2)  # type: ignore[union-attr]


def test_uscc_for_any_registration_authority_is_valid() -> None:
    import random

    rng = random.Random(0)
    for prefix in ("91", "92", "93", "12", "52"):
        code = make_uscc(rng, "110105", prefix)
        assert len(code) == 18 and code.startswith(prefix + "110105") and is_valid_uscc(code)


def test_region_decoded_from_code_or_number_is_the_generated_one(
    corpus: list[InvoiceData],
) -> None:
    for inv in corpus:
        info = decode(inv.invoice_code, inv.invoice_number, today=TODAY)
        assert info is not None, (inv.invoice_code, inv.invoice_number)
        assert info.region == inv.region
        assert info.is_beijing == (inv.region == "北京")
        assert inv.issue_date is not None and info.year == inv.issue_date.year


@pytest.mark.parametrize("share", [0.75, 0.3])
def test_beijing_share_is_roughly_as_requested(share: float) -> None:
    invoices = generate(4000, beijing_share=share, with_items=False)
    infos = [decode(inv.invoice_code, inv.invoice_number, today=TODAY) for inv in invoices]
    beijing = sum(1 for info in infos if info is not None and info.is_beijing)
    assert abs(beijing / len(invoices) - share) < 0.04


def test_kinds_have_the_right_number_shapes(corpus: list[InvoiceData]) -> None:
    kinds = Counter(inv.invoice_type for inv in corpus)
    assert {"01", "10", "14", "31", "32", "51", "61"} <= set(kinds)
    for inv in corpus:
        kind, code, number = inv.invoice_type, inv.invoice_code, inv.invoice_number or ""
        if kind in ("31", "32", "51", "61"):
            assert code is None and len(number) == 20 and inv.check_code is None
        else:
            assert code is not None and len(number) == 8
            assert len(code) == (10 if kind == "01" else 12)
            has_check = kind in ("10", "14")
            assert (inv.check_code is not None) == has_check
            if has_check:
                assert inv.check_code is not None
                assert inv.check_code.isdigit() and len(inv.check_code) == 20


def test_dates_are_in_range_and_mostly_on_weekdays(corpus: list[InvoiceData]) -> None:
    days = [inv.issue_date for inv in corpus if inv.issue_date is not None]
    assert len(days) == len(corpus) and all(date(2017, 1, 1) <= d <= END for d in days)
    weekend = sum(1 for d in days if d.weekday() >= 5)
    assert weekend / len(days) < 0.1


def test_rates_suit_the_category_and_date(corpus: list[InvoiceData]) -> None:
    by_category: dict[str, set[str]] = {}
    for inv in corpus:
        for item in inv.items:
            by_category.setdefault(item.tax_category or "", set()).add(item.tax_rate or "")
    assert by_category["餐饮服务"] <= {"0.06", "0.01", "0.03", "免税"}
    assert by_category["建筑服务"] <= {"0.09", "0.1", "0.11", "0.01", "0.03", "免税"}
    assert "0.13" in by_category["办公用品"] and "0.17" in by_category["办公用品"]
    assert by_category["医疗服务"] == {"免税"}


def test_red_invoices_reverse_an_earlier_blue_invoice(corpus: list[InvoiceData]) -> None:
    by_number = {inv.invoice_number: (k, inv) for k, inv in enumerate(corpus)}
    reds = [(k, inv) for k, inv in enumerate(corpus) if inv.is_red]
    assert len(reds) >= 0.02 * len(corpus)
    statuses: Counter[str] = Counter()
    for k, red in reds:
        assert red.total_amount is not None and red.total_amount < 0 and red.amount < 0  # type: ignore[operator]
        assert red.remarks == f"被红冲蓝字数电发票号码：{red.original_invoice_number}"
        j, blue = by_number[red.original_invoice_number]
        assert j < k and not blue.is_red
        assert blue.issue_date <= red.issue_date  # type: ignore[operator]
        assert blue.seller_tax_id == red.seller_tax_id
        statuses[blue.tax_status] += 1
        if blue.tax_status == TaxStatus.RED_FULL:
            assert red.total_amount == -blue.total_amount  # type: ignore[operator]
        else:
            assert blue.tax_status == TaxStatus.RED_PARTIAL
            assert 0 < -red.total_amount < blue.total_amount  # type: ignore[operator]
    assert statuses[TaxStatus.RED_FULL] and statuses[TaxStatus.RED_PARTIAL]
    # Every blue marked red-flushed has its red invoice in the corpus.
    marked = {inv.invoice_number for inv in corpus if inv.tax_status.startswith("red_")}
    assert marked == {red.original_invoice_number for _, red in reds}


def test_some_invoices_are_voided_and_some_buyers_are_individuals(
    corpus: list[InvoiceData],
) -> None:
    voided = [inv for inv in corpus if inv.tax_status == TaxStatus.VOIDED]
    assert 0.003 < len(voided) / len(corpus) < 0.03
    individuals = [inv for inv in corpus if inv.buyer_tax_id is None]
    assert individuals and all(inv.invoice_type in ("32", "10", "51", "61") for inv in individuals)


def test_identity_keys_are_unique_over_20000_invoices() -> None:
    gen = CorpusGenerator(2, today=TODAY)
    keys = [
        identity_key(inv.invoice_code, inv.invoice_number or "")
        for run in range(2)  # a second call continues the series
        for inv in gen.invoices(10_000, start=date(2019, 1, 1), end=END, with_items=False)
    ]
    assert len(set(keys)) == len(keys) == 20_000


def test_duplicate_of_is_the_same_invoice_as_a_separate_object(
    corpus: list[InvoiceData],
) -> None:
    gen = CorpusGenerator(11, today=TODAY)
    original = corpus[0]
    again = gen.duplicate_of(original)
    assert again == original and again is not original and again.items is not original.items
    assert identity_key(again.invoice_code, again.invoice_number or "") == identity_key(
        original.invoice_code, original.invoice_number or ""
    )


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_broken_triggers_exactly_the_intended_finding(
    defect: str, corpus: list[InvoiceData]
) -> None:
    gen = CorpusGenerator(11, today=TODAY)
    # Several kinds of invoice, red ones included, so no defect only works on one shape.
    taxed = [inv for inv in corpus if any(item.tax_amount for item in inv.items)]
    samples = [
        next(inv for inv in taxed if inv.invoice_type == kind and not inv.is_red)
        for kind in ("01", "10", "14", "31", "32", "61")
    ] + [next(inv for inv in taxed if inv.is_red)]
    for inv in samples:
        before = Counter(f.code for f in check_invoice(inv, today=TODAY))
        bad = gen.broken(inv, defect)
        after = Counter(f.code for f in check_invoice(bad, today=TODAY))
        new = after - before
        assert new == Counter({FINDING_FOR[defect]: 1}), (inv.invoice_type, new)
        assert before - after == Counter()
        assert check_invoice(inv, today=TODAY) == check_invoice(inv, today=TODAY)  # untouched


def test_broken_rejects_unknown_defects_and_inapplicable_ones(
    corpus: list[InvoiceData],
) -> None:
    gen = CorpusGenerator(11, today=TODAY)
    with pytest.raises(ValueError, match="unknown defect"):
        gen.broken(corpus[0], "no_such_defect")
    header_only = InvoiceData(invoice_number="1" * 20, seller_tax_id="x")
    with pytest.raises(ValueError):
        gen.broken(header_only, "line_tax_mismatch")
    with pytest.raises(ValueError):
        gen.broken(header_only, "bad_tax_id")


def test_sellers_are_many_and_realistic() -> None:
    gen = CorpusGenerator(4, today=TODAY)
    invoices = list(gen.invoices(3000, start=START, end=END, with_items=False))
    sellers = {inv.seller_name for inv in invoices}
    assert len(sellers) > 150
    assert all(name and name.endswith(("公司", "餐厅", "学校", "医院")) for name in sellers)
    party = gen.party(invoices[0].seller_tax_id or "")
    assert party is not None and party.address_phone and party.bank_account


def test_custom_buyer_and_defaults() -> None:
    buyer = Party("北京另一家科技有限公司", "91110105MA00000000")
    gen = CorpusGenerator(1, today=TODAY, buyer=buyer)
    names = {inv.buyer_name for inv in gen.invoices(200, start=START, end=END)}
    assert buyer.name in names
    demo = CorpusGenerator(1, today=TODAY).buyer
    assert demo.name == "北京示例科技有限公司" and is_valid_uscc(demo.tax_id or "")


def test_rejects_a_range_in_the_future() -> None:
    gen = CorpusGenerator(1, today=TODAY)
    with pytest.raises(ValueError):
        next(gen.invoices(1, start=START, end=TODAY + timedelta(days=1)))
    with pytest.raises(ValueError):
        next(gen.invoices(1, start=END, end=START))


def test_cli_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--count", "5", "--seed", "1", "--today", "2025-06-30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    first = json.loads(lines[0])
    assert {"invoice_number", "total_amount", "items", "seller_tax_id"} <= set(first)
