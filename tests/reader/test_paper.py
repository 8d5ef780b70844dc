"""Paper as it really is, through the second renderer (tests/corpus/alt_paper): dot-matrix
values off their boxes, a stamp over the seller's tax id, a photo at an angle on a
patterned desk with glare and a fold, a quarter turn, a screenshot, an e-invoice printed
and scanned again. Whatever the reader gets wrong it flags; what it does not flag agrees
with every other rendering of the same invoice (metamorphic)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.reader.base import KEY_FIELDS
from fapiao.reader.pipeline import extract_bytes
from tests.corpus.alt_layout import AltStyle
from tests.corpus.alt_paper import BLUE, PaperStyle, render_paper
from tests.corpus.alt_pdf import AltPdfStyle, render_alt_pdf
from tests.corpus.render_photo import PhotoStyle, render_photo
from tests.reader.conftest import TODAY

PAPERS: dict[str, tuple[AltStyle, PaperStyle]] = {
    "dot-matrix scan": (
        AltStyle(layout="stacked", value_shift=(4.0, -3.5), jitter=1.5),
        PaperStyle(dot_matrix=True, preprinted=True, capture="scan", long_side=2200),
    ),
    "photo on a desk, turned": (
        AltStyle(layout="side", tax_label="统一社会信用代码/纳税人识别号", heading="horizontal"),
        PaperStyle(
            form_ink=BLUE,
            capture="photo",
            turn=90,
            angle=-4.0,
            background="checks",
            long_side=1600,
            qr=True,
        ),
    ),
    "screenshot": (
        AltStyle(layout="side", tax_label="税号", header_left=True),
        PaperStyle(form_ink=None, stamp=None, capture="screenshot", long_side=1200),
    ),
    "printed and scanned": (
        AltStyle(layout="stacked", heading="horizontal", date_style="iso"),
        PaperStyle(form_ink=None, stamp="amounts", capture="printed_scan", long_side=2200),
    ),
}


@pytest.fixture(scope="module")
def invoice() -> InvoiceData:
    gen = CorpusGenerator(23, today=TODAY)
    invoices = gen.invoices(40, start=date(2020, 1, 1), end=date(2025, 5, 31))
    return next(i for i in invoices if i.invoice_type in ("01", "10") and i.buyer_tax_id)


def _read(blob: bytes, name: str) -> dict[str, Any]:
    result = extract_bytes(blob, filename=name, today=TODAY)
    assert result.invoices, result.error
    return result.invoices[0].to_schema_dict()


def _unflagged(got: dict[str, Any]) -> dict[str, Any]:
    return {f: got[f] for f in KEY_FIELDS if f not in got["needs_review"]}


@pytest.mark.slow
@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_paper_is_never_silently_wrong(paper: str, invoice: InvoiceData) -> None:
    style, paper_style = PAPERS[paper]
    ext = "png" if paper_style.capture == "screenshot" else "jpg"
    got = _read(render_paper(invoice, style, paper_style), f"paper.{ext}")
    want = invoice.to_schema_dict()
    assert {f: v for f, v in _unflagged(got).items() if v != want[f]} == {}
    # Something was read: at least the number or the total, right or flagged.
    assert got["invoice_number"] or got["total_amount"]


@pytest.mark.slow
def test_clean_screenshot_needs_no_look_at_its_checked_fields(invoice: InvoiceData) -> None:
    style, paper_style = PAPERS["screenshot"]
    got = _read(render_paper(invoice, style, paper_style), "screenshot.png")
    want = invoice.to_schema_dict()
    assert {f: got[f] for f in KEY_FIELDS} == {f: want[f] for f in KEY_FIELDS}
    # Tax ids pass their check character and the amounts add up: no need to look.
    for field in ("buyer_tax_id", "seller_tax_id", "amount", "tax_amount", "total_amount"):
        assert field not in got["needs_review"], field


@pytest.mark.slow
def test_same_invoice_through_every_rendering_agrees(invoice: InvoiceData) -> None:
    """Text PDF (second renderer, label and value in one run), a first-renderer photo and
    the second renderer's paper: what each reading does not flag is the same value."""
    readings = {
        "alt text pdf": _read(
            render_alt_pdf(invoice, AltStyle(), AltPdfStyle(runs="label_value")), "a.pdf"
        ),
        "photo": _read(render_photo(invoice, PhotoStyle(rotation=3.0, qr=False)), "p.jpg"),
    }
    for name, (style, paper_style) in PAPERS.items():
        ext = "png" if paper_style.capture == "screenshot" else "jpg"
        readings[name] = _read(render_paper(invoice, style, paper_style), f"x.{ext}")
    text = readings["alt text pdf"]
    assert _unflagged(text) == {f: text[f] for f in KEY_FIELDS}  # a text layer: all sure
    for name, got in readings.items():
        disagree = {f: v for f, v in _unflagged(got).items() if v != text[f]}
        assert disagree == {}, name
