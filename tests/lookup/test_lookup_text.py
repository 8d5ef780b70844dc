"""The pure part of lookup: normalising typed numbers, distances, neighbourhoods, forgery
signals. Property tests check the neighbourhood the near-match queries rely on."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st

from fapiao.core.lookup_forgery import qr_disagreements, structural_signals
from fapiao.core.lookup_text import (
    describe_difference,
    edit_distance,
    format_problems,
    normalise_digits,
    one_edit_variants,
)

TODAY = dt.date(2026, 11, 28)
digits = st.text(alphabet="0123456789", min_size=1, max_size=20)


def test_confusable_letters_and_fullwidth_digits_become_digits() -> None:
    n = normalise_digits("２5ll2OOOOOOO12345678")
    assert n.value == "25112000000012345678"
    assert [(f.position, f.typed) for f in n.fixes][:3] == [(3, "l"), (4, "l"), (6, "O")]
    assert n.was_fullwidth
    for typed, meant in [("O", "0"), ("I", "1"), ("l", "1"), ("Z", "2"), ("S", "5"), ("B", "8")]:
        assert normalise_digits(typed).value == meant


def test_separators_are_dropped_and_other_characters_are_reported_by_position() -> None:
    assert normalise_digits("2511 2000-0000 1234").value == "2511200000001234"
    n = normalise_digits("2511#20")
    assert [(b.position, b.typed) for b in n.bad] == [(5, "#")]
    problems = format_problems(normalise_digits(""), n, today=TODAY)
    assert problems[0].position == 5 and "第5位" in problems[0].message


def test_wrong_length_names_the_position_of_the_extra_digit() -> None:
    problems = format_problems(normalise_digits(""), normalise_digits("2" * 21), today=TODAY)
    assert problems[0].field == "invoice_number" and problems[0].position == 21
    problems = format_problems(
        normalise_digits("1100251130"), normalise_digits("1234"), today=TODAY
    )
    assert "8位" in problems[0].message


@given(digits, digits)
def test_edit_distance_is_a_symmetric_measure(a: str, b: str) -> None:
    d = edit_distance(a, b)
    assert d == edit_distance(b, a)
    assert (d == 0) == (a == b)
    assert d <= max(len(a), len(b))


def reference_osa(a: str, b: str) -> int:
    """The textbook full-matrix OSA distance, to check the trimmed and bounded one against."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@given(st.text(alphabet="0123", max_size=12), st.text(alphabet="0123", max_size=12))
@example("20", "0111")  # once answered 4 for limit 2: the cap must hold at the end too
def test_trimmed_bounded_distance_matches_the_textbook_one(a: str, b: str) -> None:
    full = reference_osa(a, b)
    assert edit_distance(a, b) == full
    assert edit_distance(a, b, limit=2) == min(full, 3)


@given(digits, st.integers(0, 30), st.sampled_from("0123456789"))
def test_every_single_edit_is_in_the_neighbourhood(text: str, i: int, d: str) -> None:
    variants = one_edit_variants(text)
    i %= len(text)
    for edited in (text[:i] + d + text[i + 1 :], text[:i] + text[i + 1 :], text[:i] + d + text[i:]):
        if edited != text:
            assert edited in variants
    assert text not in variants
    assert all(edit_distance(text, v, limit=2) <= 2 for v in list(variants)[:50])


@given(
    st.text(alphabet="0123456789", min_size=20, max_size=20), st.integers(0, 19), st.integers(0, 19)
)
def test_any_swapped_pair_is_found_and_described(number: str, i: int, j: int) -> None:
    chars = list(number)
    chars[i], chars[j] = chars[j], chars[i]
    typed = "".join(chars)
    if typed == number:
        return
    assert typed in one_edit_variants(number)
    kind, _ = describe_difference("", typed, "", number) or ("", "")
    assert kind in ("swapped_digits", "wrong_year")


def test_differences_are_named() -> None:
    assert describe_difference("04512345", "1100251130", "1100251130", "04512345")[0] == (
        "swapped_fields"
    )
    assert describe_difference("1100241130", "04512345", "1100251130", "04512345")[0] == (
        "wrong_year"
    )
    assert describe_difference("", "24112000000012345678", "", "25112000000012345678")[0] == (
        "wrong_year"
    )
    assert describe_difference("", "2511200000001234567", "", "25112000000012345678")[0] == (
        "one_edit"
    )
    assert describe_difference("", "25112000000099345678", "", "25112000000012345678")[0] == (
        "two_edits"
    )
    assert describe_difference("", "25112000000999945678", "", "25112000000012345678") is None


def test_structural_signals_of_impossible_codes() -> None:
    assert structural_signals("", "25112000000012345678", issue_date=None, today=TODAY) == []
    future = structural_signals("", "29112000000012345678", issue_date=None, today=TODAY)
    assert any("还没有到" in s.message for s in future)
    region = structural_signals("", "25772000000012345678", issue_date=None, today=TODAY)
    assert any("地区代码「77」" in s.message for s in region)
    kind = structural_signals("1100251930", "12345678", issue_date=None, today=TODAY)
    assert any("第8位「9」" in s.message for s in kind)
    early = structural_signals(
        "", "25112000000012345678", issue_date=dt.date(2024, 3, 1), today=TODAY
    )
    assert any("早于该年" in s.message for s in early)


def test_qr_that_disagrees_with_the_printed_number_is_a_signal() -> None:
    qr = "01,32,,25112000000012345678,106,20250618,,1DD6"
    assert (
        qr_disagreements(
            qr,
            code="",
            number="25112000000012345678",
            issue_date=dt.date(2025, 6, 18),
            amount="106",
        )
        == []
    )
    signals = qr_disagreements(
        qr, code="", number="25112000000012345679", issue_date=dt.date(2025, 6, 18), amount="99"
    )
    assert {s.evidence["field"] for s in signals} == {"发票号码", "价税合计"}
    assert qr_disagreements("hello", code="", number="1", issue_date=None, amount=None)
