import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from fapiao.core.findings import Finding, Severity
from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.core.rules import RULE_CODES, check_invoice

D = Decimal
TODAY = datetime.date(2025, 6, 1)


def beijing_shudian() -> InvoiceData:
    """A clean Beijing 数电 专票: no findings at all."""
    return InvoiceData(
        invoice_type="31",
        invoice_type_name="电子发票（增值税专用发票）",
        invoice_number="25112000000127444519",
        issue_date=datetime.date(2025, 3, 7),
        buyer_name="北京示例科技有限公司",
        buyer_tax_id="91441702707782974C",
        seller_name="北京示例餐饮有限公司",
        seller_tax_id="914400007556190127",
        amount=D("20000.00"),
        tax_amount=D("1800.00"),
        total_amount=D("21800.00"),
        total_amount_cn="贰万壹仟捌佰圆整",
        items=[
            LineItemData(
                name="*建筑服务*施工",
                tax_category="建筑服务",
                amount=D("20000.00"),
                tax_rate="0.09",
                tax_amount=D("1800.00"),
            )
        ],
    )


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_clean_invoice_has_no_findings() -> None:
    assert check_invoice(beijing_shudian(), today=TODAY) == []


def test_tianjin_sample_is_not_beijing_but_otherwise_clean() -> None:
    inv = InvoiceData(
        invoice_type="10",
        invoice_type_name="天津增值税电子普通发票",
        invoice_code="012001800311",
        invoice_number="33207675",
        issue_date=datetime.date(2019, 5, 8),
        buyer_name="个人",
        seller_name="天津瑞佳讯贸易有限公司",
        seller_tax_id="91120222079642398Y",
        amount=D("46.62"),
        tax_amount=D("6.08"),
        total_amount=D("52.70"),
        total_amount_cn="伍拾贰圆柒角",
        items=[
            LineItemData(
                name="(详见销货清单)", amount=D("46.62"), tax_rate="0.13", tax_amount=D("6.08")
            )
        ],
    )
    findings = check_invoice(inv, today=TODAY)
    assert codes(findings) == ["not_beijing"]
    assert findings[0].severity is Severity.INFO and "天津" in findings[0].message


def test_beijing_paper_specimen_with_old_tax_ids() -> None:
    inv = InvoiceData(
        invoice_type="01",
        invoice_code="1100094140",
        invoice_number="87654321",
        issue_date=datetime.date(2010, 11, 18),
        buyer_name="测试购方企业",
        buyer_tax_id="410305123456789",
        seller_name="测试销方企业",
        seller_tax_id="410305012345678",
        amount=D("5999.00"),
        tax_amount=D("1019.83"),
        total_amount=D("7018.83"),
        total_amount_cn="柒仟零壹拾捌圆捌角叁分",
        items=[
            LineItemData(
                name="计算机", amount=D("5999.00"), tax_rate="0.17", tax_amount=D("1019.83")
            )
        ],
    )
    assert check_invoice(inv, today=TODAY) == []


def test_synthetic_bad_tax_ids_sample() -> None:
    inv = replace(
        beijing_shudian(),
        invoice_type="10",
        invoice_type_name=None,
        invoice_code="011001805111",
        invoice_number="12345678",
        buyer_tax_id="91330100TEST00001",
        seller_tax_id="91440300TEST00002",
    )
    found = only(check_invoice(inv, today=TODAY), "invalid_tax_id")
    assert [f.field for f in found] == ["seller_tax_id", "buyer_tax_id"]
    assert all(f.severity is Severity.ERROR for f in found)
    assert found[0].message.startswith("销售方纳税人识别号 91440300TEST00002")


def test_wrong_check_digit_message_names_the_id_and_what_to_do() -> None:
    inv = replace(beijing_shudian(), seller_tax_id="914400007556190128")
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "invalid_tax_id" and finding.field == "seller_tax_id"
    assert "914400007556190128" in finding.message and "校验位不正确" in finding.message
    assert "联系开票方" in finding.message


def test_individual_buyer_without_tax_id_is_fine() -> None:
    inv = replace(beijing_shudian(), buyer_name="个人", buyer_tax_id=None)
    assert check_invoice(inv, today=TODAY) == []
    assert check_invoice(replace(inv, buyer_tax_id=""), today=TODAY) == []


def test_total_mismatch() -> None:
    inv = replace(beijing_shudian(), total_amount=D("21800.01"), total_amount_cn=None)
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "total_mismatch" and finding.severity is Severity.ERROR
    assert "21800.00" in finding.message and "21800.01" in finding.message


def test_cn_amount_mismatch_and_garbage() -> None:
    inv = replace(beijing_shudian(), total_amount_cn="贰万壹仟捌佰壹拾圆整")
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "cn_amount_mismatch" and "21810.00" in finding.message
    inv = replace(beijing_shudian(), total_amount_cn="贰万壹仟捌佰圆整" + "X")
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "cn_amount_mismatch" and "无法识别" in finding.message
    inv = replace(beijing_shudian(), total_amount_cn="贰万壹仟捌佰元正")
    assert check_invoice(inv, today=TODAY) == []


def test_future_date() -> None:
    inv = replace(beijing_shudian(), issue_date=datetime.date(2025, 6, 2))
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "future_date" and finding.field == "issue_date"
    assert check_invoice(replace(inv, issue_date=TODAY), today=TODAY) == []


def test_missing_fields_in_key_order() -> None:
    inv = InvoiceData()
    findings = check_invoice(inv, today=TODAY)
    assert codes(findings) == ["missing_field"] * 6
    assert [f.field for f in findings] == [
        "invoice_number",
        "issue_date",
        "seller_name",
        "seller_tax_id",
        "buyer_name",
        "total_amount",
    ]
    assert findings[0].message == "未能读取发票号码：请对照发票原件补充。"
    assert all(f.severity is Severity.WARNING for f in findings)


def test_bad_number_format() -> None:
    inv = replace(beijing_shudian(), invoice_number="2511200000012744451")
    found = only(check_invoice(inv, today=TODAY), "bad_number_format")
    assert len(found) == 1 and found[0].field == "invoice_number"
    assert found[0].severity is Severity.ERROR and "20位" in found[0].message


def test_line_sum_mismatch() -> None:
    inv = beijing_shudian()
    inv.items.append(
        LineItemData(name="*建筑服务*材料", amount=D("100.00"), tax_rate="0.09", tax_amount=D("9"))
    )
    findings = check_invoice(inv, today=TODAY)
    assert codes(findings) == ["line_sum_mismatch", "line_sum_mismatch"]
    assert [f.field for f in findings] == ["amount", "tax_amount"]
    assert "20100.00" in findings[0].message


def test_line_sums_skipped_when_a_line_lacks_the_value() -> None:
    inv = beijing_shudian()
    inv.items.append(LineItemData(name="*建筑服务*材料", tax_rate="0.09"))
    assert check_invoice(inv, today=TODAY) == []


def test_line_tax_mismatch_with_tolerance() -> None:
    inv = beijing_shudian()
    inv.items[0].tax_amount = D("1800.01")  # within a fen: rounding
    inv.tax_amount, inv.total_amount = D("1800.01"), D("21800.01")
    inv.total_amount_cn = None
    assert check_invoice(inv, today=TODAY) == []
    inv.items[0].tax_amount = D("1800.02")
    inv.tax_amount, inv.total_amount = D("1800.02"), D("21800.02")
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "line_tax_mismatch" and finding.field == "items[0].tax_amount"
    assert "第1行" in finding.message


def test_summary_line_is_not_tax_checked() -> None:
    # The (详见销货清单) line carries the sum of per-line rounded taxes: on the real Tianjin
    # sample 46.62 × 13% = 6.06 while the printed tax is 6.08.
    inv = beijing_shudian()
    inv.items[0].name = "(详见销货清单)"
    inv.items[0].tax_amount = D("1800.05")
    inv.tax_amount, inv.total_amount, inv.total_amount_cn = D("1800.05"), D("21800.05"), None
    assert check_invoice(inv, today=TODAY) == []


@pytest.mark.parametrize("rate", ["免税", "不征税"])
def test_exempt_lines_are_not_tax_checked(rate: str) -> None:
    inv = beijing_shudian()
    inv.items[0].tax_rate = rate
    assert check_invoice(inv, today=TODAY) == []


def test_unusual_tax_rate() -> None:
    inv = beijing_shudian()
    inv.items[0].tax_rate = "0.08"
    inv.items[0].tax_amount = D("1600.00")
    inv.tax_amount, inv.total_amount, inv.total_amount_cn = D("1600.00"), D("21600.00"), None
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "unusual_tax_rate" and finding.field == "items[0].tax_rate"


@pytest.mark.parametrize("rate", ["0", "0.01", "0.03", "0.05", "0.06", "0.1", "0.11", "0.16"])
def test_usual_rates_pass(rate: str) -> None:
    inv = beijing_shudian()
    inv.items[0].tax_rate = rate
    assert "unusual_tax_rate" not in codes(check_invoice(inv, today=TODAY))


def test_kind_mismatch_printed_vs_declared() -> None:
    inv = replace(beijing_shudian(), invoice_type_name="电子发票（普通发票）")
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "kind_mismatch" and finding.severity is Severity.WARNING


def test_kind_mismatch_code_vs_declared() -> None:
    inv = replace(
        beijing_shudian(),
        invoice_type="01",
        invoice_type_name=None,
        invoice_code="011001605111",
        invoice_number="80100798",
    )
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "kind_mismatch"
    assert "增值税电子普通发票" in finding.message


def test_kind_mismatch_shudian_number_with_old_kind() -> None:
    inv = replace(beijing_shudian(), invoice_type="04", invoice_type_name=None)
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "kind_mismatch" and "数电" in finding.message


@pytest.mark.parametrize(
    ("number", "region"),
    [
        ("25442000000127444519", "广东"),
        ("25924000000001260164", "青岛"),
        ("23512000000058396237", "四川"),
    ],
)
def test_not_beijing_names_the_region(number: str, region: str) -> None:
    inv = replace(beijing_shudian(), invoice_number=number)
    (finding,) = check_invoice(inv, today=TODAY)
    assert finding.code == "not_beijing" and finding.severity is Severity.INFO
    assert region in finding.message


def test_not_beijing_from_region_field_when_nothing_decodes() -> None:
    inv = replace(beijing_shudian(), invoice_number=None, region="上海")
    assert codes(check_invoice(inv, today=TODAY)) == ["missing_field", "not_beijing"]


def test_red_invoice_without_original() -> None:
    inv = replace(
        beijing_shudian(),
        amount=D("-20000.00"),
        tax_amount=D("-1800.00"),
        total_amount=D("-21800.00"),
        total_amount_cn="负数贰万壹仟捌佰圆整",
        items=[],
    )
    findings = check_invoice(inv, today=TODAY)
    assert codes(findings) == ["red_invoice", "red_without_original"]
    assert [f.severity for f in findings] == [Severity.INFO, Severity.WARNING]


def test_red_invoice_with_original() -> None:
    base = replace(
        beijing_shudian(),
        amount=D("-20000.00"),
        tax_amount=D("-1800.00"),
        total_amount=D("-21800.00"),
        total_amount_cn="（负数）贰万壹仟捌佰圆整",
        items=[],
    )
    named = replace(base, original_invoice_number="25112000000127444518")
    assert codes(check_invoice(named, today=TODAY)) == ["red_invoice"]
    in_remarks = replace(base, remarks="被红冲蓝字数电发票号码：25112000000127444518")
    assert codes(check_invoice(in_remarks, today=TODAY)) == ["red_invoice"]


def test_order_is_deterministic_and_codes_documented() -> None:
    inv = InvoiceData(
        invoice_code="440019",
        invoice_number="12",
        seller_tax_id="X",
        total_amount=D("-1"),
        total_amount_cn="???",
        issue_date=datetime.date(2030, 1, 1),
    )
    first = check_invoice(inv, today=TODAY)
    assert first == check_invoice(inv, today=TODAY)
    assert codes(first) == [
        "missing_field",
        "missing_field",
        "bad_number_format",
        "bad_number_format",
        "invalid_tax_id",
        "future_date",
        "cn_amount_mismatch",
        "red_invoice",
        "red_without_original",
    ]
    for finding in first:
        assert finding.severity is RULE_CODES[finding.code]
        assert finding.message


def test_finding_to_dict() -> None:
    finding = Finding("total_mismatch", Severity.ERROR, "金额不符", "total_amount")
    assert finding.to_dict() == {
        "code": "total_mismatch",
        "severity": "error",
        "field": "total_amount",
        "message": "金额不符",
    }
    assert Severity.WARNING == "warning"
    assert set(RULE_CODES) >= {
        "invalid_tax_id",
        "total_mismatch",
        "line_sum_mismatch",
        "line_tax_mismatch",
        "cn_amount_mismatch",
        "future_date",
        "bad_number_format",
        "missing_field",
        "not_beijing",
        "red_invoice",
        "red_without_original",
        "kind_mismatch",
        "unusual_tax_rate",
    }
