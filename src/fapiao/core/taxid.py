"""纳税人识别号: 统一社会信用代码 checksum (GB 32100-2015), older forms, masking for logs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from fapiao.core._text import strip_spaces, to_halfwidth

# No I, O, S, V, Z: they are too easily confused with 1, 0, 5, U, 2.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 3**i mod 31; implemented here rather than via stdnum.cn.uscc, which rejects valid codes
# whose first character (登记管理部门) is A, N or Y.
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}

_OLD15 = re.compile(r"^[0-9]{6}[0-9A-Z]{9}\Z")
_INDIVIDUAL17 = re.compile(r"^[0-9]{17}\Z")  # 15-digit 身份证号 + 2-digit sequence
_INDIVIDUAL20 = re.compile(r"^[0-9]{17}[0-9X][0-9]{2}\Z")  # 18-character 身份证号 + 2 digits


def normalize_tax_id(text: str) -> str:
    return strip_spaces(to_halfwidth(text or "")).upper()


def uscc_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 from its first 17."""
    if len(first17) != 17 or any(ch not in _VALUE for ch in first17):
        raise ValueError(f"需要17个统一社会信用代码字符，得到「{first17}」")
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    code = normalize_tax_id(code)
    if len(code) != 18 or any(ch not in _VALUE for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


# Characters OCR takes for one another (a USCC never holds I, O, S, V or Z, so those are
# always misreads of the digit or letter beside them).
OCR_CONFUSIONS = ("0ODQ", "1IL", "2Z", "5S", "8B", "6G", "7T", "4A", "UV")


def uscc_repairs(text: str) -> list[str]:
    """The valid 统一社会信用代码 one OCR confusion away from an 18-character `text` that
    fails its check: one means a likely repair, several mean it cannot be told which
    (never pick one), none means the misreading was of another kind."""
    code = normalize_tax_id(text)
    if len(code) != 18 or is_valid_uscc(code):
        return []
    found: set[str] = set()
    for i, ch in enumerate(code):
        for group in OCR_CONFUSIONS:
            if ch not in group:
                continue
            for alt in group:
                candidate = code[:i] + alt + code[i + 1 :]
                # The first character names the registering authority (1-9, A, N, Y);
                # characters 3-8 are its 行政区划 code: digits.
                plausible = candidate[0] in "123456789ANY" and candidate[2:8].isdigit()
                if alt != ch and alt in _VALUE and plausible and is_valid_uscc(candidate):
                    found.add(candidate)
    return sorted(found)


@dataclass(frozen=True)
class TaxIdCheck:
    valid: bool
    form: str | None  # "uscc18" | "old15" | "individual17" | "individual20"
    message: str | None  # Chinese reason when invalid


# The same few sellers and the organisation itself recur on thousands of invoices.
@lru_cache(maxsize=8192)
def check_tax_id(text: str) -> TaxIdCheck:
    code = normalize_tax_id(text)
    if not code:
        return TaxIdCheck(False, None, "纳税人识别号为空。")
    n = len(code)
    if n == 18:
        bad = sorted({ch for ch in code if ch not in _VALUE})
        if bad:
            return TaxIdCheck(
                False,
                "uscc18",
                f"纳税人识别号 {code} 含有统一社会信用代码不使用的字符 {'、'.join(bad)}"
                "（代码中没有 I、O、S、V、Z，常见为数字 1、0、5、2 被误认）：请核对发票原件。",
            )
        if not is_valid_uscc(code):
            return TaxIdCheck(
                False,
                "uscc18",
                f"纳税人识别号 {code} 校验位不正确：请核对发票原件上的号码，"
                "如确认无误请联系开票方。",
            )
        return TaxIdCheck(True, "uscc18", None)
    forms = {
        15: ("old15", _OLD15, "15位旧税号应为6位数字地区码加9位组织机构代码"),
        17: ("individual17", _INDIVIDUAL17, "17位个人税号应全为数字"),
        20: ("individual20", _INDIVIDUAL20, "20位个人税号应为身份证号加2位数字"),
    }
    if n in forms:
        form, pattern, rule = forms[n]
        if pattern.match(code):
            return TaxIdCheck(True, form, None)
        return TaxIdCheck(
            False, form, f"纳税人识别号 {code} 格式不正确：{rule}。请核对发票原件上的号码。"
        )
    return TaxIdCheck(
        False,
        None,
        f"纳税人识别号 {code} 为{n}位，应为18位统一社会信用代码（旧税号为15、17或20位）："
        "可能漏输或多输了字符，请核对发票原件。",
    )


def mask_tax_id(text: str | None) -> str:
    """For logs: keep the first and last 4 characters (enough to tell ids apart)."""
    code = normalize_tax_id(text or "")
    if len(code) <= 8:
        return "*" * len(code)
    return code[:4] + "*" * (len(code) - 8) + code[-4:]


def mask_bank_account(text: str | None) -> str:
    """For logs: only the last 4 digits, as banks print them."""
    account = strip_spaces(to_halfwidth(text or ""))
    if len(account) <= 4:
        return "*" * len(account)
    return "*" * (len(account) - 4) + account[-4:]


# In free text (a log line, a traceback): 15-20 capitals and digits holding at least six
# digits (a tax id in any form, an id card number with X), and runs of 12-30 digits, spaces
# or dashes allowed between them (bank accounts, id card numbers). The boundaries are not
# \b, which counts Chinese characters as word characters ("账号6222…" has none).
_TAX_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?=(?:[A-Z]*[0-9]){6})[0-9A-Z]{15,20}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])[0-9]{17}[xX](?![0-9A-Za-z])"
)
_DIGIT_RUN_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ -]?[0-9]){11,29}(?![0-9A-Za-z])")


def mask_personal_numbers(text: str) -> str:
    """`text` with every tax-id-, id-card- or bank-account-shaped number masked (the first
    and last 4 characters of a tax id kept, the last 4 digits of a number)."""
    text = _TAX_ID_IN_TEXT.sub(lambda m: mask_tax_id(m.group(0)), text)
    return _DIGIT_RUN_IN_TEXT.sub(lambda m: mask_bank_account(m.group(0)), text)
