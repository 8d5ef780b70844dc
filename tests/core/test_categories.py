import pytest

from fapiao.core.categories import tax_category


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("*餐饮服务*餐费", "餐饮服务"),
        ("*焙烤食品*泡吧夹心软面包", "焙烤食品"),
        ("*办公用品*签字笔", "办公用品"),
        ("＊餐饮服务＊餐费", "餐饮服务"),
        (" * 餐饮服务 * 餐费", "餐饮服务"),
        ("*建筑服务*【KX240122008】客户响应中心-2024年管线优化服务支撑施工项目", "建筑服务"),
        ("*现代服务*移动代理服务", "现代服务"),
        ("*经纪代理服务*", "经纪代理服务"),
    ],
)
def test_tax_category(name: str, category: str) -> None:
    assert tax_category(name) == category


@pytest.mark.parametrize(
    "name", ["餐费", "(详见销货清单)", "*餐饮服务餐费", "**餐费", "", None, "计算机*A6100*"]
)
def test_no_category(name: str | None) -> None:
    assert tax_category(name) is None
