"""What sellers sell: tax categories, the items in each, prices, and the kinds of sellers.

Prices are tax-inclusive per unit, because that is how a shop prices and how the amounts on
a real invoice come about: 金额 = price / (1 + rate) rounded to the fen, 税额 from 金额.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Rate classes resolve to a rate by issue date and seller size (see amounts.rate_for):
# G goods 13%, T transport/construction/telecom/lease 9%, S services 6%,
# E 免税, N 不征税, and fixed simple-levy rates "3" (taxi, tolls).
RateClass = str


@dataclass(frozen=True, slots=True)
class Item:
    name: str  # 商品名, the part after the second star
    unit: str | None  # None: a service billed as a lump sum, no quantity or unit price
    lo: float  # price per unit (or per invoice line when unit is None), tax-inclusive
    hi: float
    qty_lo: int = 1
    qty_hi: int = 1
    rate: RateClass = "S"
    # Precomputed for log-uniform price draws.
    log_lo: float = field(init=False, repr=False, compare=False)
    log_span: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "log_lo", math.log(self.lo))
        object.__setattr__(self, "log_span", math.log(self.hi / self.lo))


@dataclass(frozen=True, slots=True)
class Category:
    name: str  # 税收分类简称
    items: tuple[Item, ...]
    max_lines: int = 1  # goods come in baskets, services one line at a time


def _c(name: str, *items: Item, max_lines: int = 1) -> Category:
    return Category(name, items, max_lines)


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        _c(
            "餐饮服务",
            Item("餐费", None, 50, 2000),
            Item("餐饮服务费", None, 80, 3000),
            Item("工作餐", "份", 20, 60, 5, 40),
        ),
        _c(
            "住宿服务", Item("住宿费", "晚", 300, 3000, 1, 5), Item("房费", "间夜", 300, 1500, 1, 4)
        ),
        _c(
            "运输服务",
            Item("客运服务费", None, 15, 300, rate="3"),
            Item("国内道路货物运输服务", "次", 100, 5000, 1, 3, "T"),
            Item("代驾服务费", None, 40, 300, rate="3"),
        ),
        _c(
            "办公用品",
            Item("签字笔", "支", 2, 15, 10, 100, "G"),
            Item("A4复印纸", "箱", 120, 260, 1, 20, "G"),
            Item("文件夹", "个", 3, 30, 5, 50, "G"),
            Item("订书机", "个", 15, 80, 1, 10, "G"),
            Item("笔记本", "本", 5, 40, 5, 50, "G"),
            Item("白板笔", "盒", 20, 60, 1, 10, "G"),
            Item("硒鼓", "个", 150, 900, 1, 6, "G"),
            Item("便利贴", "本", 2, 10, 10, 100, "G"),
            max_lines=6,
        ),
        _c(
            "电信服务",
            Item("基础电信服务", None, 50, 2000, rate="T"),
            Item("增值电信服务", None, 10, 1000),
            Item("宽带服务费", "月", 200, 3000, 1, 12, "T"),
            max_lines=2,
        ),
        _c(
            "信息技术服务",
            Item("技术服务费", None, 1000, 200000),
            Item("软件开发服务", None, 5000, 200000),
            Item("信息系统运维服务", "年", 5000, 100000),
            Item("云服务费", "月", 500, 20000, 1, 12),
        ),
        _c(
            "软件",
            Item("办公软件", "套", 300, 5000, 1, 50, "G"),
            Item("财务软件", "套", 2000, 50000, 1, 3, "G"),
            Item("软件授权许可", "套", 1000, 100000, 1, 10, "G"),
        ),
        _c(
            "计算机配套产品",
            Item("笔记本电脑", "台", 3000, 15000, 1, 10, "G"),
            Item("显示器", "台", 600, 3000, 1, 10, "G"),
            Item("键盘", "个", 50, 500, 1, 20, "G"),
            Item("鼠标", "个", 30, 300, 1, 20, "G"),
            Item("移动硬盘", "个", 300, 1500, 1, 5, "G"),
            Item("打印机", "台", 800, 6000, 1, 3, "G"),
            max_lines=4,
        ),
        _c(
            "会议服务",
            Item("会议服务费", None, 2000, 100000),
            Item("会务费", "人", 300, 3000, 5, 100),
        ),
        _c(
            "培训服务", Item("培训费", None, 500, 50000), Item("技能培训费", "人", 500, 5000, 1, 20)
        ),
        _c(
            "咨询服务",
            Item("咨询服务费", None, 5000, 300000),
            Item("管理咨询服务", None, 10000, 300000),
            Item("税务咨询服务", None, 3000, 100000),
        ),
        _c(
            "建筑服务",
            Item("工程款", None, 10000, 1000000, rate="T"),
            Item("装饰装修工程", None, 20000, 800000, rate="T"),
            Item("安装服务", None, 2000, 100000, rate="T"),
        ),
        _c(
            "现代服务",
            Item("服务费", None, 500, 50000),
            Item("设计服务费", None, 1000, 50000),
            Item("物业管理费", "月", 1000, 30000, 1, 12),
        ),
        _c(
            "经纪代理服务",
            Item("代理服务费", None, 200, 20000),
            Item("代订服务费", None, 20, 500),
            Item("人力资源外包服务", None, 5000, 100000),
        ),
        _c(
            "焙烤食品",
            Item("面包", "个", 5, 30, 2, 30, "G"),
            Item("蛋糕", "个", 80, 500, 1, 3, "G"),
            Item("月饼礼盒", "盒", 100, 500, 1, 50, "G"),
            max_lines=3,
        ),
        _c(
            "汽油",
            Item("92号车用汽油(VIB)", "升", 6.8, 8.2, 20, 60, "G"),
            Item("95号车用汽油(VIB)", "升", 7.3, 8.8, 20, 60, "G"),
        ),
        _c(
            "印刷品",
            Item("宣传册", "本", 5, 50, 100, 2000, "G"),
            Item("名片", "盒", 20, 80, 1, 20, "G"),
            Item("海报", "张", 5, 100, 10, 200, "G"),
            max_lines=3,
        ),
        _c(
            "日用杂品",
            Item("纸巾", "箱", 50, 200, 1, 10, "G"),
            Item("垃圾袋", "包", 5, 30, 1, 20, "G"),
            Item("洗手液", "瓶", 10, 50, 1, 20, "G"),
            max_lines=3,
        ),
        _c(
            "经营租赁",
            Item("停车费", None, 10, 500, rate="T"),
            Item("场地租赁费", None, 2000, 80000, rate="T"),
        ),
        _c("医疗服务", Item("体检费", "人", 300, 3000, 1, 50, "E")),
    )
}

# Special kinds: their items are fixed by the kind, not by the seller.
TOLL_ITEM = Item("通行费", None, 5, 300, rate="3")
RAIL_ITEM = Item("铁路客运服务", None, 50, 1500, rate="T")
AIR_FARE_ITEM = Item("航空客运服务", None, 400, 5000, rate="T")
AIR_FUND_ITEM = Item("民航发展基金", None, 50, 50, rate="N")  # a levy, 不征税


@dataclass(frozen=True, slots=True)
class Industry:
    key: str
    weight: float  # how often an expense claim comes from this trade
    suffixes: tuple[str, ...]  # completes 北京{字号}…
    categories: tuple[tuple[str, float], ...]  # what they sell, with weights
    p_special: float = 0.4  # share of 专票 among their 数电/paper invoices
    small_share: float = 0.1  # share of 小规模纳税人 among them
    # Registration prefix of the USCC: 91 company, 92 个体工商户, 52 民办非企业, 12 事业单位.
    alt_prefix: str | None = None
    alt_template: str | None = None  # name for the alt prefix: {district}{brand}…


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "catering",
        25,
        ("餐饮管理有限公司", "餐饮有限公司", "餐饮服务有限公司"),
        (("餐饮服务", 95), ("焙烤食品", 5)),
        p_special=0.03,
        small_share=0.4,
        alt_prefix="92",
        alt_template="{city}{district}{brand}餐厅",
    ),
    Industry(
        "hotel",
        10,
        ("酒店管理有限公司", "大酒店有限公司", "宾馆有限公司"),
        (("住宿服务", 85), ("餐饮服务", 8), ("会议服务", 7)),
        p_special=0.5,
    ),
    Industry(
        "transport",
        12,
        ("出租汽车有限公司", "汽车服务有限公司", "物流有限公司"),
        (("运输服务", 1),),
    ),
    Industry(
        "office",
        8,
        ("文化用品有限公司", "商贸有限公司", "办公设备有限公司"),
        (("办公用品", 60), ("印刷品", 10), ("日用杂品", 15), ("计算机配套产品", 15)),
        small_share=0.3,
    ),
    Industry(
        "tech",
        8,
        ("科技有限公司", "信息技术有限公司", "软件有限公司", "网络科技有限公司"),
        (("信息技术服务", 50), ("软件", 20), ("计算机配套产品", 20), ("现代服务", 10)),
        p_special=0.7,
    ),
    Industry(
        "consulting",
        4,
        ("咨询有限公司", "管理咨询有限公司", "企业管理咨询有限公司"),
        (("咨询服务", 85), ("现代服务", 15)),
        p_special=0.7,
    ),
    Industry(
        "construction",
        2,
        ("建筑工程有限公司", "装饰工程有限公司", "建设工程有限公司"),
        (("建筑服务", 1),),
        p_special=0.8,
    ),
    Industry(
        "training",
        4,
        ("教育科技有限公司", "职业技能培训有限公司"),
        (("培训服务", 1),),
        alt_prefix="52",
        alt_template="{city}{district}{brand}培训学校",
    ),
    Industry(
        "meeting",
        4,
        ("会议服务有限公司", "会展服务有限公司", "文化传播有限公司"),
        (("会议服务", 70), ("现代服务", 30)),
    ),
    Industry(
        "agency",
        4,
        ("人力资源服务有限公司", "商务服务有限公司", "国际旅行社有限公司"),
        (("经纪代理服务", 80), ("现代服务", 20)),
    ),
    Industry("bakery", 3, ("食品有限公司", "烘焙有限公司"), (("焙烤食品", 1),), p_special=0.05),
    Industry(
        "printing", 3, ("印刷有限公司", "图文设计有限公司"), (("印刷品", 70), ("现代服务", 30))
    ),
    Industry("property", 2, ("物业管理有限公司",), (("现代服务", 80), ("经营租赁", 20))),
    Industry(
        "medical",
        1,
        ("健康管理有限公司",),
        (("医疗服务", 1),),
        p_special=0.0,
        alt_prefix="12",
        alt_template="{city}{district}{brand}医院",
    ),
    # Trades served mostly by the well-known sellers below.
    Industry("petrol", 5, (), (("汽油", 1),), p_special=0.2),
    Industry("telecom", 4, (), (("电信服务", 1),), p_special=0.3),
    Industry("retail", 5, (), (("办公用品", 40), ("计算机配套产品", 40), ("日用杂品", 20))),
    Industry("parking", 2, (), (("经营租赁", 80), ("餐饮服务", 20)), p_special=0.1),
)
INDUSTRIES_BY_KEY: dict[str, Industry] = {i.key: i for i in INDUSTRIES}

# Well-known sellers (name, region, industry, district code): invoices from them are the
# everyday bulk of an expense claim. Their tax ids here are generated, never the real ones.
KNOWN_SELLERS: tuple[tuple[str, str, str, str], ...] = (
    ("中国石化销售股份有限公司北京石油分公司", "北京", "petrol", "110102"),
    ("中国石油天然气股份有限公司北京销售分公司", "北京", "petrol", "110105"),
    ("中国移动通信集团北京有限公司", "北京", "telecom", "110102"),
    ("中国联合网络通信有限公司北京市分公司", "北京", "telecom", "110102"),
    ("中国电信股份有限公司北京分公司", "北京", "telecom", "110101"),
    ("北京京东世纪信息技术有限公司", "北京", "retail", "110115"),
    ("北京首都国际机场股份有限公司", "北京", "parking", "110113"),
    ("北京首汽（集团）股份有限公司", "北京", "transport", "110105"),
    ("北京银建出租汽车有限公司", "北京", "transport", "110105"),
    ("滴滴出行科技有限公司", "天津", "transport", "120116"),
    ("中国石化销售股份有限公司上海石油分公司", "上海", "petrol", "310115"),
    ("中国移动通信集团上海有限公司", "上海", "telecom", "310101"),
    ("中国石化销售股份有限公司广东广州石油分公司", "广东", "petrol", "440106"),
    ("中国石化销售股份有限公司河北石油分公司", "河北", "petrol", "130102"),
    ("中国石油天然气股份有限公司天津销售分公司", "天津", "petrol", "120101"),
)

# Sellers of the special kinds, by region (region name, seller name, district code).
RAIL_SELLERS: tuple[tuple[str, str, str], ...] = (
    ("北京", "中国铁路北京局集团有限公司", "110108"),
    ("上海", "中国铁路上海局集团有限公司", "310101"),
    ("广东", "中国铁路广州局集团有限公司", "440104"),
    ("山东", "中国铁路济南局集团有限公司", "370102"),
    ("湖北", "中国铁路武汉局集团有限公司", "420106"),
    ("四川", "中国铁路成都局集团有限公司", "510104"),
)
AIR_SELLERS: tuple[tuple[str, str, str], ...] = (
    ("北京", "中国国际航空股份有限公司", "110113"),
    ("上海", "中国东方航空股份有限公司", "310115"),
    ("广东", "中国南方航空股份有限公司", "440106"),
    ("四川", "四川航空股份有限公司", "510104"),
    ("山东", "山东航空股份有限公司", "370112"),
    ("天津", "天津航空有限责任公司", "120116"),
    ("河北", "河北航空有限公司", "130102"),
)
TOLL_SELLERS: tuple[tuple[str, str, str], ...] = (
    ("北京", "北京市首都公路发展集团有限公司", "110102"),
    ("北京", "北京京港澳高速公路有限公司", "110106"),
    ("天津", "天津市高速公路集团有限公司", "120101"),
    ("河北", "河北高速公路集团有限公司", "130102"),
    ("上海", "上海沪宁高速公路（上海段）发展有限公司", "310101"),
    ("江苏", "江苏京沪高速公路有限公司", "320102"),
    ("山东", "山东高速股份有限公司", "370102"),
)
