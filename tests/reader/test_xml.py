"""数电 XML: generated invoices survive render -> read, and odd-but-valid XML is read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fapiao.core.invoice import InvoiceData
from fapiao.reader.base import Limits
from fapiao.reader.pipeline import extract_bytes
from fapiao.reader.xml_einvoice import read
from tests.corpus.render_xml import render_xml
from tests.reader.conftest import TODAY

KEYS = (
    "invoice_type", "invoice_code", "invoice_number", "issue_date", "buyer_name",
    "buyer_tax_id", "seller_name", "seller_tax_id", "amount", "tax_amount", "total_amount",
    "total_amount_cn", "issuer", "remarks", "items",
)  # fmt: skip


def _subset(inv: InvoiceData) -> dict[str, object]:
    d = inv.to_schema_dict(extra=True)
    out = {k: d[k] for k in KEYS}
    out["is_red"] = d["is_red"]
    out["original_invoice_number"] = d["original_invoice_number"]
    return out


@pytest.mark.parametrize("namespace", [None, "http://www.chinatax.gov.cn/EInvoice"])
def test_generated_invoices_round_trip(generated: list[InvoiceData], namespace: str | None) -> None:
    wrong = []
    for inv in generated:
        [raw] = read(render_xml(inv, namespace=namespace), limits=Limits())
        if _subset(raw.data) != _subset(inv):
            wrong.append(inv.invoice_number)
    assert wrong == []
    assert any(inv.is_red_invoice for inv in generated)  # red ones were among them


def test_every_field_from_xml_is_certain(generated: list[InvoiceData]) -> None:
    inv = next(i for i in generated if i.invoice_type == "31" and i.items)
    result = extract_bytes(render_xml(inv), filename="a.xml", today=TODAY)
    assert result.status == "ok"
    [out] = result.invoices
    assert out.sources["invoice_number"] == "xml"
    assert all(v == 1.0 for k, v in out.confidence.items() if out.sources[k] == "xml")
    assert out.needs_review == []
    assert out.data.region  # derived from the number


def test_kind_from_labels() -> None:
    xml = (
        b"<EInvoice><Header><InherentLabel><GeneralOrSpecialVAT><LabelCode>02</LabelCode>"
        b"</GeneralOrSpecialVAT></InherentLabel></Header><TaxSupervisionInfo><InvoiceNumber>"
        b"25112000000000000001</InvoiceNumber></TaxSupervisionInfo></EInvoice>"
    )
    [raw] = read(xml, limits=Limits())
    assert raw.data.invoice_type == "32"
    assert raw.data.invoice_type_name == "电子发票（普通发票）"


def test_minimal_xml_reads_what_is_there() -> None:
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><EInvoice><EInvoiceData><BasicInformation>'
        b"<TotalTax-includedAmount>113.00</TotalTax-includedAmount></BasicInformation>"
        b"</EInvoiceData></EInvoice>"
    )
    result = extract_bytes(xml, filename="min.xml", today=TODAY)
    assert result.status == "partial"
    [inv] = result.invoices
    assert inv.data.total_amount == Decimal("113.00")
    assert "invoice_number" in inv.needs_review
    assert "seller_tax_id" in inv.needs_review


def test_red_invoice_names_its_blue_one_from_remarks() -> None:
    xml = (
        "<EInvoice><EInvoiceData><BasicInformation><TotalAmWithoutTax>-100.00</TotalAmWithoutTax>"
        "<TotalTaxAm>-13.00</TotalTaxAm><TotalTax-includedAmount>-113.00</TotalTax-includedAmount>"
        "</BasicInformation><AdditionalInformation><Remark>被红冲蓝字数电发票号码："
        "25112000000000000007 红字发票信息确认单编号：11010824091002615708</Remark>"
        "</AdditionalInformation></EInvoiceData><TaxSupervisionInfo><InvoiceNumber>"
        "25112000000000000099</InvoiceNumber></TaxSupervisionInfo></EInvoice>"
    ).encode()
    [raw] = read(xml, limits=Limits())
    assert raw.data.is_red
    assert raw.data.original_invoice_number == "25112000000000000007"


def test_tax_rates_are_normalised() -> None:
    xml = (
        "<EInvoice><EInvoiceData><IssuItemInformation><ItemName>*餐饮服务*餐费</ItemName>"
        "<Amount>100</Amount><TaxRate>0.060000</TaxRate><ComTaxAm>6</ComTaxAm>"
        "</IssuItemInformation><IssuItemInformation><ItemName>*图书*书</ItemName>"
        "<TaxRate>免税</TaxRate></IssuItemInformation><BasicInformation>"
        "<TotalTax-includedAmount>106.00</TotalTax-includedAmount></BasicInformation>"
        "</EInvoiceData></EInvoice>"
    ).encode()
    [raw] = read(xml, limits=Limits())
    assert [i.tax_rate for i in raw.data.items] == ["0.06", "免税"]
    assert raw.data.items[0].tax_category == "餐饮服务"
    assert raw.data.items[0].amount == Decimal("100.00")
