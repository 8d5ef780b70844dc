"""The default spending taxonomy: what a line item was spent on, from its 税收分类.

Pure Python (no Django). An invoice line names its 税收分类简称 between stars
(`*餐饮服务*餐费`) and, in XML/数电 data, its 19-digit 税收分类编码; both are mapped
here onto the handful of categories finance reports on. An invoice is stored with the
default category of its largest line (invoice_category); organisation rules and manual
choices (fapiao.analytics.categorise) take precedence over this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol, TypeVar

from fapiao.core.categories import tax_category as starred_category

OTHER = "其他"

# The order is the order of the dashboard's legend.
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "餐饮",
    "住宿",
    "交通",
    "办公用品",
    "通讯",
    "信息技术",
    "会议培训",
    "咨询服务",
    "建筑工程",
    "租赁",
    "广告宣传",
    "福利",
    OTHER,
)

# 税收分类简称 -> category (exact names as printed between the stars).
_BY_TAX_NAME: dict[str, str] = {
    **dict.fromkeys(("餐饮服务", "餐饮住宿服务"), "餐饮"),
    **dict.fromkeys(("住宿服务",), "住宿"),
    **dict.fromkeys(
        (
            "运输服务",
            "旅客运输服务",
            "陆路旅客运输服务",
            "铁路旅客运输服务",
            "航空旅客运输服务",
            "交通运输服务",
            "汽油",
            "柴油",
            "成品油",
            "车辆通行费",
            "通行费",
        ),
        "交通",
    ),
    **dict.fromkeys(("办公用品", "纸制品", "文具", "印刷品", "日用杂品", "家具"), "办公用品"),
    **dict.fromkeys(("电信服务", "基础电信服务", "增值电信服务", "邮政服务", "收派服务"), "通讯"),
    **dict.fromkeys(
        (
            "信息技术服务",
            "软件",
            "计算机配套产品",
            "计算机",
            "电子计算机",
            "研发和技术服务",
            "数据处理服务",
        ),
        "信息技术",
    ),
    **dict.fromkeys(
        ("会议服务", "会议展览服务", "会展服务", "培训服务", "教育服务", "非学历教育服务"),
        "会议培训",
    ),
    **dict.fromkeys(
        (
            "咨询服务",
            "鉴证咨询服务",
            "经纪代理服务",
            "企业管理服务",
            "商务辅助服务",
            "人力资源服务",
            "法律服务",
            "现代服务",
        ),
        "咨询服务",
    ),
    **dict.fromkeys(("建筑服务", "工程服务", "安装服务", "装饰服务"), "建筑工程"),
    **dict.fromkeys(("经营租赁", "不动产经营租赁", "有形动产经营租赁", "租赁服务"), "租赁"),
    **dict.fromkeys(("广告服务", "设计服务", "文化创意服务"), "广告宣传"),
    **dict.fromkeys(("医疗服务", "焙烤食品", "食品", "饮料"), "福利"),
}

# Words inside an unlisted 简称 (or an item name) that still say what it is, in order.
_BY_WORD: tuple[tuple[str, str], ...] = (
    ("通行费", "交通"),  # tolls are printed as *经营租赁*通行费 but are travel, not rent
    ("客运", "交通"),
    ("运输", "交通"),
    ("餐饮", "餐饮"),
    ("住宿", "住宿"),
    ("电信", "通讯"),
    ("通信", "通讯"),
    ("信息技术", "信息技术"),
    ("研发", "信息技术"),
    ("软件", "信息技术"),
    ("计算机", "信息技术"),
    ("会议", "会议培训"),
    ("培训", "会议培训"),
    ("咨询", "咨询服务"),
    ("建筑", "建筑工程"),
    ("工程", "建筑工程"),
    ("租赁", "租赁"),
    ("广告", "广告宣传"),
)

# 税收分类编码 prefixes (first digits of the 19-digit code); the longest match wins.
_BY_CODE: dict[str, str] = {
    "1070101": "交通",  # 汽油
    "1070102": "交通",  # 柴油
    "10905": "信息技术",  # 电子计算机及配套
    "301": "交通",  # 交通运输服务
    "302": "通讯",  # 邮政服务
    "303": "通讯",  # 电信服务
    "30401": "信息技术",  # 研发和技术服务
    "30402": "信息技术",  # 信息技术服务
    "30403": "广告宣传",  # 文化创意服务
    "3040304": "会议培训",  # 会议展览服务
    "30405": "租赁",  # 租赁服务
    "30406": "咨询服务",  # 鉴证咨询服务
    "30408": "咨询服务",  # 商务辅助服务
    "305": "建筑工程",  # 建筑服务
    "3070201": "会议培训",  # 教育服务
    "3070401": "餐饮",  # 餐饮服务
    "3070402": "住宿",  # 住宿服务
}


def category_for_code(code: str | None) -> str | None:
    digits = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(digits) < 3:
        return None
    for length in range(min(len(digits), 7), 2, -1):
        found = _BY_CODE.get(digits[:length])
        if found:
            return found
    return None


def category_for_tax_name(name: str | None) -> str | None:
    """The category of a 税收分类简称 (or of an already mapped category name)."""
    if not name:
        return None
    name = name.strip()
    if name in DEFAULT_CATEGORIES:
        return name
    if name.isdigit():
        return category_for_code(name)
    found = _BY_TAX_NAME.get(name)
    if found:
        return found
    return next((cat for word, cat in _BY_WORD if word in name), None)


def default_category(
    *, tax_name: str | None = None, item_name: str | None = None, tax_code: str | None = None
) -> str:
    """The default category of one line: code, then 简称, then words of the item name."""
    tax_name = tax_name or starred_category(item_name)
    # Tolls first: their 简称 (经营租赁) would say rent.
    if item_name and "通行费" in item_name:
        return "交通"
    return (
        category_for_code(tax_code)
        or category_for_tax_name(tax_name)
        or next((cat for word, cat in _BY_WORD if item_name and word in item_name), None)
        or OTHER
    )


def normalise(stored: str, custom: frozenset[str] = frozenset()) -> str:
    """The category a stored Invoice.category stands for.

    Invoices stored by earlier versions may hold the 税收分类简称 itself (e.g. 餐饮服务)
    until they are re-categorised; reports read them through this table so figures never
    depend on whether that has happened. `custom` holds an organisation's own category
    names.
    """
    if stored in custom:
        return stored
    return category_for_tax_name(stored) or OTHER


class Line(Protocol):
    """A line item as stored or as read: what its category is worked out from."""

    @property
    def name(self) -> str: ...
    @property
    def tax_category(self) -> str | None: ...
    @property
    def amount(self) -> Decimal | None: ...


L = TypeVar("L", bound=Line)


def largest_line(lines: Iterable[L]) -> L | None:
    """The line that decides an invoice's category: the largest by |amount|, the first of
    equal ones (lines in their printed order)."""
    return max(lines, key=lambda line: abs(line.amount or Decimal(0)), default=None)


def line_category(line: Line) -> str:
    return default_category(tax_name=line.tax_category or None, item_name=line.name)


def invoice_category(lines: Iterable[Line]) -> str:
    """The default category of an invoice: that of its largest line (其他 without lines)."""
    best = largest_line(lines)
    return OTHER if best is None else line_category(best)
