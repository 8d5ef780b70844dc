"""Resolution: derived fields, the QR cross-check, and that no doubtful key field goes
unflagged."""

from __future__ import annotations

from decimal import Decimal

from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.reader.base import RawInvoice
from fapiao.reader.resolve import resolve
from tests.reader.conftest import TODAY


def _raw(source: str = "ocr", confidence: float = 0.95, **values: object) -> RawInvoice:
    data = InvoiceData(
        invoice_type="10",
        invoice_code="011001900111",
        invoice_number="12345678",
        issue_date=TODAY.replace(day=1),
        check_code="12345678901234567890",
        buyer_name="北京示例科技有限公司",
        buyer_tax_id="911101085512345672",
        seller_name="北京某某餐饮有限公司",
        seller_tax_id="91110108816528297R",
        amount=Decimal("100.00"),
        tax_amount=Decimal("6.00"),
        total_amount=Decimal("106.00"),
        items=[
            LineItemData(
                name="*餐饮服务*餐费", amount=Decimal("100.00"), tax_rate="0.06",
                tax_amount=Decimal("6.00"),
            )
        ],
    )  # fmt: skip
    for name, value in values.items():
        setattr(data, name, value)
    found = [n for n in data.to_schema_dict() if getattr(data, n, None) not in (None, "", [])]
    return RawInvoice(
        data=data,
        sources={n: source for n in found},  # type: ignore[misc]
        confidence={n: confidence for n in found},
    )


def test_clean_invoice_needs_no_review() -> None:
    out = resolve(_raw(), today=TODAY)
    assert out.needs_review == []
    assert out.data.region == "北京"
    assert out.data.invoice_type_name == "增值税电子普通发票"


def test_no_line_read_asks_for_the_lines() -> None:
    # Every invoice has at least one line: none read is a reading failure to look at.
    out = resolve(_raw(items=[]), today=TODAY)
    assert out.needs_review == ["items"]


def test_amounts_that_do_not_add_up_are_all_doubted() -> None:
    # 金额 + 税额 != 价税合计: any of the three may be the misread one.
    out = resolve(_raw(tax_amount=Decimal("9.00"), source="pdf_text"), today=TODAY)
    assert {"amount", "tax_amount", "total_amount"} <= set(out.needs_review)


def test_organisation_tax_id_confirms_the_buyer() -> None:
    raw = _raw(confidence=0.85)
    out = resolve(raw, today=TODAY, buyer_tax_id="911101085512345672")
    assert "buyer_tax_id" not in out.needs_review
    assert "seller_tax_id" in out.needs_review


def test_organisation_tax_id_on_the_guessed_seller_side_moves_to_the_buyer() -> None:
    raw = _raw(confidence=0.8, buyer_tax_id="91110108816528297R",
               seller_tax_id="911101085512345672")  # fmt: skip
    out = resolve(raw, today=TODAY, buyer_tax_id="911101085512345672")
    assert out.data.buyer_tax_id == "911101085512345672"
    assert out.data.seller_tax_id == "91110108816528297R"
    assert "buyer_tax_id" not in out.needs_review


def test_a_certain_seller_side_is_not_overridden_by_the_organisation() -> None:
    # The organisation's own sales invoice: the page says it is the seller.
    raw = _raw(buyer_tax_id="91110108816528297R", seller_tax_id="911101085512345672")
    out = resolve(raw, today=TODAY, buyer_tax_id="911101085512345672")
    assert out.data.seller_tax_id == "911101085512345672"


def test_misread_buyer_tax_id_close_to_the_organisation_is_replaced_and_said() -> None:
    raw = _raw(buyer_tax_id="9111010855I2345672")  # 1 read as I: fails its check
    out = resolve(raw, today=TODAY, buyer_tax_id="911101085512345672")
    assert out.data.buyer_tax_id == "911101085512345672"
    assert "buyer_tax_id_known" in {f.code for f in out.findings}
    assert "buyer_tax_id" not in out.needs_review  # the organisation's id is known
    other = resolve(_raw(buyer_tax_id="91110108551234567X"), today=TODAY,
                    buyer_tax_id="440301999999999")  # fmt: skip
    assert other.data.buyer_tax_id == "91110108551234567X"  # not near: left as read


def test_qr_agreement_makes_fields_certain() -> None:
    raw = _raw()
    raw.qr_text = "01,10,011001900111,12345678,100.00,20250601,12345678901234567890,ABCD"
    out = resolve(raw, today=TODAY)
    assert out.confidence["invoice_number"] == 1.0
    assert out.confidence["amount"] == 1.0
    assert "qr_ocr_mismatch" not in {f.code for f in out.findings}


def test_qr_disagreement_is_flagged() -> None:
    raw = _raw()
    raw.qr_text = "01,10,011001900111,12345679,100.00,20250601,12345678901234567890,ABCD"
    out = resolve(raw, today=TODAY)
    assert "invoice_number" in out.needs_review
    mismatch = [f for f in out.findings if f.code == "qr_ocr_mismatch"]
    assert [f.field for f in mismatch] == ["invoice_number"]
    assert "12345679" in mismatch[0].message


def test_qr_fills_what_the_text_lacks() -> None:
    raw = _raw(invoice_number=None)
    raw.qr_text = "01,10,011001900111,12345678,100.00,20250601,12345678901234567890,ABCD"
    out = resolve(raw, today=TODAY)
    assert out.data.invoice_number == "12345678"
    assert out.sources["invoice_number"] == "qr"
    assert "invoice_number" not in out.needs_review


def test_missing_total_is_derived_and_marked() -> None:
    raw = _raw(total_amount=None)
    out = resolve(raw, today=TODAY)
    assert out.data.total_amount == Decimal("106.00")
    assert out.sources["total_amount"] == "derived"
    assert out.confidence["total_amount"] < 0.95
    assert "total_amount" in out.needs_review  # derived from doubtful values


def test_missing_key_field_needs_review() -> None:
    raw = _raw(seller_tax_id=None)
    assert "seller_tax_id" in resolve(raw, today=TODAY).needs_review


def test_low_confidence_key_field_needs_review() -> None:
    raw = _raw()
    raw.confidence["buyer_tax_id"] = 0.6
    assert resolve(raw, today=TODAY).needs_review == ["buyer_tax_id"]


def test_inconsistent_amounts_are_flagged() -> None:
    out = resolve(_raw(source="pdf_text", confidence=1.0, total_amount=Decimal("107.00")),
                  today=TODAY)  # fmt: skip
    assert "total_mismatch" in {f.code for f in out.findings}
    assert "total_amount" in out.needs_review


def test_invalid_tax_id_is_flagged() -> None:
    out = resolve(_raw(confidence=1.0, seller_tax_id="91110108816528297X"), today=TODAY)
    assert "invalid_tax_id" in {f.code for f in out.findings}
    assert "seller_tax_id" in out.needs_review


def test_private_buyer_without_tax_id_is_not_missing() -> None:
    raw = _raw(buyer_name="个人", buyer_tax_id=None)
    assert "buyer_tax_id" not in resolve(raw, today=TODAY).needs_review
