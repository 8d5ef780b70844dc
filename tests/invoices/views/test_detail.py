"""One invoice's page: every field, items, findings, history and masking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fapiao.accounts.models import User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices.models import DuplicateSubmission, Invoice, Source
from fapiao.invoices.services import correct_invoice
from tests.conftest import ClientAs, record

PERSONAL_ID = "11010519491231002X"
RATES = {"0.13": "13%", "0.09": "9%", "0.06": "6%", "0.03": "3%", "0.01": "1%", "免税": "免税"}
RATES |= {"不征税": "不征税", "0.015": "1.5%"}


def test_detail_shows_fields_items_and_findings(
    users: dict[str, User], broken_invoice: Invoice, client_as: ClientAs
) -> None:
    invoice = broken_invoice
    response = client_as(users["finance_admin"]).get(f"/invoices/{invoice.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        invoice.invoice_number,
        invoice.seller_name,
        invoice.seller_tax_id,
        invoice.buyer_name,
        invoice.buyer_tax_id,
        invoice.invoice_type_name,
        "基本信息",
        "购买方",
        "销售方",
        "价税合计（大写）",
        "状态与标记",
    ):
        assert text and text in html, text
    assert invoice.issue_date is not None
    assert invoice.issue_date.isoformat() in html
    assert invoice.total_amount is not None
    assert f"¥{invoice.total_amount.quantize(Decimal('0.01')):,}" in html
    items = list(invoice.items.all())
    assert items
    for item in items:
        assert item.name in html
        assert f'<td data-label="税率" class="num">{RATES[item.tax_rate]}</td>' in html
    findings = invoice.findings
    assert any(f["code"] == "total_mismatch" for f in findings)
    for finding in findings:
        assert finding["message"] in html
    assert "sev-error" in html


def test_submitter_sees_own_invoice_but_personal_buyer_id_masked(
    users: dict[str, User], corpus: CorpusGenerator, client_as: ClientAs
) -> None:
    data = next(corpus.invoices(1, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)))
    data.buyer_name = "张三"
    data.buyer_tax_id = PERSONAL_ID
    invoice = record(data, submitter=users["submitter"])
    own = client_as(users["submitter"]).get(f"/invoices/{invoice.pk}/").content.decode()
    assert "张三" in own
    assert PERSONAL_ID not in own and "1101**********002X" in own
    # The list's findings tooltip quotes the id it found wrong: masked there too.
    listed = client_as(users["submitter"]).get("/invoices/").content.decode()
    assert invoice.findings and PERSONAL_ID not in listed
    finance = client_as(users["finance_admin"]).get(f"/invoices/{invoice.pk}/").content.decode()
    assert PERSONAL_ID in finance


def test_history_duplicates_and_red_blue_links(
    users: dict[str, User], corpus: CorpusGenerator, client_as: ClientAs
) -> None:
    made = list(
        corpus.invoices(60, start=dt.date(2026, 1, 1), end=dt.date(2026, 10, 31), red_share=0.2)
    )
    invoices = [record(d, submitter=users["submitter"]) for d in made]
    red = next(i for i in invoices if i.is_red and i.original_invoice_id)
    blue = red.original_invoice
    assert blue is not None
    DuplicateSubmission.objects.create(
        invoice=blue, submitted_by=users["submitter2"], source=Source.UPLOAD
    )
    correct_invoice(
        invoice=blue,
        user=users["reviewer"],
        changes={"seller_name": "更正后的销售方有限公司"},
        reason="原件核对",
    )
    client = client_as(users["finance_admin"])
    html = client.get(f"/invoices/{blue.pk}/").content.decode()
    assert "红蓝字关联" in html and f'href="/invoices/{red.pk}/"' in html
    assert "重复提交记录（1）" in html and "上传识别" in html
    assert "更正记录（1）" in html and "销售方名称" in html
    assert "更正后的销售方有限公司" in html and "原件核对" in html
    red_html = client.get(f"/invoices/{red.pk}/").content.decode()
    assert f'href="/invoices/{blue.pk}/"' in red_html and "红字" in red_html


@pytest.mark.parametrize("invoice_id", ["0", "99999999", str(2**63), str(10**30)])
def test_missing_ids_are_404_not_500(
    invoice_id: str, users: dict[str, User], client_as: ClientAs
) -> None:
    response = client_as(users["admin"]).get(f"/invoices/{invoice_id}/")
    assert response.status_code == 404
    assert "没有找到这张发票" in response.content.decode()


@pytest.mark.parametrize(
    ("printed", "shown"),
    [("0.13", "13%"), ("13%", "13%"), ("0.015", "1.5%"), ("6", "6%"), ("免税", "免税"), ("", "")],
)
def test_tax_rate_is_shown_as_printed_on_invoices(printed: str, shown: str) -> None:
    from fapiao.web.templatetags.fapiao_web import rate

    assert rate(printed) == shown
