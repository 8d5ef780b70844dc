"""The second renderer's pixels: alt_layout primitives drawn straight to an image (PIL, not
pdfium) as paper invoices really are, then captured as people capture them.

Paper (PaperStyle): a pre-printed form in brown or blue ink with the machine-printed values
in black; dot-matrix values (each glyph made of dots) moved off their boxes by up to a
line and crossing the form's lines; a red stamp over digits (the seller's tax id or the
amounts); faint pre-printed invoice code and No. in the header; a QR code or none.
Capture: a phone photo at an angle on a patterned desk, with glare, a fold and uneven
light, at 1080 px or 12 MP, in any quarter turn; a flatbed scan; a screenshot (PNG, small,
clean); an e-invoice printed and scanned again (grey, toner speckle, blur).

    from tests.corpus.alt_paper import PaperStyle, render_paper
    jpeg = render_paper(inv, AltStyle(layout="stacked"), PaperStyle(dot_matrix=True))
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from fapiao.core.invoice import InvoiceData

from .alt_layout import AltStyle, Drawing, Text, layout, text_width
from .render_photo import qr_payload

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
MONO_FONT = "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"
BROWN, BLUE = (150, 88, 40), (40, 70, 150)


@dataclass(frozen=True)
class PaperStyle:
    scale: float = 2.6  # pixels per point on the paper
    form_ink: tuple[int, int, int] | None = BROWN  # None: all black (a printed e-invoice)
    dot_matrix: bool = False
    preprinted: bool = False  # faint pre-printed code and No. in the header
    stamp: str | None = "seller"  # "seller" (over the seller's tax id) | "amounts" | None
    qr: bool = False
    capture: str = "photo"  # "photo" | "scan" | "screenshot" | "printed_scan"
    turn: int = 0  # quarter turns counterclockwise of the stored picture
    angle: float = 3.0  # degrees the page lies askew
    perspective: float = 0.04
    background: str = "wood"  # "wood" | "checks" | "cloth"
    glare: bool = True
    fold: bool = True
    long_side: int = 1080  # the stored picture (1080 px phone share, 4000 = 12 MP)
    quality: int = 80


@lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _draw_text(draw: ImageDraw.ImageDraw, t: Text, s: float, ink: tuple[int, int, int],
               mono: bool) -> None:  # fmt: skip
    size = max(6, round(t.size * s))
    x = t.x
    width = text_width(t.text, t.size)
    if t.align == "right":
        x -= width
    elif t.align == "center":
        x -= width / 2
    if t.vertical:
        for k, ch in enumerate(t.text):
            draw.text((x * s, (t.y + k * 1.4 * t.size) * s), ch, fill=ink,
                      font=_font(CJK_FONT, size), anchor="ls")  # fmt: skip
        return
    pen = x * s
    for ch in t.text:
        font = _font(MONO_FONT if mono and ord(ch) < 128 else CJK_FONT, size)
        draw.text((pen, t.y * s), ch, fill=ink, font=font, anchor="ls")
        pen += text_width(ch, t.size) * s


def _dots(mask: np.ndarray, pitch: int) -> np.ndarray:
    """A dot-matrix print of a glyph mask: round dots on a grid where ink was."""
    h, w = (mask.shape[0] // pitch) * pitch, (mask.shape[1] // pitch) * pitch
    cells = mask[:h, :w].reshape(h // pitch, pitch, w // pitch, pitch).mean(axis=(1, 3)) > 60
    ys, xs = np.mgrid[0:pitch, 0:pitch] - (pitch - 1) / 2
    # Dots that touch but do not melt into strokes.
    disk = (xs**2 + ys**2 <= (0.5 * pitch) ** 2).astype(np.uint8)
    out = np.zeros_like(mask)
    out[:h, :w] = np.kron(cells.astype(np.uint8), disk) * 255
    return out


def draw_paper(inv: InvoiceData, style: AltStyle, paper: PaperStyle) -> np.ndarray:
    """The printed sheet, RGB."""
    s = paper.scale
    drawing: Drawing = layout(inv, style)
    w, h = round(drawing.width * s), round(drawing.height * s)
    sheet = Image.new("RGB", (w, h), (250, 248, 242))
    form = ImageDraw.Draw(sheet)
    ink = paper.form_ink or (20, 20, 20)
    for r in drawing.rules:
        form.line((r.x1 * s, r.y1 * s, r.x2 * s, r.y2 * s), fill=ink, width=max(1, round(s / 2)))
    for t in drawing.texts:
        if not t.printed:
            _draw_text(form, t, s, ink, mono=False)
    if paper.preprinted and inv.invoice_code:
        faint = tuple(min(255, c + 70) for c in ink)
        _draw_text(form, Text(30, 24, inv.invoice_code, 11), s, faint, mono=False)  # type: ignore[arg-type]
        _draw_text(form, Text(250, 82, f"No {inv.invoice_number}", 12), s, (215, 120, 120),
                   mono=False)  # fmt: skip
    values = Image.new("L", (w, h), 0)
    vdraw = ImageDraw.Draw(values)
    for t in drawing.texts:
        if t.printed:
            _draw_text(vdraw, t, s, 255, mono=paper.dot_matrix)  # type: ignore[arg-type]
    mask = np.asarray(values)
    if paper.dot_matrix:
        mask = _dots(mask, max(2, round(s * 0.6)))
    arr = np.asarray(sheet, dtype=np.float32)
    a = (mask.astype(np.float32) / 255 * 0.9)[..., None]
    arr = arr * (1 - a) + np.array([25.0, 25.0, 35.0]) * a
    rng = random.Random(f"paper-{inv.invoice_number}")
    if paper.qr:
        symbol = zxingcpp.create_barcode(qr_payload(inv), zxingcpp.BarcodeFormat.QRCode)
        qr = np.asarray(symbol.to_image(scale=max(2, round(s)), add_quiet_zones=False))
        y0, x0 = round(8 * s), round(24 * s)
        arr[y0 : y0 + qr.shape[0], x0 : x0 + qr.shape[1]] = qr[..., None]
    if paper.stamp:
        _stamp(arr, inv, drawing, paper, rng)
    return np.clip(arr, 0, 255).astype(np.uint8)


def _stamp(arr: np.ndarray, inv: InvoiceData, drawing: Drawing, paper: PaperStyle,
           rng: random.Random) -> None:  # fmt: skip
    """A red oval stamp, multiplied over the digits it covers."""
    s = paper.scale
    values = [t for t in drawing.texts if t.printed and t.text == inv.seller_tax_id]
    cx, cy = drawing.stamp_at
    if paper.stamp == "seller" and values:
        cx, cy = values[0].x + 60, values[0].y - 4
    elif paper.stamp == "amounts":
        cx, cy = 500, 250
    w, h = round(110 * s), round(70 * s)
    layer = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(layer)
    d.ellipse((4, 4, w - 4, h - 4), outline=255, width=max(2, round(1.5 * s)))
    d.text((w / 2, h / 2), inv.seller_tax_id or "", fill=255, font=_font(CJK_FONT, round(6 * s)),
           anchor="mm")  # fmt: skip
    d.text((w / 2, h * 0.75), "发票专用章", fill=255, font=_font(CJK_FONT, round(8 * s)),
           anchor="mm")  # fmt: skip
    for k, ch in enumerate((inv.seller_name or "")[:12]):
        ang = math.pi * (1.12 + 0.76 * (k + 0.5) / 12)
        d.text((w / 2 + (w / 2 - 9 * s) * math.cos(ang), h / 2 + (h / 2 - 9 * s) * math.sin(ang)),
               ch, fill=255, font=_font(CJK_FONT, round(7 * s)), anchor="mm")  # fmt: skip
    layer = layer.rotate(rng.uniform(-20, 20), expand=True)
    alpha = np.asarray(layer, dtype=np.float32) / 255 * rng.uniform(0.5, 0.8)
    x0, y0 = round(cx * s - alpha.shape[1] / 2), round(cy * s - alpha.shape[0] / 2)
    x0, y0 = max(0, x0), max(0, y0)
    region = arr[y0 : y0 + alpha.shape[0], x0 : x0 + alpha.shape[1]]
    a = alpha[: region.shape[0], : region.shape[1], None]
    region[:] = region * (1 - a) + region * np.array([0.85, 0.12, 0.15]) * a


def _background(shape: tuple[int, int], kind: str, rng: random.Random) -> np.ndarray:
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "checks":
        cell = rng.randint(30, 70)
        board = ((xs // cell + ys // cell) % 2).astype(np.float32)
        base = np.stack([80 + 90 * board, 60 + 40 * board, 50 + 30 * board], axis=-1)
    elif kind == "cloth":
        waves = np.sin(xs / rng.uniform(5, 9)) * np.sin(ys / rng.uniform(5, 9))
        base = np.stack([120 + 40 * waves, 110 + 35 * waves, 150 + 40 * waves], axis=-1)
    else:  # wood grain
        grain = np.sin(ys / rng.uniform(7, 14) + 3 * np.sin(xs / rng.uniform(80, 160)))
        base = np.stack([120 + 25 * grain, 80 + 18 * grain, 45 + 12 * grain], axis=-1)
    return base.astype(np.uint8)


def _photo(page: np.ndarray, p: PaperStyle, rng: random.Random) -> np.ndarray:
    h, w = page.shape[:2]
    margin = 0.1
    out_w, out_h = round(w * (1 + 2 * margin)), round(h * (1 + 2 * margin))
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = src + np.array([[margin * w, margin * h]], np.float32)
    jitter = p.perspective * max(w, h)
    dst += np.array([[rng.uniform(-jitter, jitter) for _ in range(2)] for _ in range(4)],
                    np.float32)  # fmt: skip
    turn = cv2.getRotationMatrix2D((out_w / 2, out_h / 2), p.angle, 1.0)
    dst = np.hstack([dst, np.ones((4, 1), np.float32)]) @ turn.T.astype(np.float32)
    if p.fold:
        # A crease across the sheet: a darker and a lighter band either side of it.
        x = rng.uniform(0.3, 0.7) * w
        band = np.clip(1 - np.abs(np.arange(w) - x) / (0.02 * w), 0, 1)
        side = np.where(np.arange(w) < x, -1.0, 1.0)
        page = np.clip(page * (1 + 0.12 * band * side)[None, :, None], 0, 255).astype(np.uint8)
    canvas = _background((out_h, out_w), p.background, rng)
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    image = cv2.warpPerspective(page, matrix, (out_w, out_h), dst=canvas,
                                borderMode=cv2.BORDER_TRANSPARENT).astype(np.float32)  # fmt: skip
    ys, xs = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    light = 1.0 - 0.25 * (xs / out_w) * rng.uniform(0.3, 1.0)
    if p.glare:
        gx, gy = rng.uniform(0.3, 0.7) * out_w, rng.uniform(0.3, 0.7) * out_h
        radius = rng.uniform(0.06, 0.12) * out_w
        glare = np.exp(-((xs - gx) ** 2 + (ys - gy) ** 2) / (2 * radius**2))
        image = image + 90 * glare[..., None]
    image = image * light[..., None]
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 3, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def capture(page: np.ndarray, p: PaperStyle, seed: str) -> np.ndarray:
    rng = random.Random(seed)
    if p.capture == "photo":
        image = _photo(page, p, rng)
    elif p.capture == "screenshot":
        bar = np.full((40, page.shape[1], 3), (60, 60, 66), np.uint8)  # a viewer's toolbar
        image = np.vstack([bar, page])
    else:
        grey = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY).astype(np.float32)
        if p.capture == "printed_scan":
            speckle = np.random.default_rng(rng.randrange(2**32)).random(grey.shape)
            grey = np.where(speckle < 0.004, 90.0, grey)  # toner specks
            grey = cv2.GaussianBlur(grey, (0, 0), 0.9)
        centre = (grey.shape[1] / 2, grey.shape[0] / 2)
        turn = cv2.getRotationMatrix2D(centre, p.angle, 1.0)
        grey = cv2.warpAffine(grey, turn, grey.shape[::-1], borderValue=255)
        image = cv2.cvtColor(np.clip(grey, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2RGB)
    h, w = image.shape[:2]
    factor = p.long_side / max(h, w)
    if abs(factor - 1) > 0.01:
        interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        image = cv2.resize(image, (round(w * factor), round(h * factor)), interpolation=interp)
    turns = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    if p.turn % 360 in turns:
        image = cv2.rotate(image, turns[p.turn % 360])
    return image


def render_paper(inv: InvoiceData, style: AltStyle | None = None,
                 paper: PaperStyle | None = None) -> bytes:  # fmt: skip
    """The invoice on paper, captured: JPEG bytes (PNG for a screenshot)."""
    style, paper = style or AltStyle(), paper or PaperStyle()
    image = capture(draw_paper(inv, style, paper), paper, f"capture-{inv.invoice_number}")
    buf = io.BytesIO()
    if paper.capture == "screenshot":
        Image.fromarray(image).save(buf, "PNG")
    else:
        Image.fromarray(image).save(buf, "JPEG", quality=paper.quality)
    return buf.getvalue()


def random_paper(rng: random.Random) -> tuple[AltStyle, PaperStyle]:
    """A mix of the paper and capture habits above, every one at a random strength."""
    capture_kind = rng.choices(("photo", "scan", "screenshot", "printed_scan"), (6, 2, 1, 1))[0]
    dot = capture_kind in ("photo", "scan") and rng.random() < 0.5
    style = AltStyle(
        layout=rng.choice(("stacked", "side")),
        tax_label=rng.choice(("纳税人识别号", "统一社会信用代码/纳税人识别号", "税号")),
        heading=rng.choice(("vertical", "horizontal")),
        header_left=rng.random() < 0.3,
        date_style=rng.choice(("cn", "cn", "iso")),
        size=rng.uniform(7.8, 9.5),
        value_shift=(rng.uniform(-8, 8), rng.uniform(-5, 5)) if dot else (0.0, 0.0),
        jitter=2.0 if dot else 0.0,
    )
    paper = PaperStyle(
        scale=rng.uniform(2.2, 3.0),
        form_ink=rng.choice((BROWN, BLUE)) if capture_kind != "printed_scan" else None,
        dot_matrix=dot,
        preprinted=dot and rng.random() < 0.6,
        stamp=rng.choice(("seller", "seller", "amounts", None)),
        qr=not dot and rng.random() < 0.6,
        capture=capture_kind,
        turn=rng.choices((0, 90, 180, 270), (70, 12, 6, 12))[0] if capture_kind == "photo" else 0,
        angle=rng.uniform(-6, 6) if capture_kind == "photo" else rng.uniform(-1.5, 1.5),
        background=rng.choice(("wood", "checks", "cloth")),
        glare=rng.random() < 0.5,
        fold=rng.random() < 0.5,
        long_side={"photo": rng.choice((1080, 1080, 1600, 4000)), "screenshot": 1200}.get(
            capture_kind, 2200
        ),
        quality=rng.randint(60, 90),
    )
    return style, paper


__all__ = ["PaperStyle", "capture", "draw_paper", "random_paper", "render_paper"]
