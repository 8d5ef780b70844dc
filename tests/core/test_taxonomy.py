"""The default spending taxonomy (pure): a line's category from its 税收分类 and name, an
invoice's from its largest line, and stored categories read back for reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fapiao.core import taxonomy
from fapiao.core.invoice import LineItemData


@pytest.mark.parametrize(
    ("item", "code", "category"),
    [
        ("*餐饮服务*餐费", None, "餐饮"),
        ("*住宿服务*住宿费", None, "住宿"),
        ("*经营租赁*通行费", None, "交通"),
        ("*经营租赁*办公室租金", None, "租赁"),
        ("*信息技术服务*软件开发服务", None, "信息技术"),
        ("*研发服务*技术开发", None, "信息技术"),
        ("*其他服务*杂项", None, "其他"),
        ("技术开发", "3040201000000000000", "信息技术"),
        ("会务费", "3040304000000000000", "会议培训"),
        ("*现代服务*企业管理咨询", "3070401000000000000", "餐饮"),  # the code outranks
        ("*陆路旅客运输服务*客票", None, "交通"),
        ("", None, "其他"),
    ],
)
def test_default_taxonomy(item: str, code: str | None, category: str) -> None:
    assert taxonomy.default_category(item_name=item, tax_code=code) == category


def _line(name: str, amount: str) -> LineItemData:
    return LineItemData(name=name, amount=Decimal(amount))


@pytest.mark.parametrize(
    ("lines", "category"),
    [
        ([("*办公用品*签字笔", "50.00"), ("*计算机配套产品*键盘", "500.00")], "信息技术"),
        # A red invoice's lines are negative: the largest by size decides.
        ([("*住宿服务*住宿费", "-800.00"), ("*餐饮服务*餐费", "-120.00")], "住宿"),
        # Of equal lines, the first printed.
        ([("*餐饮服务*餐费", "100.00"), ("*住宿服务*住宿费", "100.00")], "餐饮"),
        ([("*经营租赁*通行费", "30.00")], "交通"),
        ([], "其他"),
    ],
)
def test_an_invoice_takes_the_category_of_its_largest_line(
    lines: list[tuple[str, str]], category: str
) -> None:
    assert taxonomy.invoice_category([_line(n, a) for n, a in lines]) == category


def test_stored_labels_and_custom_names_read_back() -> None:
    assert taxonomy.normalise("住宿服务") == "住宿"  # stored by earlier versions
    assert taxonomy.normalise("住宿") == "住宿"
    assert taxonomy.normalise("差旅") == "其他"
    assert taxonomy.normalise("差旅", frozenset({"差旅"})) == "差旅"
