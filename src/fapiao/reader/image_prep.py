"""Image decoding and preparation for OCR: size-checked decode, EXIF orientation, the QR
code (zxing-cpp), rotation to upright and downscaling of large photos.

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
_QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


@dataclass
class Qr:
    text: str
    rotation: int  # degrees (0/90/180/270) to turn the image clockwise to make it upright


def decode(blob: bytes, *, limits: Limits) -> np.ndarray:
    """RGB pixels of the first frame, EXIF orientation applied. The pixel count is checked
    from the header before anything is decoded (decompression bombs)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(blob))
            width, height = opened.size
            if width * height > limits.max_image_pixels:
                raise ReadError("unsafe_file", UNSAFE_MESSAGE)
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
