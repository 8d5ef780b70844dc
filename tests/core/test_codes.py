import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.codes import (
    PROVINCE_NAMES,
    REGION_NAMES,
    IssuerInfo,
    decode,
    decode_invoice_code,
    decode_shudian_number,
    identity_key,
    number_format_problems,
    region_name,
)

TODAY = datetime.date(2025, 6, 1)


def test_ten_digit_beijing_special_vat() -> None:
    info = decode_invoice_code("1100094140", today=TODAY)
    assert info == IssuerInfo(
        region="北京",
        region_code="1100",
        is_beijing=True,
        year=2009,
        kind="01",
        kind_name="增值税专用发票",
        form="code10",
    )


def test_twelve_digit_tianjin_e_invoice() -> None:
    info = decode_invoice_code("012001800311", today=TODAY)
    assert info is not None
    assert (info.region, info.year, info.kind, info.form) == ("天津", 2018, "10", "code12")
    assert not info.is_beijing
    assert info.kind_name == "增值税电子普通发票"


def test_twelve_digit_beijing_2016() -> None:
    info = decode_invoice_code("011001605111", today=TODAY)
    assert info is not None
    assert (info.region, info.is_beijing, info.year, info.kind) == ("北京", True, 2016, "10")


@pytest.mark.parametrize(
    ("digit8", "kind"),
    [("1", "01"), ("5", "01"), ("3", "04"), ("6", "04"), ("2", "02"), ("7", "02"), ("9", None)],
)
def test_ten_digit_kind_digit(digit8: str, kind: str | None) -> None:
    info = decode_invoice_code(f"1100194{digit8}30", today=TODAY)
    assert info is not None and info.kind == kind


@pytest.mark.parametrize(
    ("tail", "kind"),
    [
        ("11", "10"),
        ("12", "14"),
        ("04", "04"),
        ("05", "04"),
        ("06", "11"),
        ("07", "11"),
        ("17", "15"),
        ("13", None),  # said to be 电子专票, but unverified: not guessed
        ("99", None),
    ],
)
def test_twelve_digit_kind(tail: str, kind: str | None) -> None:
    info = decode_invoice_code(f"0440019001{tail}", today=TODAY)
    assert info is not None and info.kind == kind and info.region == "广东"


def test_general_invoice_code_has_region_but_no_vat_kind() -> None:
    info = decode_invoice_code("144002288010", today=TODAY)
    assert info is not None
    assert (info.region, info.year, info.kind) == ("广东", 2022, None)


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("4403181130", "深圳"),
        ("3702181130", "青岛"),
        ("2102181130", "大连"),
        ("3302181130", "宁波"),
        ("3502181130", "厦门"),
        ("3100181130", "上海"),
        ("4401181130", "广东"),  # a city without its own bureau: its province
        ("9900181130", None),
    ],
)
def test_ten_digit_regions(code: str, region: str | None) -> None:
    info = decode_invoice_code(code, today=TODAY)
    assert info is not None and info.region == region
    assert not info.is_beijing


def test_two_digit_year_century() -> None:
    assert decode_invoice_code("1100261130", today=TODAY).year == 2026  # type: ignore[union-attr]
    assert decode_invoice_code("1100271130", today=TODAY).year == 1927  # type: ignore[union-attr]
    assert decode_invoice_code("1100991130", today=TODAY).year == 1999  # type: ignore[union-attr]


@pytest.mark.parametrize("code", ["", "110009414", "11000941401", "A100094140", "0120018003111"])
def test_decode_invoice_code_rejects_other_shapes(code: str) -> None:
    assert decode_invoice_code(code) is None


def test_decode_invoice_code_tolerates_spaces_and_fullwidth() -> None:
    info = decode_invoice_code(" 0120 0180 0311 ", today=TODAY)
    assert info is not None and info.region == "天津"
    info = decode_invoice_code("１１０００９４１４０", today=TODAY)
    assert info is not None and info.region == "北京"


@pytest.mark.parametrize(
    ("number", "region", "code", "year"),
    [
        ("25442000000127444519", "广东", "44", 2025),
        ("25924000000001260164", "青岛", "92", 2025),
        ("23512000000058396237", "四川", "51", 2023),
        ("24312000000136634917", "上海", "31", 2024),
        ("25112000000000000001", "北京", "11", 2025),
    ],
)
def test_shudian_numbers(number: str, region: str, code: str, year: int) -> None:
    info = decode_shudian_number(number)
    assert info is not None
    assert (info.region, info.region_code, info.year, info.form) == (
        region,
        code,
        year,
        "shudian20",
    )
    assert info.kind is None and info.kind_name is None
    assert info.is_beijing == (region == "北京")


@pytest.mark.parametrize(
    "number", ["2544200000012744451", "254420000001274445190", "25A42000000127444519"]
)
def test_shudian_rejects_other_shapes(number: str) -> None:
    assert decode_shudian_number(number) is None


def test_shudian_unknown_province() -> None:
    info = decode_shudian_number("25992000000127444519")
    assert info is not None and info.region is None and not info.is_beijing


def test_decode_picks_by_form() -> None:
    assert decode("1100094140", "87654321", today=TODAY).form == "code10"  # type: ignore[union-attr]
    assert decode(None, "25442000000127444519").form == "shudian20"  # type: ignore[union-attr]
    assert decode("", "25442000000127444519").region == "广东"  # type: ignore[union-attr]
    assert decode(None, "87654321") is None
    assert decode(None, None) is None


def test_region_tables() -> None:
    assert region_name("11") == "北京"
    assert region_name("1100") == "北京"
    assert region_name("4403") == "深圳"
    assert region_name("92") == "青岛"
    assert region_name("1") is None
    assert region_name(None) is None
    assert len(PROVINCE_NAMES) == 31
    assert REGION_NAMES["6500"] == "新疆"


@pytest.mark.parametrize(
    ("code", "number"),
    [
        ("1100094140", "87654321"),
        ("012001800311", "33207675"),
        (None, "25442000000127444519"),
        ("", "24312000000136634917"),
        (None, None),
        ("1100094140", None),
    ],
)
def test_no_problems_for_good_numbers(code: str | None, number: str | None) -> None:
    assert number_format_problems(code, number, today=TODAY) == []


def test_problem_code_length() -> None:
    problems = number_format_problems("11000941", "87654321", today=TODAY)
    assert len(problems) == 1 and "10位或12位" in problems[0] and "8位" in problems[0]


def test_problem_code_not_digits() -> None:
    assert "非数字" in number_format_problems("11000941O0", "87654321", today=TODAY)[0]


def test_problem_number_length_with_code() -> None:
    problems = number_format_problems("1100094140", "8765432", today=TODAY)
    assert len(problems) == 1 and "8位" in problems[0]


def test_problem_eight_digit_number_without_code() -> None:
    problems = number_format_problems(None, "87654321", today=TODAY)
    assert len(problems) == 1 and "补充发票代码" in problems[0]


def test_problem_number_not_digits() -> None:
    assert "非数字" in number_format_problems(None, "2544200000012744451X", today=TODAY)[0]


def test_problem_shudian_year_and_province() -> None:
    problems = number_format_problems(None, "19992000000127444519", today=TODAY)
    assert len(problems) == 2
    assert "2019年" in problems[0]
    assert "「99」" in problems[1]
    assert number_format_problems(None, "27442000000127444519", today=TODAY) != []
    assert number_format_problems(None, "26442000000127444519", today=TODAY) == []


def test_identity_key() -> None:
    assert identity_key("011001605111", "80100798") == "011001605111:80100798"
    assert identity_key(None, "25442000000127444519") == "25442000000127444519"
    assert identity_key("", " 2544 2000 0001 2744 4519 ") == "25442000000127444519"
    assert identity_key(" 0110 0160 5111", "0010 0798") == "011001605111:00100798"
    with pytest.raises(ValueError, match="发票号码为空"):
        identity_key("1100094140", "  ")


@given(st.from_regex(r"\A[0-9]{10}\Z|\A0[0-9]{11}\Z"))
def test_every_digit_code_decodes(code: str) -> None:
    info = decode_invoice_code(code, today=TODAY)
    assert info is not None
    assert info.form == ("code10" if len(code) == 10 else "code12")
    assert info.year is not None and 1900 <= info.year <= TODAY.year + 1
    assert info.is_beijing == (info.region_code is not None and info.region_code[:2] == "11")
    if info.is_beijing:
        assert info.region == "北京"


@given(st.text(alphabet="0123456789 ", max_size=25), st.text(alphabet="0123456789", max_size=25))
def test_identity_key_is_stable_under_spaces(code: str, number: str) -> None:
    if not number:
        return
    assert identity_key(code, number) == identity_key(code.replace(" ", ""), f" {number} ")
