"""The OCR engine (rapidocr-onnxruntime, PP-OCR models inside the wheel): one instance per
process, created on first use, calls serialised (the engine keeps per-call state and the
ONNX sessions already use every core).

The reader drives the engine's three models itself rather than through its one-call API:
- detection runs once on the prepared page (at most _DET_MAX_SIDE; recognition crops
  from the full-size page), padded to one of a few recurring input shapes (see _detect);
- the page's turn and skew come from the detected boxes: most boxes taller than wide means
  a quarter turn, the direction classifier voting on a dozen of the longest lines says
  whether the page is upside down, and the median angle of the boxes is the skew;
- recognition then runs without the per-line classifier (the page is known to be upright),
  and the boxes come back in the deskewed frame, so that the layout reader can work with
  axis-aligned boxes.
Onnxruntime's default thread count follows the host's cores, not the container's quota:
the sessions are given exactly the cores this process may use.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fapiao.reader.ocr_rec import Recognised, expand, recognise

log = logging.getLogger(__name__)

DET_LONG_SIDE = 1280  # smaller pages are enlarged to this first: detection loses single digits
_DET_STEP = 128  # detection input sides are padded up to a multiple of this
_DET_MAX_SIDE = 2000  # larger pages are shrunk for detection (text needs no more pixels)
_VOTERS = 12  # lines the direction classifier looks at
_SHORT_RATIO = 2.5  # boxes up to this width/height are recognised first (labels)
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
    chars: tuple[float, ...] = ()  # probability of each character of text (ocr_rec)
    index: int = -1  # its quad in Reading.quads, for a second look

    @property
    def vertical(self) -> bool:
        return len(self.text) > 1 and (self.y1 - self.y0) > 1.5 * (self.x1 - self.x0)


@dataclass
class Reading:
    """The recognised page: boxes in the upright, deskewed frame of `image`."""

    boxes: list[OcrBox]
    image: np.ndarray  # the page turned upright (quarter turns only)
    turn: int  # clockwise degrees applied to the input (0/90/180/270)
    skew: float  # degrees the text lines rose to the right, undone in the box frame
    quads: list[np.ndarray] = field(default_factory=list)  # in `image`, by OcrBox.index

    @property
    def width(self) -> float:
        return float(self.image.shape[1])

    @property
    def height(self) -> float:
        return float(self.image.shape[0])


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _no_spinning() -> None:
    """Onnxruntime's worker threads spin while waiting for work: on an idle machine that
    saves a little, on a busy one (a server running other work) they burn the cores the
    other threads need and a page takes ten times as long. The engine builds its sessions
    in OrtInferSession._init_sess_opts; the options it returns get spinning switched off."""
    from rapidocr_onnxruntime.utils import infer_engine  # type: ignore[import-untyped,unused-ignore]

    session_class = infer_engine.OrtInferSession
    if getattr(session_class, "_fapiao_patched", False):
        return
    original = session_class._init_sess_opts

    def options(config: dict[str, Any]) -> Any:
        opts = original(config)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return opts

    session_class._init_sess_opts = staticmethod(options)
    session_class._fapiao_patched = True


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped,unused-ignore]

        _no_spinning()
        cores = _cores()
        _engine = RapidOCR(
            intra_op_num_threads=cores,
            inter_op_num_threads=1,
            det_limit_type="max",
            det_limit_side_len=DET_LONG_SIDE,
            max_side_len=4096,
        )
    return _engine


def warm_up() -> None:
    """Load the models now (a worker or `fapiao extract` start), not on the first file."""
    with _lock:
        engine = _get_engine()
        blank = np.full((64, 256, 3), 255, dtype=np.uint8)
        blank[20:44, 30:226] = 0  # one "text line", so that every model runs once
        engine(blank)


def _rgb(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.stack([image] * 3, axis=-1)
    return image


def _detect(engine: Any, image: np.ndarray) -> list[np.ndarray]:
    """Text boxes of `image`, in its pixels.

    The page is sized as the engine would size it (sides rounded to multiples of 32,
    shrunk only past _DET_MAX_SIDE) and then padded with white to sides that are multiples
    of _DET_STEP: onnxruntime plans its memory per input shape, and the first run of a new
    shape takes ~1.6x as long, so a handful of shapes that recur beats a new one for every
    photo. The content the model sees is exactly what it saw without the padding."""
    import cv2

    height, width = image.shape[:2]
    ratio = min(1.0, _DET_MAX_SIDE / max(height, width))
    h = max(32, round(height * ratio / 32) * 32)
    w = max(32, round(width * ratio / 32) * 32)
    sized = image if (h, w) == (height, width) else cv2.resize(image, (w, h))
    canvas = np.full(
        (-(-h // _DET_STEP) * _DET_STEP, -(-w // _DET_STEP) * _DET_STEP, 3), 255, np.uint8
    )
    canvas[:h, :w] = sized
    quads, _ = engine.text_det(canvas)
    if quads is None or len(quads) == 0:
        return []
    quads = np.asarray(quads, dtype=np.float32)
    quads[:, :, 0] = np.clip(quads[:, :, 0] * (width / w), 0, width - 1)
    quads[:, :, 1] = np.clip(quads[:, :, 1] * (height / h), 0, height - 1)
    return list(engine.sorted_boxes(quads))


def _is_vertical(quad: np.ndarray) -> bool:
    width = float(np.linalg.norm(quad[0] - quad[1]))
    height = float(np.linalg.norm(quad[0] - quad[3]))
    return height > 1.5 * width and height > 30


def _skew(quads: list[np.ndarray]) -> float:
    """The page's skew: the median angle in degrees of the long boxes' top edges (y grows
    downwards, so a positive angle is a line falling to the right); 0 with fewer than
    three long boxes to go by."""
    angles = []
    for q in quads:
        dx, dy = float(q[1][0] - q[0][0]), float(q[1][1] - q[0][1])
        height = float(np.linalg.norm(q[0] - q[3]))
        if dx > 4 * height:  # long lines give a precise angle
            angles.append(math.degrees(math.atan2(dy, dx)))
    return float(np.median(angles)) if len(angles) >= 3 else 0.0


def _upside_down(engine: Any, image: np.ndarray, quads: list[np.ndarray]) -> bool:
    """The direction classifier's vote over the longest lines."""
    longest = sorted(quads, key=lambda q: -float(np.linalg.norm(q[0] - q[1])))[:_VOTERS]
    crops = engine.get_crop_img_list(image, longest)
    _, results, _ = engine.text_cls(crops)
    votes = sum((1 if "180" in label else -1) * float(score) for label, score in results)
    return votes > 0


def _rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    import cv2

    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    code = turns.get(degrees % 360)
    return image if code is None else cv2.rotate(image, code)


def _boxes(
    quads: list[np.ndarray],
    texts: list[Recognised],
    skew: float,
    centre: tuple[float, float],
) -> list[OcrBox]:
    """Axis-aligned boxes in the deskewed frame (the quads turned by -skew about the page
    centre); empty and low-score texts dropped as the engine does."""
    out: list[OcrBox] = []
    for index, (quad, found) in enumerate(zip(quads, texts, strict=True)):
        box = _box(quad, found, skew, centre, index)
        if box is not None:
            out.append(box)
    return out


def _box(
    quad: np.ndarray, found: Recognised, skew: float, centre: tuple[float, float], index: int
) -> OcrBox | None:
    text = found.text.strip()
    if not text or found.score < 0.5:
        return None
    # Strip() may drop edge spaces: keep the character scores aligned with the text.
    lead = len(found.text) - len(found.text.lstrip())
    chars = found.chars[lead : lead + len(text)]
    rad = math.radians(-skew)
    cos, sin = math.cos(rad), math.sin(rad)
    cx, cy = centre
    xs = [cx + (x - cx) * cos - (y - cy) * sin for x, y in quad]
    ys = [cy + (x - cx) * sin + (y - cy) * cos for x, y in quad]
    return OcrBox(min(xs), min(ys), max(xs), max(ys), text, found.score, chars, index)


def reread(reading: Reading, box: OcrBox, *, left: float, right: float) -> OcrBox | None:
    """The box read again from its quad widened by `left` and `right` times its height
    (a clipped last character), in the same frame; None when it reads nothing."""
    if not 0 <= box.index < len(reading.quads):
        return None
    quad = expand(reading.quads[box.index], left=left, right=right, vertical=0.12)
    height, width = reading.image.shape[:2]
    quad[:, 0] = np.clip(quad[:, 0], 0, width - 1)
    quad[:, 1] = np.clip(quad[:, 1], 0, height - 1)
    with _lock:
        engine = _get_engine()
        [found] = recognise(engine, engine.get_crop_img_list(reading.image, [quad]))
    centre = (width / 2, height / 2)
    return _box(quad, found, reading.skew, centre, box.index)


def read_page(image: np.ndarray, *, turn: int | None = None) -> Reading:
    """Recognise a page. `turn`: the clockwise quarter turn that makes it upright when known
    (from the QR); otherwise the boxes say it (at most one more detection)."""
    with _lock:
        engine = _get_engine()
        image = _rgb(image)
        known = turn is not None
        turn = turn or 0
        upright = _rotate(image, turn)
        quads = _detect(engine, upright)
        if not known and quads:
            if sum(_is_vertical(q) for q in quads) > len(quads) / 2:
                turn = 90
                upright = _rotate(image, turn)
                quads = _detect(engine, upright)
            if quads and _upside_down(engine, upright, quads):
                turn = (turn + 180) % 360
                upright = _rotate(image, turn)
                height, width = upright.shape[:2]
                # The same boxes, turned half way: no second detection.
                quads = list(
                    engine.sorted_boxes(np.array([_half_turn(q, width, height) for q in quads]))
                )
        if not quads:
            return Reading([], upright, turn, 0.0)
        skew = _skew(quads)
        quads, texts = _recognise(engine, upright, quads)
        centre = (upright.shape[1] / 2, upright.shape[0] / 2)
        return Reading(_boxes(quads, texts, skew, centre), upright, turn, skew, quads)


def _ratio(quad: np.ndarray) -> float:
    width = float(np.linalg.norm(quad[0] - quad[1]))
    height = float(np.linalg.norm(quad[0] - quad[3]))
    return width / max(height, 1.0)


def _recognise(
    engine: Any, image: np.ndarray, quads: list[np.ndarray]
) -> tuple[list[np.ndarray], list[Recognised]]:
    """Recognition in two rounds: the short boxes (labels, single characters) first; then
    the long ones, except the lines of the 密码区 (four lines of cipher on older invoices,
    a sixth of the page's text and of no use to anyone), found by its side label, and the
    parties' addresses and bank accounts (no field of an invoice holds them)."""
    short = [i for i, q in enumerate(quads) if _ratio(q) <= _SHORT_RATIO]
    texts: dict[int, Recognised] = {}
    if short:
        found = recognise(engine, engine.get_crop_img_list(image, [quads[i] for i in short]))
        texts.update(zip(short, found, strict=True))
    region = _cipher_region(quads, texts)
    skip = _unused_values(quads, texts)
    long = [
        i for i, q in enumerate(quads)
        if i not in texts and i not in skip and not (region and _inside(q, region))
    ]  # fmt: skip
    if long:
        found = recognise(engine, engine.get_crop_img_list(image, [quads[i] for i in long]))
        texts.update(zip(long, found, strict=True))
    keep = sorted(texts)
    return [quads[i] for i in keep], [texts[i] for i in keep]


_UNUSED_LABELS = ("地址", "开户行")


def _unused_values(quads: list[np.ndarray], texts: dict[int, Recognised]) -> set[int]:
    """Boxes on the row of a 地址、电话 or 开户行及账号 label, right of it."""
    out: set[int] = set()
    for i, found in texts.items():
        if not found.text.strip().startswith(_UNUSED_LABELS):
            continue
        x1 = float(quads[i][:, 0].max())
        _, y = _centre(quads[i])
        em = float(np.linalg.norm(quads[i][0] - quads[i][3]))
        for j, q in enumerate(quads):
            if j in texts or abs(_centre(q)[1] - y) > 0.5 * em:
                continue
            if 0 <= float(q[:, 0].min()) - x1 < 3 * em:
                out.add(j)
    return out


def _centre(quad: np.ndarray) -> tuple[float, float]:
    return float(quad[:, 0].mean()), float(quad[:, 1].mean())


def _cipher_region(
    quads: list[np.ndarray], texts: dict[int, Recognised]
) -> tuple[float, float, float] | None:
    """(left x, top y, bottom y) of the 密码区 lines: right of the stacked 密 ... 区 label."""
    tops = [i for i, r in texts.items() if r.text.strip().startswith("密")]
    ends = [i for i, r in texts.items() if r.text.strip().endswith("区")]
    for i in tops:
        x, y = _centre(quads[i])
        em = float(np.linalg.norm(quads[i][0] - quads[i][3]))
        for j in ends:
            xj, yj = _centre(quads[j])
            if i != j and abs(xj - x) < 1.5 * em and 0 < yj - y < 8 * em:
                left = float(max(quads[i][:, 0].max(), quads[j][:, 0].max()))
                return left, y - 1.5 * em, yj + 1.5 * em
    return None


def _inside(quad: np.ndarray, region: tuple[float, float, float]) -> bool:
    left, top, bottom = region
    y = _centre(quad)[1]
    return float(quad[:, 0].min()) > left and top <= y <= bottom


def _half_turn(quad: np.ndarray, width: int, height: int) -> np.ndarray:
    """A quad in the page turned 180 degrees, corners in (tl, tr, br, bl) order again."""
    turned = np.array([[width - 1 - x, height - 1 - y] for x, y in quad], dtype=np.float32)
    return turned[[2, 3, 0, 1]]
