"""PDF text-layer reader: the labelled samples, round trips of rendered corpus invoices in
both layouts (plain and letter-spaced), several invoices per PDF, and bad PDFs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.reader import pdf_text
from fapiao.reader.base import KEY_FIELDS, Limits, ReadError
from fapiao.reader.pipeline import extract_bytes, extract_path
from tests.corpus.pdf_canvas import Canvas
from tests.corpus.render_pdf import PdfStyle, render_pdf
from tests.reader.conftest import TODAY

LABELLED_PDF = ["shudian-zhuan-sichuan-2023-rendered.pdf", "synthetic-bad-taxids.pdf"]
HEADER_FIELDS = (
    *KEY_FIELDS, "invoice_type", "invoice_type_name", "check_code", "buyer_name",
    "seller_name", "total_amount_cn", "issuer",
)  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def cjk_font() -> None:
    """The rendered PDFs name the standard font STSong-Light without embedding it; pdfium
    then needs an installed CJK font, or it drops characters from the text layer."""
    fc_list = shutil.which("fc-list")
    found = (
        fc_list
        and subprocess.run(
            [fc_list, ":lang=zh"], capture_output=True, text=True, check=False
        ).stdout.strip()
    )
    if not found:
        pytest.fail("no CJK font installed: apt-get install fonts-wqy-microhei")


def _read(blob: bytes, **limits: Any) -> list[Any]:
    return pdf_text.read(blob, limits=Limits(**limits))


def _mismatches(invoices: list[InvoiceData], style: PdfStyle, fields: tuple[str, ...]) -> list:
    bad = []
    for inv in invoices:
        [raw] = _read(render_pdf(inv, style=style))
        got, want = raw.data.to_schema_dict(), inv.to_schema_dict()
        bad += [(inv.invoice_number, f, want[f], got[f]) for f in fields if got[f] != want[f]]
    return bad


# -- the labelled samples --------------------------------------------------------------


@pytest.mark.parametrize("name", LABELLED_PDF)
def test_labelled_pdf_is_read_as_labelled(
    name: str, shared_samples: Path, labels: dict[str, Any], validate_schema: Any
) -> None:
    result = extract_path(shared_samples / name, today=TODAY)
    out = result.to_schema_dict()
    validate_schema(out)
    assert result.status != "failed", out["error"]
    [invoice] = out["invoices"]
    expected = {k: v for k, v in labels[name].items() if not k.startswith("_")}
    expected_items = expected.pop("items", None)
    expected_findings = expected.pop("expect_findings", [])
    assert {k: invoice[k] for k in expected} == expected
    if expected_items is not None:
        assert len(invoice["items"]) == len(expected_items)
        for got, want in zip(invoice["items"], expected_items, strict=True):
            assert {k: got[k] for k in want} == want
    assert set(expected_findings) <= {f["code"] for f in invoice["findings"]}


def test_letter_spaced_sample_fields_come_from_the_layout(shared_samples: Path) -> None:
    [raw] = _read((shared_samples / LABELLED_PDF[0]).read_bytes())
    assert raw.page == 1
    # Valid USCCs under clear labels: sure but not certain (1.0 needs a second source).
    for name in ("invoice_number", "buyer_tax_id", "seller_tax_id", "total_amount"):
        assert raw.sources[name] == "pdf_text"
        assert raw.confidence[name] == pytest.approx(0.95)
    # The buyer and seller names share one text line; each lands in its own block.
    assert raw.data.buyer_name == "中国移动通信集团四川有限公司成都分公司"
    assert raw.data.seller_name == "郫都区星讯通讯设备经营部"


def test_invalid_tax_ids_are_read_but_not_trusted(shared_samples: Path) -> None:
    [raw] = _read((shared_samples / LABELLED_PDF[1]).read_bytes())
    assert raw.data.buyer_tax_id == "91330100TEST00001"
    assert raw.confidence["buyer_tax_id"] < 0.9
    assert raw.confidence["seller_tax_id"] < 0.9


# -- round trips of rendered corpus invoices --------------------------------------------


@pytest.mark.parametrize(
    "style",
    [
        PdfStyle(),
        PdfStyle(letter_spaced=True),
        PdfStyle(layout="old"),
        PdfStyle(layout="old", letter_spaced=True, reverse_drawing=True),
    ],
    ids=["by-kind", "by-kind-letter-spaced", "old-layout", "old-letter-spaced-reversed"],
)
def test_rendered_corpus_key_fields_all_read(generated: list[InvoiceData], style: PdfStyle) -> None:
    invoices = generated if style == PdfStyle() else generated[:150]
    assert _mismatches(invoices, style, KEY_FIELDS) == []


def test_rendered_corpus_header_and_items_read(generated: list[InvoiceData]) -> None:
    """Besides the key fields: kind, names, 大写, issuer, 校验码 and every item line."""
    invoices = generated[:150]
    assert _mismatches(invoices, PdfStyle(), (*HEADER_FIELDS, "remarks", "items")) == []
    spaced = PdfStyle(letter_spaced=True, reverse_drawing=True)
    assert _mismatches(invoices, spaced, (*HEADER_FIELDS, "items")) == []


def test_both_layouts_tell_buyer_from_seller_by_position(generated: list[InvoiceData]) -> None:
    inv = next(i for i in generated if i.buyer_tax_id and i.invoice_type == "31")
    for layout in ("shudian", "old"):
        style = PdfStyle(layout=layout, reverse_drawing=True)  # seller drawn first
        [raw] = _read(render_pdf(inv, style=style))
        assert (raw.data.buyer_tax_id, raw.data.seller_tax_id) == (
            inv.buyer_tax_id,
            inv.seller_tax_id,
        )
        assert raw.data.buyer_name == inv.buyer_name


def test_long_item_list_on_a_list_page_belongs_to_its_invoice() -> None:
    corpus = CorpusGenerator(11, today=TODAY)
    invoices = list(corpus.invoices(60, start=TODAY.replace(year=2022), end=TODAY))
    long_one = next(i for i in invoices if len(i.items) >= 3)
    blob = render_pdf(long_one, style=PdfStyle(max_item_lines=2))
    [raw] = _read(blob)
    assert [i.to_schema_dict() for i in raw.data.items] == [
        i.to_schema_dict() for i in long_one.items
    ]
    assert raw.data.amount == long_one.amount


def test_several_invoices_in_one_pdf_each_come_out(generated: list[InvoiceData]) -> None:
    kinds = ("31", "32", "10", "01")
    batch = [next(i for i in generated if i.invoice_type == k and len(i.items) > 1) for k in kinds]
    blob = render_pdf(batch, style=PdfStyle(max_item_lines=1))  # each with a list page
    raws = _read(blob)
    assert [r.data.invoice_number for r in raws] == [i.invoice_number for i in batch]
    assert [r.page for r in raws] == [1, 3, 5, 7]
    for raw, inv in zip(raws, batch, strict=True):
        assert raw.data.invoice_type == inv.invoice_type
        assert raw.data.total_amount == inv.total_amount
        assert len(raw.data.items) == len(inv.items)
    result = extract_bytes(blob, filename="batch.pdf", today=TODAY)
    assert [inv.data.invoice_number for inv in result.invoices] == [i.invoice_number for i in batch]


# -- bad input ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_invoice() -> InvoiceData:
    corpus = CorpusGenerator(5, today=TODAY)
    return next(corpus.invoices(1, start=TODAY.replace(year=2024), end=TODAY))


def _error(blob: bytes, **limits: Any) -> ReadError:
    with pytest.raises(ReadError) as info:
        _read(blob, **limits)
    return info.value


def test_password_protected_pdf_asks_for_an_unprotected_copy(one_invoice: InvoiceData) -> None:
    error = _error(render_pdf(one_invoice, user_password="secret"))
    assert error.code == "encrypted_pdf"
    assert "密码" in error.message
    result = extract_bytes(render_pdf(one_invoice, user_password="x"), filename="a.pdf")
    assert (result.status, result.error and result.error.code) == ("failed", "encrypted_pdf")


def test_pdf_with_only_an_owner_password_is_read(one_invoice: InvoiceData) -> None:
    blob = render_pdf(one_invoice, user_password="", owner_password="owner")
    [raw] = _read(blob)
    assert raw.data.invoice_number == one_invoice.invoice_number


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_corrupt(one_invoice: InvoiceData, cut: float) -> None:
    blob = render_pdf(one_invoice)
    assert _error(blob[: int(len(blob) * cut)]).code == "corrupt_file"


def test_garbage_after_a_pdf_header_is_corrupt() -> None:
    assert _error(b"%PDF-1.7\n" + bytes(range(256)) * 4).code == "corrupt_file"


def test_500_page_pdf_is_refused_without_reading_its_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    canvas = Canvas()
    for _ in range(500):
        canvas.new_page(595, 842)
    read_pages: list[int] = []
    monkeypatch.setattr(pdf_text, "page_text", lambda *a: read_pages.append(1))
    error = _error(canvas.to_bytes(), max_pages=50)
    assert error.code == "too_many_pages"
    assert "500" in error.message and "50" in error.message
    assert read_pages == []


def test_scanned_pdf_without_text_goes_to_ocr() -> None:
    canvas = Canvas()
    canvas.new_page(595, 842)
    canvas.rect(40, 40, 500, 300)
    canvas.fill_squares([(60, 60, 20), (90, 60, 20)])
    assert _error(canvas.to_bytes()).code == "no_text_layer"


def test_pdf_with_text_but_no_invoice_says_so() -> None:
    canvas = Canvas()
    canvas.new_page(595, 842)
    canvas.text(40, 60, "会议纪要：本周例会讨论了项目进度和下周的工作安排。", size=10)
    assert _error(canvas.to_bytes()).code == "no_invoice_found"
