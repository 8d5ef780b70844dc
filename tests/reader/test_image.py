"""The image reader: QR first, OCR by layout, bad images. OCR costs seconds per image on
two cores, so the suite makes only a handful of OCR calls (samples, one rendered invoice
in two orientations, a blank page) and warms the engine once."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from fapiao.core.invoice import InvoiceData
from fapiao.core.qr import QrPayload, format_qr
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.reader import image_prep, ocr
from fapiao.reader.base import KEY_FIELDS, Limits, ReadError
from fapiao.reader.pipeline import extract_bytes
from tests.corpus.render_pdf import render_pdf

TODAY = date(2025, 6, 1)
IMAGE_SAMPLES = ("e-pu-tianjin-2019.png", "paper-zhuan-beijing-specimen-2010.jpg")


@pytest.fixture(scope="module", autouse=True)
def ocr_engine() -> Iterator[None]:
    ocr.warm_up()  # model loading is not part of any test's reading
    yield


def _extract(blob: bytes, name: str = "photo.jpg") -> dict[str, Any]:
    result = extract_bytes(blob, filename=name, today=TODAY)
    return result.to_schema_dict()


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


# -- the labelled samples ------------------------------------------------------------------


def _same(got: Any, want: Any) -> bool:
    return got == want or (got is not None and want is not None and str(got) == str(want))


@pytest.fixture(scope="module")
def sample_results(shared_samples: Path) -> dict[str, dict[str, Any]]:
    """Each image sample read once for the whole module (OCR is the expensive part)."""
    return {name: _extract((shared_samples / name).read_bytes(), name) for name in IMAGE_SAMPLES}


@pytest.mark.slow
@pytest.mark.parametrize("name", IMAGE_SAMPLES)
def test_labelled_image_sample_is_read_as_labelled(
    name: str,
    sample_results: dict[str, dict[str, Any]],
    labels: dict[str, Any],
    validate_schema: Any,
) -> None:
    result = sample_results[name]
    validate_schema(result)
    assert result["error"] is None
    [inv] = result["invoices"]
    expected = labels[name]
    for field in KEY_FIELDS:
        if field in expected:
            assert _same(inv[field], expected[field]), field
    # Every other labelled field is right, or at least flagged for a person's check.
    for field, want in expected.items():
        if field.startswith("_") or field == "items":
            continue
        assert _same(inv[field], want) or field in inv["needs_review"], field
    for got, want in zip(inv["items"], expected.get("items", []), strict=False):
        for key, value in want.items():
            assert _same(got[key], value) or "items" in inv["needs_review"], key


@pytest.mark.slow
def test_qr_confirms_the_photographed_e_invoice(
    sample_results: dict[str, dict[str, Any]],
) -> None:
    """The Tianjin e-invoice carries a QR: its key fields are read twice and so certain."""
    result = sample_results["e-pu-tianjin-2019.png"]
    [inv] = result["invoices"]
    for field in ("invoice_code", "invoice_number", "issue_date", "check_code", "amount"):
        assert inv["confidence"][field] == 1.0, field
        assert field not in inv["needs_review"]
    assert result["status"] == "ok"


@pytest.mark.slow
def test_paper_specimen_without_qr_flags_what_ocr_alone_read(
    sample_results: dict[str, dict[str, Any]],
) -> None:
    """No QR on the paper 专票: its 15-character tax ids have no check character, so a
    person confirms them; the totals check each other; the date is right, and sure only
    if it fits its code's year and every digit of it was read clearly."""
    [inv] = sample_results["paper-zhuan-beijing-specimen-2010.jpg"]["invoices"]
    for field in ("buyer_tax_id", "seller_tax_id"):
        assert field in inv["needs_review"], field
        assert inv["sources"][field] == "ocr"
    assert inv["issue_date"] == "2010-11-18"
    for field in ("amount", "tax_amount", "total_amount"):
        assert field not in inv["needs_review"], field


# -- a rendered corpus invoice -------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered() -> tuple[InvoiceData, Image.Image]:
    """A 增值税专用发票 from the corpus, rasterised at 180 dpi, with its QR pasted in the
    top-left corner where real invoices print it."""
    corpus = CorpusGenerator(11, today=TODAY)
    inv = next(corpus.invoices(1, start=date(2024, 1, 1), end=date(2025, 5, 31)))
    pdf = pdfium.PdfDocument(render_pdf(inv))
    try:
        page = pdf[0].render(scale=2.5).to_pil().convert("RGB")
    finally:
        pdf.close()
    shudian = len(inv.invoice_number or "") == 20
    payload = QrPayload(
        version="01",
        invoice_type=inv.invoice_type,
        invoice_code=inv.invoice_code,
        invoice_number=inv.invoice_number,
        amount=inv.total_amount if shudian else inv.amount,
        issue_date=inv.issue_date,
        check_code=inv.check_code,
        tail=None,
        amount_is_total=shudian,
    )
    symbol = zxingcpp.create_barcode(format_qr(payload), zxingcpp.BarcodeFormat.QRCode)
    qr = Image.fromarray(np.asarray(symbol.to_image(scale=3))).convert("RGB")
    page.paste(qr, (30, 20))
    return inv, page


def _assert_key_fields(inv: InvoiceData, got: dict[str, Any]) -> None:
    for field in KEY_FIELDS:
        want = getattr(inv, field)
        assert _same(got[field], want if not hasattr(want, "isoformat") else want.isoformat()), (
            field
        )


@pytest.mark.slow
def test_rotated_photo_with_qr_is_turned_upright_and_read(
    rendered: tuple[InvoiceData, Image.Image],
) -> None:
    inv, page = rendered
    result = _extract(_jpeg(page.rotate(90, expand=True)))  # a quarter turn, as phones do
    assert result["status"] == "ok"
    [got] = result["invoices"]
    _assert_key_fields(inv, got)
    # Number, code, date and amount are read twice (QR and text) and agree.
    for field in ("invoice_code", "invoice_number", "issue_date", "amount"):
        assert got["confidence"][field] == 1.0, field


@pytest.mark.slow
def test_upside_down_scan_without_qr_is_read_and_never_silently_trusted(
    rendered: tuple[InvoiceData, Image.Image],
) -> None:
    inv, page = rendered
    blank_corner = page.copy()
    blank_corner.paste((255, 255, 255), (0, 0, 200, 140))  # no QR: OCR is the only source
    result = _extract(_png(blank_corner.rotate(180)), "scan.png")
    [got] = result["invoices"]
    _assert_key_fields(inv, got)
    # Without a second source, a value read once is trusted only when it passes a check
    # of its own with every character read clearly: the 8-digit number has none, so a
    # person looks; the totals confirmed by 大写 = 小写 = 金额 + 税额 need no look.
    assert len(got["invoice_number"]) == 8
    assert got["confidence"]["invoice_number"] < 0.9
    assert "invoice_number" in got["needs_review"]
    for field in ("amount", "tax_amount", "total_amount"):
        assert field not in got["needs_review"], field


def test_qr_orientation_gives_the_turn_back_to_upright(
    rendered: tuple[InvoiceData, Image.Image],
) -> None:
    _, page = rendered
    for ccw, back in ((0, 0), (90, 90), (180, 180), (270, 270)):
        turned = page.rotate(ccw, expand=True)
        qr = image_prep.find_qr(image_prep.grey(np.asarray(turned)))
        assert qr is not None
        assert qr.rotation == back
        upright = image_prep.rotate(np.asarray(turned), qr.rotation)
        assert upright.shape == np.asarray(page).shape


# -- bad input -----------------------------------------------------------------------------


def _error(blob: bytes, name: str) -> dict[str, Any]:
    result = _extract(blob, name)
    assert result["status"] == "failed"
    assert result["invoices"] == []
    error: dict[str, Any] = result["error"]
    return error


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_image_is_corrupt(fmt: str, rendered: tuple[InvoiceData, Image.Image]) -> None:
    _, page = rendered
    blob = _png(page) if fmt == "PNG" else _jpeg(page)
    error = _error(blob[: len(blob) // 2], f"cut.{fmt.lower()}")
    assert error["code"] == "corrupt_file"
    assert "重新" in error["message"]


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming huge dimensions (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(10_000, 7_000), (100_000, 100_000)])
def test_decompression_bomb_is_refused_before_decoding(size: tuple[int, int]) -> None:
    blob = _png_header_only(*size)
    assert len(blob) < 2_000
    error = _error(blob, "bomb.png")
    assert error["code"] == "unsafe_file"
    assert "像素" in error["message"]


def test_pixel_limit_is_a_setting() -> None:
    blob = _png(Image.new("RGB", (400, 300), "white"))
    with pytest.raises(ReadError) as caught:
        image_prep.decode(blob, limits=Limits(max_image_pixels=100_000))
    assert caught.value.code == "unsafe_file"
    assert image_prep.decode(blob, limits=Limits()).shape == (300, 400, 3)


def test_photo_without_an_invoice_says_how_to_photograph_one() -> None:
    blank = Image.new("RGB", (1200, 800), (235, 232, 228))
    error = _error(_jpeg(blank), "blank.jpg")
    assert error["code"] == "no_invoice_found"
    assert "整张发票" in error["message"] and "平放" in error["message"]


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (300, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: the camera says "turn 90 degrees clockwise"
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes())
    assert image_prep.decode(buf.getvalue(), limits=Limits()).shape == (300, 100, 3)
