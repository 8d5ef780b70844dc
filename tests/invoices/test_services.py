"""invoices.services: recording (identity, duplicates, red/blue links) and corrections."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fapiao.core.invoice import InvoiceData
from fapiao.errors import DuplicateInvoice, InvalidInvoiceData
from fapiao.invoices.models import DuplicateSubmission, FieldCorrection, Invoice, Source, TaxStatus
from fapiao.invoices.services import correct_invoice, record_invoice
from tests.api.conftest import invoice_body


def _data(**overrides) -> InvoiceData:
    return InvoiceData.from_schema_dict(invoice_body(**overrides))


def _record(user, data: InvoiceData, source: str = Source.API) -> Invoice:
    return record_invoice(organisation=user.organisation, data=data, submitter=user, source=source)


def _red_of(blue: Invoice | dict, total: str, **overrides) -> InvoiceData:
    """A red invoice reversing `total` of the blue one (amounts negative, 备注 names it)."""
    number = blue.invoice_number if isinstance(blue, Invoice) else blue["invoice_number"]
    gross = Decimal(total)
    net = (gross / Decimal("1.06")).quantize(Decimal("0.01"))
    tax = gross - net
    body = invoice_body(
        amount=f"-{net}",
        tax_amount=f"-{tax}",
        total_amount=f"-{gross}",
        total_amount_cn="",
        original_invoice_number=number,
        remarks=f"被红冲蓝字数电发票号码：{number}",
        **overrides,
    )
    body["items"] = [
        {"name": "*餐饮服务*餐费", "amount": f"-{net}", "tax_rate": "0.06", "tax_amount": f"-{tax}"}
    ]
    return InvoiceData.from_schema_dict(body)


def test_record_works_out_identity_region_and_category(users):
    invoice = _record(users["submitter"], _data())
    assert invoice.pk and invoice.identity_key
    assert invoice.region == "北京" and invoice.is_beijing
    assert invoice.category == "餐饮"  # the spending category of *餐饮服务*, not the label
    assert invoice.department == users["submitter"].department
    assert [i.tax_category for i in invoice.items.all()] == ["餐饮服务"]


def test_second_submission_is_linked_not_stored(users):
    data = _data()
    first = _record(users["submitter"], data)
    with pytest.raises(DuplicateInvoice) as caught:
        _record(users["submitter2"], data, source=Source.UPLOAD)
    assert caught.value.existing_id == first.pk
    assert Invoice.objects.count() == 1
    dup = DuplicateSubmission.objects.get()
    assert (dup.invoice, dup.submitted_by, dup.source) == (first, users["submitter2"], "upload")
    first.refresh_from_db()
    assert first.has_duplicates and "duplicate" in {f["code"] for f in first.findings}


def test_old_style_code_and_number_together_are_the_identity(users):
    _record(
        users["submitter"],
        _data(invoice_type="10", invoice_code="011001900111", invoice_number="12345678"),
    )
    # the same number under another code is another invoice
    _record(
        users["submitter"],
        _data(invoice_type="10", invoice_code="012001800311", invoice_number="12345678"),
    )
    with pytest.raises(DuplicateInvoice):
        _record(
            users["submitter"],
            _data(invoice_type="10", invoice_code="011001900111", invoice_number="12345678"),
        )
    assert Invoice.objects.count() == 2


def test_missing_number_is_refused(users):
    with pytest.raises(InvalidInvoiceData) as caught:
        _record(users["submitter"], _data(invoice_number=None))
    assert caught.value.errors[0]["field"] == "invoice_number"


@pytest.mark.parametrize(
    ("reversed_total", "status"), [("106.00", TaxStatus.RED_FULL), ("53.00", TaxStatus.RED_PARTIAL)]
)
def test_red_after_blue_links_and_marks_the_blue(users, reversed_total, status):
    blue = _record(users["submitter"], _data())
    red = _record(users["submitter"], _red_of(blue, reversed_total))
    blue.refresh_from_db()
    assert red.is_red and red.original_invoice == blue
    assert blue.tax_status == status


@pytest.mark.parametrize(
    ("reversed_total", "status"), [("106.00", TaxStatus.RED_FULL), ("53.00", TaxStatus.RED_PARTIAL)]
)
def test_red_before_blue_is_linked_when_the_blue_arrives(users, reversed_total, status):
    blue_data = _data()
    red = _record(
        users["submitter"], _red_of({"invoice_number": blue_data.invoice_number}, reversed_total)
    )
    assert red.original_invoice is None
    blue = _record(users["submitter2"], blue_data)
    red.refresh_from_db()
    blue.refresh_from_db()
    assert red.original_invoice == blue
    assert blue.tax_status == status


def test_two_partial_reds_add_up_to_a_full_reversal(users):
    blue = _record(users["submitter"], _data())
    _record(users["submitter"], _red_of(blue, "53.00"))
    blue.refresh_from_db()
    assert blue.tax_status == TaxStatus.RED_PARTIAL
    _record(users["submitter"], _red_of(blue, "53.00"))
    blue.refresh_from_db()
    assert blue.tax_status == TaxStatus.RED_FULL


def test_red_invoices_never_link_across_organisations(users, outsider):
    blue = _record(users["submitter"], _data())
    red = _record(outsider, _red_of(blue, "106.00"))
    blue.refresh_from_db()
    assert red.original_invoice is None and blue.tax_status == TaxStatus.NORMAL


def test_correct_invoice_records_before_and_after_and_rechecks(users):
    invoice = _record(users["submitter"], _data(total_amount="116.00"))
    assert "total_mismatch" in {f["code"] for f in invoice.findings}

    fixed = correct_invoice(
        invoice=invoice,
        user=users["reviewer"],
        changes={"total_amount": Decimal("106.00")},
        reason="按原件更正",
    )

    assert fixed.total_amount == Decimal("106.00")
    assert "total_mismatch" not in {f["code"] for f in fixed.findings}
    invoice.refresh_from_db()
    assert invoice.total_amount == Decimal("106.00")
    assert "total_mismatch" not in {f["code"] for f in invoice.findings}
    record = FieldCorrection.objects.get(invoice=invoice)
    assert (record.field, record.before, record.after, record.reason, record.user) == (
        "total_amount",
        "116.00",
        "106.00",
        "按原件更正",
        users["reviewer"],
    )


def test_correcting_the_number_moves_the_identity(users):
    invoice = _record(users["submitter"], _data())
    new_number = "25119990999999999999"
    correct_invoice(invoice=invoice, user=users["admin"], changes={"invoice_number": new_number})
    with pytest.raises(DuplicateInvoice):
        _record(users["submitter"], _data(invoice_number=new_number))


def test_a_correction_may_not_create_an_identity_clash(users):
    first = _record(users["submitter"], _data())
    second = _record(users["submitter"], _data())
    with pytest.raises(DuplicateInvoice) as caught:
        correct_invoice(
            invoice=second, user=users["admin"], changes={"invoice_number": first.invoice_number}
        )
    assert caught.value.existing_id == first.pk
    second.refresh_from_db()
    assert second.invoice_number != first.invoice_number
    assert not FieldCorrection.objects.exists()


def test_unknown_fields_cannot_be_corrected(users):
    invoice = _record(users["submitter"], _data())
    with pytest.raises(InvalidInvoiceData) as caught:
        correct_invoice(
            invoice=invoice,
            user=users["admin"],
            changes={"organisation_id": 99, "status": "approved"},
        )
    assert {e["field"] for e in caught.value.errors} == {"organisation_id", "status"}
