"""Vocabularies for the corpus: regions, company-name parts, people's names.

Plain data only, so a renderer (PDF/OFD/XML, a later issue) can reuse the same words and the
generator stays the one place that draws from them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    """An issuing region as the codes spell it.

    ``name`` must be what ``fapiao.core.codes.decode`` reports, because the tests compare the
    two. Only province-level plans are used: cities with separate plans (深圳, 青岛…) have
    codes of their own whose mapping DOMAIN.md marks as uncertain.
    """

    name: str
    province: str  # 2 digits in a 数电 number
    code4: str  # 4 digits in an old 发票代码
    city: str  # for addresses
    area_code: str  # telephone
    districts: tuple[tuple[str, str], ...]  # (6-digit division code, district name)


BEIJING = Region(
    "北京",
    "11",
    "1100",
    "北京市",
    "010",
    (
        ("110101", "东城区"),
        ("110102", "西城区"),
        ("110105", "朝阳区"),
        ("110106", "丰台区"),
        ("110107", "石景山区"),
        ("110108", "海淀区"),
        ("110112", "通州区"),
        ("110113", "顺义区"),
        ("110114", "昌平区"),
        ("110115", "大兴区"),
    ),
)

OTHER_REGIONS: tuple[tuple[Region, float], ...] = (
    (
        Region(
            "天津", "12", "1200", "天津市", "022", (("120101", "和平区"), ("120116", "滨海新区"))
        ),
        12,
    ),
    (
        Region(
            "河北", "13", "1300", "石家庄市", "0311", (("130102", "长安区"), ("130104", "桥西区"))
        ),
        12,
    ),
    (
        Region(
            "上海", "31", "3100", "上海市", "021", (("310101", "黄浦区"), ("310115", "浦东新区"))
        ),
        20,
    ),
    (
        Region("江苏", "32", "3200", "南京市", "025", (("320102", "玄武区"), ("320106", "鼓楼区"))),
        10,
    ),
    (
        Region(
            "浙江", "33", "3300", "杭州市", "0571", (("330106", "西湖区"), ("330108", "滨江区"))
        ),
        10,
    ),
    (
        Region(
            "山东", "37", "3700", "济南市", "0531", (("370102", "历下区"), ("370112", "历城区"))
        ),
        7,
    ),
    (
        Region("湖北", "42", "4200", "武汉市", "027", (("420102", "江岸区"), ("420106", "武昌区"))),
        7,
    ),
    (
        Region("广东", "44", "4400", "广州市", "020", (("440104", "越秀区"), ("440106", "天河区"))),
        15,
    ),
    (
        Region("四川", "51", "5100", "成都市", "028", (("510104", "锦江区"), ("510107", "武侯区"))),
        7,
    ),
)

REGIONS_BY_NAME: dict[str, Region] = {BEIJING.name: BEIJING} | {r.name: r for r, _ in OTHER_REGIONS}

# 字号: the distinctive part of a company name. Invented; any resemblance is the point.
BRANDS: tuple[str, ...] = (
    "华信",
    "鼎盛",
    "瑞丰",
    "恒达",
    "天成",
    "博远",
    "金桥",
    "万通",
    "思远",
    "星辰",
    "汇智",
    "嘉禾",
    "宏图",
    "腾飞",
    "远景",
    "卓越",
    "新锐",
    "启明",
    "正源",
    "润泽",
    "弘毅",
    "安泰",
    "永盛",
    "和润",
    "中鼎",
    "致远",
    "同创",
    "君诚",
    "明德",
    "睿博",
    "海纳",
    "泰和",
    "德润",
    "诚信",
    "聚源",
    "广益",
    "益友",
    "长青",
    "昊天",
    "东方",
    "京华",
    "燕园",
    "西山",
    "紫光阁",
    "银河",
    "青云",
    "松林",
    "翠微",
    "锦程",
    "福源",
    "祥和",
    "丰泽",
    "兴业",
    "隆昌",
    "盛世",
    "凯瑞",
    "尚品",
    "优联",
    "智行",
    "云帆",
    "数联",
    "易达",
    "信远",
    "九州",
    "四海",
    "乐享",
    "朗润",
    "清源",
    "铭泰",
    "博雅",
    "知行",
    "立方",
    "极光",
    "北辰",
    "南山",
    "金鼎",
    "银杏",
    "柏林",
    "梧桐",
)

# Beijing addresses: real street names, invented numbers.
STREETS: tuple[str, ...] = (
    "建国路",
    "朝阳北路",
    "东三环中路",
    "中关村大街",
    "学院路",
    "知春路",
    "西直门外大街",
    "复兴路",
    "丰台路",
    "广安门外大街",
    "王府井大街",
    "东长安街",
    "亮马桥路",
    "酒仙桥路",
    "望京街",
    "北四环西路",
    "上地十街",
    "马连洼北路",
    "科创十三街",
    "新源南路",
)

SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_CHARS: tuple[str, ...] = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文红梅鑫斌宇浩凯秀玉萍晶婷雪琳欣然思佳晨阳子涵"
    "一鸣志远海燕春晓丹慧颖楠博辉"
)

BANKS: tuple[str, ...] = (
    "中国工商银行",
    "中国建设银行",
    "中国银行",
    "中国农业银行",
    "交通银行",
    "招商银行",
    "北京银行",
    "中信银行",
)

# Rail stations and flights for the remarks of 51/61 e-tickets.
RAIL_ROUTES: tuple[tuple[str, str], ...] = (
    ("北京南", "上海虹桥"),
    ("北京西", "石家庄"),
    ("北京南", "天津"),
    ("北京西", "武汉"),
    ("北京南", "济南西"),
    ("北京西", "广州南"),
    ("北京丰台", "郑州东"),
    ("北京朝阳", "沈阳北"),
    ("北京南", "杭州东"),
    ("北京西", "成都东"),
)
AIR_ROUTES: tuple[tuple[str, str], ...] = (
    ("北京首都", "上海虹桥"),
    ("北京大兴", "广州白云"),
    ("北京首都", "成都天府"),
    ("北京首都", "深圳宝安"),
    ("北京大兴", "杭州萧山"),
    ("北京首都", "武汉天河"),
    ("北京大兴", "上海浦东"),
)
