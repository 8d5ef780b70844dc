"""Image decoding and preparation for OCR: size-checked decode (HEIC/HEIF through
pillow-heif, registered on the first HEIF file), EXIF orientation, the QR code (zxing-cpp),
the page found in a photo and its perspective undone, rotation and downscaling.

Pixels are numpy arrays (grey or RGB, uint8) so that zxing-cpp, OpenCV and the OCR engine
share them without copies.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from fapiao.core.qr import parse_qr
from fapiao.reader.base import Limits, ReadError

CORRUPT_MESSAGE = "图片已损坏或不完整：请重新拍照或导出图片后再上传。"
UNSAFE_MESSAGE = "图片尺寸异常（像素过多），为安全起见未读取：请上传正常拍摄或扫描的发票图片。"
OCR_LONG_SIDE = 1800  # photos above this are downscaled: OCR time grows with pixels
_QR_SMALL_SIDE = 1200
_PAGE_PROBE_SIDE = 800  # the page outline is looked for on a small copy
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis", b"avif")
_heif_registered = False
_QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


@dataclass
class Qr:
    text: str
    rotation: int  # degrees (0/90/180/270) to turn the image clockwise to make it upright


def decode(blob: bytes, *, limits: Limits, long_side: int | None = None) -> np.ndarray:
    """RGB pixels of the first frame, EXIF orientation applied. The pixel count is checked
    from the header before anything is decoded (decompression bombs). With `long_side`, a
    JPEG much larger than that is decoded at a half or a quarter of its size (libjpeg
    scales while decoding: a 12 MP photo costs a fraction of the time and memory)."""
    if blob[4:8] == b"ftyp" and blob[8:12] in _HEIF_BRANDS:
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(blob))
            width, height = opened.size
            if width * height > limits.max_image_pixels:
                raise ReadError("unsafe_file", UNSAFE_MESSAGE)
            if long_side and opened.format == "JPEG" and max(width, height) > 2 * long_side:
                factor = long_side / max(width, height)
                opened.draft("RGB", (round(width * factor), round(height * factor)))
            opened.load()
            image: Image.Image = ImageOps.exif_transpose(opened) or opened
            if image.mode != "RGB":
                image = image.convert("RGB")
            return np.asarray(image)
    except Image.DecompressionBombError as exc:
        raise ReadError("unsafe_file", UNSAFE_MESSAGE) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        # Truncated files raise OSError ("image file is truncated") on load.
        raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc


def _register_heif() -> None:
    """iPhones save HEIC: Pillow reads it once pillow-heif registers its opener (imported
    only for such a file: it loads libheif)."""
    global _heif_registered
    if _heif_registered:
        return
    try:
        import pillow_heif  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return  # Pillow then says it cannot identify the file: corrupt_file
    pillow_heif.register_heif_opener()
    _heif_registered = True


def grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def scaled(image: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """The image with its long side at most `long_side`, and the factor applied."""
    height, width = image.shape[:2]
    factor = long_side / max(height, width)
    if factor >= 1:
        return image, 1.0
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), factor


def enlarged(image: np.ndarray, long_side: int) -> np.ndarray:
    height, width = image.shape[:2]
    factor = long_side / max(height, width)
    size = (round(width * factor), round(height * factor))
    return cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)


def rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    """Turn the image clockwise by a multiple of 90 degrees."""
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    code = turns.get(degrees % 360)
    return image if code is None else cv2.rotate(image, code)


def find_qr(gray: np.ndarray) -> Qr | None:
    """The invoice QR: the full image first, then downscaled (a photographed QR may be too
    large and noisy for the detector), then binarised (uneven light, stamps)."""
    attempts = [lambda: gray]
    if max(gray.shape) > _QR_SMALL_SIDE:
        attempts.append(lambda: scaled(gray, _QR_SMALL_SIDE)[0])
    attempts.append(
        lambda: cv2.adaptiveThreshold(
            gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 10
        )
    )
    for attempt in attempts:
        for result in zxingcpp.read_barcodes(attempt(), formats=_QR_ONLY):
            text = str(result.text or "")
            if text and parse_qr(text) is not None:
                return Qr(text, _upright(int(result.orientation)))
    return None


def _upright(orientation: int) -> int:
    """zxing-cpp reports the symbol's orientation in degrees (clockwise positive);
    the nearest quarter turn that undoes it."""
    quarter = round(orientation / 90) % 4
    return (-quarter * 90) % 360


def _order(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left (the photo's own frame:
    a page photographed sideways stays sideways; its turn is found later)."""
    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(sums)], points[np.argmin(diffs)], points[np.argmax(sums)],
         points[np.argmax(diffs)]],
        dtype=np.float32,
    )  # fmt: skip


def find_page(gray: np.ndarray) -> np.ndarray | None:
    """The four corners (full-size pixels) of a sheet of paper lying on a darker surface,
    or None when there is none (a scan, a screenshot, a page filling the frame). The
    paper is the largest bright region (Otsu on a blurred small copy); its outline is
    simplified to a quadrilateral, or failing that its smallest enclosing rectangle when
    it fills most of that rectangle (a corner hidden by a finger)."""
    small, factor = scaled(gray, _PAGE_PROBE_SIDE)
    blurred = cv2.GaussianBlur(small, (7, 7), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(outline)
    frame = float(small.shape[0] * small.shape[1])
    if not 0.15 * frame <= area <= 0.93 * frame:
        return None
    approx = cv2.approxPolyDP(outline, 0.02 * cv2.arcLength(outline, True), True)
    if len(approx) == 4 and cv2.isContourConvex(approx):
        corners = approx.reshape(4, 2).astype(np.float32)
    else:
        rect = cv2.minAreaRect(outline)
        if area < 0.9 * rect[1][0] * rect[1][1]:
            return None
        corners = cv2.boxPoints(rect).astype(np.float32)
    return _order(corners / factor)


def straighten(rgb: np.ndarray, corners: np.ndarray, long_side: int) -> np.ndarray:
    """The page cut out of the photo and its perspective undone, long side at most
    `long_side` (large photos are shrunk with area averaging first: a perspective warp
    alone would alias the strokes)."""
    tl, tr, br, bl = corners
    width = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    factor = min(1.0, long_side / max(width, height))
    if factor < 0.5:
        rgb, pre = scaled(rgb, round(max(rgb.shape[:2]) * factor * 2))
        corners = corners * pre
        factor /= pre
        width, height = width * pre, height * pre
    out_w, out_h = max(1, round(width * factor)), max(1, round(height * factor))
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(
        rgb, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
