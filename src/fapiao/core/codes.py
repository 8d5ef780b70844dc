"""Decoding 发票代码 and 数电 numbers: issuing region, year and (for codes) the kind."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from fapiao.core._text import is_digits, strip_spaces, to_halfwidth
from fapiao.core.kinds import QR_TYPE_NAMES

# GB/T 2260 two-digit province codes.
PROVINCE_NAMES: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
}  # fmt: skip

# Cities with separate plans (计划单列市) run their own tax bureaus and appear in 发票代码
# under their 4-digit administrative prefix.
CITY_REGION_NAMES: dict[str, str] = {
    "2102": "大连",
    "3302": "宁波",
    "3502": "厦门",
    "3702": "青岛",
    "4403": "深圳",
}

# [?] In 20-digit 数电 numbers those cities use codes of their own. Only 92 = 青岛 is
# backed by a real invoice (samples/shudian-zhuan-qingdao-2025.ofd); the rest of this
# table follows the same order as the 4-digit codes and is unverified.
SHUDIAN_CITY_NAMES: dict[str, str] = {
    "91": "大连",
    "92": "青岛",
    "93": "宁波",
    "94": "厦门",
    "95": "深圳",
}

# 4-digit region prefixes of 发票代码: each province as "xx00" plus the cities above.
REGION_NAMES: dict[str, str] = {
    **{code + "00": name for code, name in PROVINCE_NAMES.items()},
    **CITY_REGION_NAMES,
}

BEIJING = "北京"
# 数电 numbers start in December 2021 (first pilot provinces).
SHUDIAN_FIRST_YEAR = 2021

_KIND_BY_10_DIGIT_8 = {"1": "01", "5": "01", "3": "04", "6": "04", "2": "02", "7": "02"}
# 12-digit code, digits 11-12. "13" is said to mark 增值税电子专用发票 (08) but no source was
# found, so it stays undecoded rather than guessed.
_KIND_BY_12_DIGIT_TAIL = {
    "11": "10",
    "12": "14",
    "04": "04",
    "05": "04",
    "06": "11",
    "07": "11",
    "17": "15",
}


@dataclass(frozen=True)
class IssuerInfo:
    region: str | None  # e.g. "北京", "广东", "青岛"
    region_code: str | None  # 4 digits for codes, 2 digits for 数电 numbers
    is_beijing: bool
    year: int | None  # 4-digit year
    kind: str | None  # QR type code guessed from the code; None for 数电 numbers
    kind_name: str | None
    form: str  # "code10" | "code12" | "shudian20"


def _clean(text: str | None) -> str:
    return strip_spaces(to_halfwidth(text or ""))


def region_name(code: str | None) -> str | None:
    """Region for a 2-digit (数电) or 4-digit (发票代码) region code.

    An unknown 4-digit code inside a known province is reported as that province: the
    first two digits are the province, and the province's bureau is responsible for it.
    """
    code = _clean(code)
    if len(code) == 2:
        return PROVINCE_NAMES.get(code) or SHUDIAN_CITY_NAMES.get(code)
    if len(code) == 4:
        return REGION_NAMES.get(code) or PROVINCE_NAMES.get(code[:2])
    return None


def _is_beijing_code(code: str) -> bool:
    return code[:2] == "11"


def _two_digit_year(yy: str, today: datetime.date | None) -> int:
    today = today or datetime.date.today()
    value = int(yy)
    # A year beyond next year cannot be on an issued code, so it is from the last century.
    return 2000 + value if value <= today.year % 100 + 1 else 1900 + value


def decode_invoice_code(code: str, *, today: datetime.date | None = None) -> IssuerInfo | None:
    """Decode a 10- or 12-digit 发票代码; None when it has neither form."""
    code = _clean(code)
    if not is_digits(code) or len(code) not in (10, 12):
        return None
    if len(code) == 10:
        region_code, yy, kind = code[0:4], code[4:6], _KIND_BY_10_DIGIT_8.get(code[7])
        form = "code10"
    else:
        region_code, yy = code[1:5], code[5:7]
        # Codes starting with 1/2 are general (non-VAT) invoices with other kind digits.
        kind = _KIND_BY_12_DIGIT_TAIL.get(code[10:12]) if code[0] == "0" else None
        form = "code12"
    return IssuerInfo(
        region=region_name(region_code),
        region_code=region_code,
        is_beijing=_is_beijing_code(region_code),
        year=_two_digit_year(yy, today),
        kind=kind,
        kind_name=QR_TYPE_NAMES.get(kind) if kind else None,
        form=form,
    )


def decode_shudian_number(number: str) -> IssuerInfo | None:
    """Decode a 20-digit 数电 number (year, province); it does not carry the kind."""
    number = _clean(number)
    if not is_digits(number) or len(number) != 20:
        return None
    region_code = number[2:4]
    return IssuerInfo(
        region=region_name(region_code),
        region_code=region_code,
        is_beijing=_is_beijing_code(region_code),
        year=2000 + int(number[0:2]),
        kind=None,
        kind_name=None,
        form="shudian20",
    )


def decode(
    invoice_code: str | None,
    invoice_number: str | None,
    *,
    today: datetime.date | None = None,
) -> IssuerInfo | None:
    code = _clean(invoice_code)
    if code:
        return decode_invoice_code(code, today=today)
    number = _clean(invoice_number)
    if len(number) == 20:
        return decode_shudian_number(number)
    return None


def number_problems(
    invoice_code: str | None,
    invoice_number: str | None,
    *,
    today: datetime.date | None = None,
) -> list[tuple[str, str]]:
    """Like number_format_problems, with the field each problem belongs to."""
    today = today or datetime.date.today()
    code, number = _clean(invoice_code), _clean(invoice_number)
    problems: list[tuple[str, str]] = []
    if code:
        if not is_digits(code):
            problems.append(("invoice_code", f"发票代码「{code}」含有非数字字符：请核对发票原件。"))
        elif len(code) not in (10, 12):
            problems.append(
                ("invoice_code", f"发票代码应为10位或12位数字，「{code}」为{len(code)}位：请核对。")
            )
    if not number:
        return problems
    if not is_digits(number):
        problems.append(("invoice_number", f"发票号码「{number}」含有非数字字符：请核对发票原件。"))
        return problems
    if code and len(number) != 8:
        problems.append(
            (
                "invoice_number",
                f"有发票代码的发票，号码应为8位数字，「{number}」为{len(number)}位："
                "如是数电票请删除发票代码，否则请核对号码。",
            )
        )
    elif not code and len(number) != 20:
        hint = "8位号码须与发票代码一起填写，请补充发票代码" if len(number) == 8 else "请核对号码"
        problems.append(
            (
                "invoice_number",
                f"没有发票代码的发票（数电票）号码应为20位数字，「{number}」为{len(number)}位：{hint}。",
            )
        )
    if len(number) == 20 and not code:
        year = 2000 + int(number[:2])
        if not SHUDIAN_FIRST_YEAR <= year <= today.year + 1:
            problems.append(
                (
                    "invoice_number",
                    f"数电发票号码「{number}」前两位表示年份{year}年，不在可能范围内：请核对号码。",
                )
            )
        if region_name(number[2:4]) is None:
            problems.append(
                (
                    "invoice_number",
                    f"数电发票号码「{number}」第3-4位地区代码「{number[2:4]}」无法识别：请核对号码。",
                )
            )
    return problems


def number_format_problems(
    invoice_code: str | None,
    invoice_number: str | None,
    *,
    today: datetime.date | None = None,
) -> list[str]:
    """Chinese descriptions of what is wrong with the code/number shape; empty when fine."""
    return [msg for _, msg in number_problems(invoice_code, invoice_number, today=today)]


def identity_key(invoice_code: str | None, invoice_number: str) -> str:
    """The identity of an invoice: "code:number" for old invoices, the 20-digit number for 数电."""
    code, number = _clean(invoice_code), _clean(invoice_number)
    if not number:
        raise ValueError("发票号码为空，无法确定发票身份。")
    return f"{code}:{number}" if code else number
