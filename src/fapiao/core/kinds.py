"""Invoice kinds: QR type codes, tax-platform 票种 codes, printed titles, statuses."""

from __future__ import annotations

import re
from enum import StrEnum

from fapiao.core._text import is_digits, strip_spaces, to_halfwidth

QR_TYPE_NAMES: dict[str, str] = {
    "01": "增值税专用发票",
    "02": "货运运输业增值税专用发票",
    "03": "机动车销售统一发票",
    "04": "增值税普通发票",
    "08": "增值税电子专用发票",
    "10": "增值税电子普通发票",
    "11": "增值税普通发票（卷式）",
    "14": "增值税电子普通发票（通行费）",
    "15": "二手车销售统一发票",
    "31": "电子发票（增值税专用发票）",
    "32": "电子发票（普通发票）",
    "51": "电子发票（铁路电子客票）",
    "61": "电子发票（航空运输电子客票行程单）",
}

PLATFORM_TYPE_NAMES: dict[str, str] = {
    "51": "铁路电子客票",
    "61": "航空行程单",
    "81": "数电专票",
    "82": "数电普票",
    "83": "机动车销售电子统一发票",
    "84": "二手车销售电子统一发票",
    "85": "纸质专票",
    "86": "纸质普票",
}

# The two lists are not in one-to-one correspondence. Platform -> QR is lossy for 83/84
# (electronic 机动车/二手车 invoices have no QR type of their own, so they map to the
# paper kinds 03/15), and QR -> platform is lossy the other way: 02 08 10 11 14 have no
# platform 票种 (they predate the platform) and map to None; 03 and 15 are not mapped back
# to 83/84 because a QR 03/15 is usually the paper form.
_PLATFORM_TO_QR: dict[str, str] = {
    "81": "31",
    "82": "32",
    "51": "51",
    "61": "61",
    "85": "01",
    "86": "04",
    "83": "03",
    "84": "15",
}
_QR_TO_PLATFORM: dict[str, str] = {
    "31": "81",
    "32": "82",
    "51": "51",
    "61": "61",
    "01": "85",
    "04": "86",
}

SPECIAL_VAT_TYPES = frozenset({"01", "02", "08", "31"})
SHUDIAN_TYPES = frozenset({"31", "32", "51", "61"})


def _norm_code(code: str | None) -> str:
    if code is None:
        return ""
    text = strip_spaces(to_halfwidth(str(code)))
    # Spreadsheets turn "01" into 1; restore the two-digit form.
    if is_digits(text) and len(text) == 1:
        text = "0" + text
    return text


def platform_to_qr(code: str) -> str | None:
    return _PLATFORM_TO_QR.get(_norm_code(code))


def qr_to_platform(code: str) -> str | None:
    return _QR_TO_PLATFORM.get(_norm_code(code))


def kind_name(qr_type: str | None) -> str | None:
    return QR_TYPE_NAMES.get(_norm_code(qr_type))


def is_special_vat(qr_type: str | None) -> bool:
    """专票 carry deductible input VAT, which is why finance treats them differently."""
    return _norm_code(qr_type) in SPECIAL_VAT_TYPES


def is_shudian(qr_type: str | None) -> bool:
    return _norm_code(qr_type) in SHUDIAN_TYPES


# Most specific first: several titles contain shorter ones (电子发票(增值税专用发票) contains
# 增值税专用发票), and printed titles carry region prefixes and 发票联/抵扣联 suffixes, so
# the first pattern found anywhere in the title wins.
_TITLE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("电子发票(增值税专用发票)", "31"),
    ("电子发票(普通发票)", "32"),
    ("铁路电子客票", "51"),
    ("航空运输电子客票行程单", "61"),
    ("二手车销售统一发票", "15"),
    ("机动车销售统一发票", "03"),
    ("货物运输业增值税专用发票", "02"),
    ("货运运输业增值税专用发票", "02"),
    ("增值税电子专用发票", "08"),
    ("增值税电子普通发票(通行费)", "14"),
    ("通行费", "14"),
    ("增值税电子普通发票", "10"),
    ("增值税普通发票(卷式)", "11"),
    ("增值税普通发票(卷票)", "11"),
    ("增值税专用发票", "01"),
    ("增值税普通发票", "04"),
)


def kind_from_name(printed_name: str) -> str | None:
    """The QR type code for a printed title such as 北京增值税电子普通发票."""
    text = strip_spaces(to_halfwidth(printed_name or ""))
    text = re.sub(r"[〔【\[]", "(", text)
    text = re.sub(r"[〕】\]]", ")", text)
    for pattern, code in _TITLE_PATTERNS:
        if pattern in text:
            return code
    return None


class TaxStatus(StrEnum):
    NORMAL = "normal"
    VOIDED = "voided"
    RED_FULL = "red_full"
    RED_PARTIAL = "red_partial"

    @property
    def label(self) -> str:
        return TAX_STATUSES[self.value]

    @classmethod
    def from_label(cls, text: str | None) -> TaxStatus | None:
        """Parse a status as written by the platform, an export or a person.

        A bare 已红冲 does not say full or partial; rather than guess, it gives None so the
        caller asks the platform again.
        """
        if text is None:
            return None
        raw = strip_spaces(to_halfwidth(text)).lower()
        raw = re.sub(r"[-_—－()（）:：]", "", raw)
        for status in cls:
            if raw == status.value.replace("_", ""):
                return status
        if raw in {"正常", "正常发票", "有效"}:
            return cls.NORMAL
        if raw in {"作废", "已作废", "作废发票", "废票"}:
            return cls.VOIDED
        if "红冲" in raw or "红字" in raw:
            if "部分" in raw:
                return cls.RED_PARTIAL
            if "全额" in raw or "全部" in raw:
                return cls.RED_FULL
        return None


TAX_STATUSES: dict[str, str] = {
    "normal": "正常",
    "voided": "已作废",
    "red_full": "已红冲-全额",
    "red_partial": "已红冲-部分",
}
