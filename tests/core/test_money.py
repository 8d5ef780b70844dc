from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.money import (
    MoneyFormatError,
    chinese_upper_matches,
    format_money,
    parse_chinese_upper,
    parse_money,
    to_chinese_upper,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("¥1,234.50", "1234.50"),
        ("￥1234.5", "1234.50"),
        ("1234.5", "1234.50"),
        ("-12.00", "-12.00"),
        ("¥-12.00", "-12.00"),
        ("-¥12.00", "-12.00"),
        ("（小写）¥ 88.00", "88.00"),
        ("(小写)￥88", "88.00"),
        ("１２３４．５０", "1234.50"),
        ("1 234.50", "1234.50"),
        ("1，234.50", "1234.50"),
        ("¥12,345,678.9", "12345678.90"),
        ("0.005", "0.01"),  # ROUND_HALF_UP, not banker's rounding
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),
        (".5", "0.50"),
        ("100元", "100.00"),
        (1500, "1500.00"),
        (D("7018.834"), "7018.83"),
    ],
)
def test_parse_money(text: str | int | Decimal, value: str) -> None:
    result = parse_money(text)
    assert result == D(value)
    assert result is not None and result.as_tuple().exponent == -2


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_money_empty(text: str | None) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    "text",
    ["abc", "12.3.4", "¥", "1,2a", "--5", "壹佰圆", "12-", "12.345,67", "1,23.00", "12,3456"],
)
def test_parse_money_garbage(text: str) -> None:
    with pytest.raises(MoneyFormatError, match="无法识别"):
        parse_money(text)


def test_parse_money_rejects_nan_and_bool() -> None:
    with pytest.raises(MoneyFormatError):
        parse_money(D("NaN"))
    with pytest.raises(MoneyFormatError):
        parse_money(True)


def test_money_format_error_is_value_error() -> None:
    assert issubclass(MoneyFormatError, ValueError)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1234.5"), "1234.50"),
        (D("0"), "0.00"),
        (D("-0.00"), "0.00"),
        (D("-12"), "-12.00"),
        (D("1E+3"), "1000.00"),
        (None, None),
    ],
)
def test_format_money(value: Decimal | None, text: str | None) -> None:
    assert format_money(value) == text


# Documented vectors (DOMAIN.md and PRC bank/tax convention).
UPPER_VECTORS = [
    ("7018.83", "柒仟零壹拾捌圆捌角叁分"),
    ("1500.00", "壹仟伍佰圆整"),
    ("52.70", "伍拾贰圆柒角"),
    ("112.20", "壹佰壹拾贰圆贰角"),
    ("1470.00", "壹仟肆佰柒拾圆整"),
    ("2150.63", "贰仟壹佰伍拾圆陆角叁分"),
    ("0", "零圆整"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.55", "伍角伍分"),
    ("10", "壹拾圆整"),
    ("100000", "壹拾万圆整"),
    ("100010", "壹拾万零壹拾圆整"),
    ("101000", "壹拾万壹仟圆整"),
    ("100000000", "壹亿圆整"),
    ("100000001", "壹亿零壹圆整"),
    ("100010000", "壹亿零壹万圆整"),
    ("1010000000", "壹拾亿壹仟万圆整"),
    ("1000000000000", "壹万亿圆整"),
    ("1000.05", "壹仟圆零伍分"),
    ("1000.50", "壹仟圆伍角"),
    ("10.05", "壹拾圆零伍分"),
    ("1001.01", "壹仟零壹圆零壹分"),
    ("-3.50", "负叁圆伍角"),
    ("-21800.00", "负贰万壹仟捌佰圆整"),
]


@pytest.mark.parametrize(("value", "text"), UPPER_VECTORS)
def test_to_chinese_upper(value: str, text: str) -> None:
    assert to_chinese_upper(D(value)) == text


@pytest.mark.parametrize(("value", "text"), UPPER_VECTORS)
def test_parse_chinese_upper_vectors(value: str, text: str) -> None:
    assert parse_chinese_upper(text) == D(value)


def test_to_chinese_upper_limit() -> None:
    assert to_chinese_upper(D("9999999999999999.99")).startswith("玖仟玖佰玖拾玖万")
    with pytest.raises(MoneyFormatError):
        to_chinese_upper(D("10000000000000000"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("壹佰壹拾贰圆贰角整", "112.20"),  # 整 after 角 also occurs
        ("伍拾贰元柒角", "52.70"),
        ("壹仟伍佰元正", "1500.00"),
        ("人民币（大写）：伍拾贰圆柒角", "52.70"),
        ("负数壹圆", "-1.00"),
        ("（负数）壹仟圆整", "-1000.00"),
        ("(负数)壹仟圆整", "-1000.00"),
        ("ⓧ贰拾圆整", "-20.00"),
        ("拾圆整", "10.00"),
        ("壹 仟 伍 佰 圆 整", "1500.00"),
        ("壹仟零伍拾圆", "1050.00"),
        ("壹仟零零伍拾圆", "1050.00"),
        ("壹圆零角伍分", "1.05"),
        ("零圆伍角", "0.50"),
        ("壹萬圓整", "10000.00"),
        ("零元整", "0.00"),
    ],
)
def test_parse_chinese_upper_tolerant(text: str, value: str) -> None:
    assert parse_chinese_upper(text) == D(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "整",
        "hello",
        "壹贰圆",
        "壹佰壹仟圆",
        "壹万壹万圆",
        "亿圆",
        "壹圆伍",
        "壹圆伍分伍角",
        "壹圆角",
        "一百元",
        "两圆",
    ],
)
def test_parse_chinese_upper_garbage(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        parse_chinese_upper(text)


def test_chinese_upper_matches() -> None:
    assert chinese_upper_matches("柒仟零壹拾捌圆捌角叁分", D("7018.83"))
    assert chinese_upper_matches("伍拾贰圆柒角整", D("52.7"))
    assert not chinese_upper_matches("柒仟零壹拾捌圆捌角叁分", D("7018.38"))
    assert not chinese_upper_matches("不是金额", D("1"))


cents = st.integers(min_value=-(10**14), max_value=10**14).map(lambda c: D(c) / 100)


@given(cents)
def test_chinese_upper_round_trip(value: Decimal) -> None:
    assert parse_chinese_upper(to_chinese_upper(value)) == value


@given(st.integers(min_value=0, max_value=10**18 - 1).map(lambda c: D(c) / 100))
def test_chinese_upper_round_trip_full_range(value: Decimal) -> None:
    assert parse_chinese_upper(to_chinese_upper(value)) == value


@given(cents)
def test_chinese_upper_has_no_doubled_zero(value: Decimal) -> None:
    text = to_chinese_upper(value)
    assert "零零" not in text
    assert not text.rstrip("整").endswith("零")
    assert text.endswith(("整", "角", "分"))


@given(cents)
def test_parse_format_money_round_trip(value: Decimal) -> None:
    text = format_money(value)
    assert text is not None
    assert parse_money(text) == value
    assert parse_money(f"¥{value:,}") == value
