"""Money: exact decimals, and amounts in Chinese capital numerals (大写)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fapiao.core._text import strip_spaces, to_halfwidth

CENT = Decimal("0.01")
UPPER_LIMIT = Decimal(10) ** 16


class MoneyFormatError(ValueError):
    """An amount that cannot be read; the message is for a person, in Chinese."""


_NUMBER = re.compile(r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z")
_NOISE = re.compile(r"[¥￥$'元]|人民币|RMB|CNY|[(（]?小写[)）]?|[:：]")
# Commas only as thousands separators: "12.345,67" must not silently read as 12.35.
_GROUPED = re.compile(r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?\Z")


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str | int | Decimal | None) -> Decimal | None:
    """Read an amount as printed ("¥1,234.50", "（小写）¥ 88.00", "１２.５") to 2 places."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise MoneyFormatError(f"金额「{text}」不是数字。")
    if isinstance(text, int):
        return _quantize(Decimal(text))
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise MoneyFormatError(f"金额「{text}」不是有限的数字。")
        return _quantize(text)
    cleaned = strip_spaces(to_halfwidth(text)).replace("−", "-")
    if not cleaned:
        return None
    cleaned = _NOISE.sub("", cleaned)
    if "," in cleaned and _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    # "¥-12.00" and "-¥12.00" both occur; after removing the symbol both read "-12.00".
    if not _NUMBER.match(cleaned):
        raise MoneyFormatError(f"金额「{text}」无法识别：应为数字，如 1234.50。")
    try:
        return _quantize(Decimal(cleaned))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise MoneyFormatError(f"金额「{text}」无法识别。") from exc


def format_money(value: Decimal | None) -> str | None:
    """ "1234.50": the schema's money form (no thousands separators, two places)."""
    if value is None:
        return None
    q = _quantize(value)
    if q == 0:
        q = abs(q)  # never "-0.00"
    return f"{q:f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")


def _section(n: int) -> str:
    """0 < n < 10000 without leading 零; one 零 for each run of inner zeros."""
    out: list[str] = []
    pending_zero = False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[pos])
    return "".join(out)


def _integer(n: int) -> str:
    """0 < n < 10**16, split at 亿 then 万 so 10**12 reads 壹万亿."""
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _integer(high) + unit
            if low:
                # A gap below the unit (e.g. 100010 -> 壹拾万零壹拾) is read as one 零.
                text += ("零" if low < size // 10 else "") + _integer(low)
            return text
    return _section(n)


def to_chinese_upper(value: Decimal) -> str:
    """The 大写 of an amount, as on invoices and bank slips.

    When there are 角 but no 分 no 整 is written (伍拾贰圆柒角): both forms occur on real
    invoices and parse_chinese_upper accepts both.
    """
    q = _quantize(Decimal(value))
    if abs(q) >= UPPER_LIMIT:
        raise MoneyFormatError(f"金额 {q} 超出大写转换范围（须小于一亿亿）。")
    sign = "负" if q < 0 else ""
    cents = int(abs(q) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零圆整"
    text = _integer(yuan) + "圆" if yuan else ""
    if jiao == 0 and fen == 0:
        return sign + text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"  # 1000.05 -> 壹仟圆零伍分
    if fen:
        text += _DIGITS[fen] + "分"
    return sign + text


_DIGIT_VALUE = {ch: i for i, ch in enumerate(_DIGITS)}
_SMALL_VALUE = {"拾": 10, "佰": 100, "仟": 1000}
_VARIANTS = str.maketrans({"元": "圆", "圓": "圆", "萬": "万", "億": "亿", "〇": "零", "貳": "贰"})
_PREFIX = re.compile(r"^(人民币|[(]?大写[)]?|价税合计|[:])+")
_NEGATIVE = re.compile(r"^(?:[(]负数[)]|负数|负|ⓧ|⊗|-)")
_FRACTION = re.compile(r"^零?(?:([壹贰叁肆伍陆柒捌玖零])角)?零?(?:([壹贰叁肆伍陆柒捌玖零])分)?\Z")


def _split_once(text: str, unit: str, original: str) -> tuple[str, str] | None:
    if text.count(unit) > 1:
        raise _order_error(original)
    if unit not in text:
        return None
    high, _, low = text.partition(unit)
    return high, low


def _order_error(original: str) -> MoneyFormatError:
    return MoneyFormatError(f"大写金额「{original}」无法识别：数位顺序不正确，请核对。")


def _parse_section(text: str, original: str) -> int:
    """Digits with 拾/佰/仟, units strictly falling, as in 壹仟零伍拾 (零 already removed)."""
    value = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in text:
        if ch in _DIGIT_VALUE:
            if digit is not None:
                raise _order_error(original)
            digit = _DIGIT_VALUE[ch]
        elif ch in _SMALL_VALUE:
            unit = _SMALL_VALUE[ch]
            if unit >= last_unit:
                raise _order_error(original)
            # "拾圆" for 10 is written by some issuers without the 壹.
            value += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            raise MoneyFormatError(f"大写金额「{original}」含有无法识别的字「{ch}」。")
    return value + (digit or 0)


def _parse_below_yi(text: str, original: str) -> int:
    parts = _split_once(text, "万", original)
    if parts is None:
        return _parse_section(text, original)
    high = _parse_section(parts[0], original)
    if high == 0:
        raise _order_error(original)
    return high * 10**4 + _parse_section(parts[1], original)


def _parse_integer(text: str, original: str) -> int:
    text = text.replace("零", "")
    parts = _split_once(text, "亿", original)
    if parts is None:
        return _parse_below_yi(text, original)
    high = _parse_below_yi(parts[0], original)
    if high == 0:
        raise _order_error(original)
    return high * 10**8 + _parse_below_yi(parts[1], original)


def parse_chinese_upper(text: str) -> Decimal:
    """Read a 大写 amount (元 or 圆, with or without 整/正, 负数 prefixes) exactly."""
    original = text
    cleaned = strip_spaces(to_halfwidth(text or "")).translate(_VARIANTS)
    cleaned = cleaned.replace("（", "(").replace("）", ")")
    cleaned = _PREFIX.sub("", cleaned)
    negative = False
    if match := _NEGATIVE.match(cleaned):
        negative, cleaned = True, cleaned[match.end() :]
    cleaned = re.sub(r"[整正]$", "", cleaned)
    if not cleaned:
        raise MoneyFormatError(f"大写金额「{original}」为空或无法识别。")
    if "圆" in cleaned:
        int_part, _, frac_part = cleaned.partition("圆")
    elif "角" in cleaned or "分" in cleaned:
        int_part, frac_part = "", cleaned
    else:
        int_part, frac_part = cleaned, ""
    yuan = _parse_integer(int_part, original) if int_part else 0
    match = _FRACTION.match(frac_part)
    if not match:
        raise MoneyFormatError(f"大写金额「{original}」的角分部分无法识别，请核对。")
    jiao, fen = (_DIGIT_VALUE[g] if g else 0 for g in match.groups())
    value = Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100
    return _quantize(-value if negative else value)


def chinese_upper_matches(text: str, value: Decimal) -> bool:
    try:
        return parse_chinese_upper(text) == _quantize(Decimal(value))
    except MoneyFormatError:
        return False
