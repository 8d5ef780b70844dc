"""Corpus invoices as phone photos and scans: the PDF rendering rasterised (pypdfium2), the
QR printed where invoices print it, a red 发票专用章 over the text, then degraded as a
phone degrades it; deterministic for a seed.

    from tests.corpus.render_photo import PhotoStyle, random_style, render_photo, render_scan_pdf
    style = random_style(random.Random(3))          # a realistic mix of defects
    jpeg = render_photo(inv, style)
    pdf = render_scan_pdf(inv)                      # an image in a PDF, no text layer

Degradations (PhotoStyle): the page on a desk seen at an angle (perspective), a small
rotation, a quarter or half turn (the phone held sideways), blur, uneven light and a
shadow, sensor noise, JPEG at quality 40-80, a phone-sized picture or an oversized 12 MP
one, and optionally an unreadable (smudged) QR.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, replace
from functools import lru_cache

import cv2
import numpy as np
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from fapiao.core.invoice import InvoiceData
from fapiao.core.qr import QrPayload, format_qr

from .render_pdf import render_pdf

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SHUDIAN_KINDS = frozenset({"31", "32", "51", "61"})


@dataclass(frozen=True)
class PhotoStyle:
    scale: float = 2.5  # pixels per PDF point when rasterising (680 pt wide page)
    qr: bool = True
    qr_smudged: bool = False  # printed but unreadable
    stamp: bool = True
    perspective: float = 0.0  # corner displacement as a share of the page size
    rotation: float = 0.0  # degrees, counterclockwise
    turn: int = 0  # 0/90/180/270: the photo as stored, counterclockwise quarter turns
    blur: float = 0.0  # Gaussian sigma in pixels
    lighting: float = 0.0  # 0..1 depth of the light gradient and shadow
    noise: float = 0.0  # sensor noise sigma (grey levels)
    long_side: int | None = None  # the stored picture's long side (None: as rendered)
    background: bool = True  # a desk around the page (False: a flatbed scan)
    quality: int = 75  # JPEG quality
    fmt: str = "JPEG"


def random_style(rng: random.Random) -> PhotoStyle:
    """A phone photo as people take them: every defect at a random strength."""
    big = rng.random() < 0.2
    return PhotoStyle(
        scale=rng.uniform(2.2, 3.0) if not big else 4.5,
        qr=rng.random() < 0.8,
        qr_smudged=rng.random() < 0.1,
        stamp=rng.random() < 0.85,
        perspective=rng.uniform(0.0, 0.06),
        rotation=rng.choice((-1, 1)) * rng.uniform(1.0, 8.0),
        turn=rng.choices((0, 90, 180, 270), weights=(70, 12, 6, 12))[0],
        blur=rng.uniform(0.0, 1.2),
        lighting=rng.uniform(0.1, 0.5),
        noise=rng.uniform(0.0, 6.0),
        long_side=4032 if big else rng.choice((1600, 1920, 2048)),
        quality=rng.randint(40, 80),
    )


def qr_payload(inv: InvoiceData) -> str:
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
    return format_qr(payload)


def render_page(inv: InvoiceData, style: PhotoStyle) -> np.ndarray:
    """The clean printed page (RGB): rasterised PDF, QR top-left, stamp."""
    pdf = pdfium.PdfDocument(render_pdf(inv))
    try:
        page = pdf[0].render(scale=style.scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    rng = random.Random(f"{inv.invoice_number}-page")
    if style.qr:
        symbol = zxingcpp.create_barcode(qr_payload(inv), zxingcpp.BarcodeFormat.QRCode)
        module = max(2, round(style.scale * 1.1))
        qr = Image.fromarray(np.asarray(symbol.to_image(scale=module, add_quiet_zones=False)))
        qr = qr.convert("RGB")
        if style.qr_smudged:
            qr = _smudge(qr, rng)
        page.paste(qr, (round(22 * style.scale), round(6 * style.scale)))
    if style.stamp:
        _stamp(page, inv, rng, style.scale)
    return np.asarray(page)


def _smudge(qr: Image.Image, rng: random.Random) -> Image.Image:
    """A QR that no decoder reads: a thick stroke and a grey wash over its middle."""
    draw = ImageDraw.Draw(qr)
    w, h = qr.size
    for _ in range(3):
        y = rng.uniform(0.2, 0.8) * h
        draw.line((0, y, w, y + rng.uniform(-0.3, 0.3) * h), fill=(40, 40, 40), width=w // 6)
    draw.rectangle((w * 0.3, h * 0.3, w * 0.7, h * 0.7), fill=(90, 90, 90))
    return qr


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def _stamp(page: Image.Image, inv: InvoiceData, rng: random.Random, scale: float) -> None:
    """The seller's red oval 发票专用章 (name along the rim, tax id across, 发票专用章
    below), multiplied over the lower right of the page where sellers stamp paper invoices."""
    w, h = round(120 * scale), round(80 * scale)
    layer = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(layer)
    pad = round(3 * scale)
    draw.ellipse((pad, pad, w - pad, h - pad), outline=255, width=max(2, round(1.6 * scale)))
    name = (inv.seller_name or "")[:14]
    size = round(8 * scale)
    for k, ch in enumerate(name):
        angle = math.pi * (1.1 + 0.8 * (k + 0.5) / max(len(name), 1))
        x = w / 2 + (w / 2 - pad - size) * math.cos(angle)
        y = h / 2 + (h / 2 - pad - size) * math.sin(angle)
        draw.text((x, y), ch, fill=255, font=_font(size), anchor="mm")
    draw.text((w / 2, h / 2), inv.seller_tax_id or "", fill=255, font=_font(round(6 * scale)),
              anchor="mm")  # fmt: skip
    draw.text((w / 2, h * 0.74), "发票专用章", fill=255, font=_font(round(8 * scale)), anchor="mm")
    layer = layer.rotate(rng.uniform(-25, 25), expand=True, resample=Image.Resampling.BICUBIC)
    strength = rng.uniform(0.55, 0.85)
    alpha = np.asarray(layer, dtype=np.float32) / 255 * strength
    pw, ph = page.size
    x0 = round(rng.uniform(0.62, 0.78) * pw)
    y0 = round(rng.uniform(0.68, 0.8) * ph)
    arr = np.asarray(page, dtype=np.float32).copy()
    region = arr[y0 : y0 + alpha.shape[0], x0 : x0 + alpha.shape[1]]
    a = alpha[: region.shape[0], : region.shape[1], None]
    red = np.array([205.0, 30.0, 40.0])
    region[:] = region * (1 - a) + (region * red / 255) * a  # ink multiplies with the paper
    page.paste(Image.fromarray(arr.astype(np.uint8)))


def _perspective(page: np.ndarray, style: PhotoStyle, rng: random.Random) -> np.ndarray:
    """The page on a desk: a margin of desk around it, corners pulled by the viewing angle,
    a small rotation."""
    h, w = page.shape[:2]
    if not style.background:
        centre = (w / 2, h / 2)
        matrix = cv2.getRotationMatrix2D(centre, style.rotation, 1.0)
        return cv2.warpAffine(page, matrix, (w, h), borderValue=(255, 255, 255))
    margin = 0.12
    out_w, out_h = round(w * (1 + 2 * margin)), round(h * (1 + 2 * margin))
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    jitter = style.perspective * max(w, h)
    dst = src + np.array([[margin * w, margin * h]], np.float32)
    dst += np.array(
        [[rng.uniform(-jitter, jitter) for _ in range(2)] for _ in range(4)], np.float32
    )
    centre = (out_w / 2, out_h / 2)
    turn = cv2.getRotationMatrix2D(centre, style.rotation, 1.0)
    dst = np.hstack([dst, np.ones((4, 1), np.float32)]) @ turn.T.astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    desk = np.array([rng.randint(60, 120), rng.randint(55, 110), rng.randint(45, 100)], np.uint8)
    canvas = np.empty((out_h, out_w, 3), np.uint8)
    canvas[:] = desk
    return cv2.warpPerspective(page, matrix, (out_w, out_h), dst=canvas,
                               borderMode=cv2.BORDER_TRANSPARENT)  # fmt: skip


def _lighting(image: np.ndarray, depth: float, rng: random.Random) -> np.ndarray:
    """Light falling off across the page and a soft shadow (a hand or the phone)."""
    h, w = image.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xs / w) * math.cos(angle) + (ys / h) * math.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    light = 1.0 - depth * 0.6 * ramp
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    radius = rng.uniform(0.2, 0.45) * max(w, h)
    shadow = np.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2)))
    light *= 1.0 - depth * 0.45 * shadow
    return np.clip(image.astype(np.float32) * light[..., None], 0, 255).astype(np.uint8)


def degrade(page: np.ndarray, style: PhotoStyle, seed: str) -> np.ndarray:
    rng = random.Random(seed)
    image = _perspective(page, style, rng)
    if style.lighting:
        image = _lighting(image, style.lighting, rng)
    if style.blur:
        image = cv2.GaussianBlur(image, (0, 0), style.blur)
    if style.noise:
        noise = np.random.default_rng(rng.randrange(2**32)).normal(0, style.noise, image.shape)
        image = np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if style.long_side:
        h, w = image.shape[:2]
        factor = style.long_side / max(h, w)
        size = (round(w * factor), round(h * factor))
        interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        image = cv2.resize(image, size, interpolation=interp)
    turns = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    if style.turn % 360 in turns:
        image = cv2.rotate(image, turns[style.turn % 360])
    return image


def encode(image: np.ndarray, style: PhotoStyle) -> bytes:
    buf = io.BytesIO()
    pil = Image.fromarray(image)
    if style.fmt == "JPEG":
        pil.save(buf, "JPEG", quality=style.quality)
    elif style.fmt == "HEIF":  # what iPhones store
        import pillow_heif

        pillow_heif.register_heif_opener()
        pil.save(buf, "HEIF", quality=style.quality)
    else:
        pil.save(buf, style.fmt)
    return buf.getvalue()


def render_photo(inv: InvoiceData, style: PhotoStyle | None = None) -> bytes:
    """The invoice photographed: encoded image bytes (JPEG unless style.fmt says)."""
    style = style or PhotoStyle()
    page = render_page(inv, style)
    return encode(degrade(page, style, f"{inv.invoice_number}-photo"), style)


SCAN = PhotoStyle(scale=200 / 72, background=False, lighting=0.0, quality=85)


def render_scan_pdf(inv: InvoiceData, style: PhotoStyle | None = None) -> bytes:
    """A flatbed scan saved as PDF: one JPEG page image, no text layer."""
    style = style or replace(SCAN, rotation=random.Random(inv.invoice_number).uniform(-1.5, 1.5))
    jpeg = render_photo(inv, replace(style, fmt="JPEG"))
    width, height = Image.open(io.BytesIO(jpeg)).size
    return image_pdf(jpeg, width, height, dpi=72 * style.scale)


def image_pdf(jpeg: bytes, width: int, height: int, *, dpi: float = 200.0) -> bytes:
    """A one-page PDF showing a JPEG full page (what scanner software writes)."""
    pw, ph = width * 72 / dpi, height * 72 / dpi
    content = f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q\n".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2f} {ph:.2f}] "
        f"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace "
        f"/DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>\nstream\n"
        .encode() + jpeg + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
    ]  # fmt: skip
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)  # fmt: skip
    return bytes(out)


__all__ = [
    "PhotoStyle", "degrade", "image_pdf", "qr_payload", "random_style", "render_page",
    "render_photo", "render_scan_pdf",
]  # fmt: skip
