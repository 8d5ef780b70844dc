"""The OCR engine (rapidocr-onnxruntime, PP-OCR models inside the wheel): one instance per
process, created on first use, calls serialised (the engine keeps per-call state and the
ONNX sessions already use every core)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_lock = threading.Lock()
_engine: Any = None


@dataclass(frozen=True, slots=True)
class OcrBox:
    """One recognised text run: axis-aligned box in image pixels, text, score (0..1)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float

    @property
    def vertical(self) -> bool:
        return len(self.text) > 1 and (self.y1 - self.y0) > 1.5 * (self.x1 - self.x0)


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped,unused-ignore]

        _engine = RapidOCR()
    return _engine


def warm_up() -> None:
    """Load the models now (a worker or `fapiao extract` start), not on the first file."""
    with _lock:
        engine = _get_engine()
        engine(np.full((64, 256, 3), 255, dtype=np.uint8))


def recognise(image: np.ndarray) -> list[OcrBox]:
    """Text runs of an RGB or grey image, in the engine's reading order."""
    with _lock:
        result, _ = _get_engine()(image)
    boxes: list[OcrBox] = []
    for points, text, score in result or []:
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        text = str(text).strip()
        if text:
            boxes.append(OcrBox(min(xs), min(ys), max(xs), max(ys), text, float(score)))
    return boxes
