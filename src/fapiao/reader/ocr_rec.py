"""Text recognition with a score for every character, and a second look at one box.

The engine's own recogniser returns one score per text line (the mean over its
characters), which hides the one doubtful digit of an 18-character tax id. This runs the
same model on the same crops, batched and sized as the engine does it (so the text is the
same), and keeps the probability of each decoded character: a value is as sure as its
least sure character.

A second look (`expand`): detection boxes sometimes clip the last narrow character of a
line ("…066J" read as "…066"); a value that fails its check is read again from its box
widened by a character or so on each side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Recognised:
    text: str
    score: float  # mean character probability, as the engine reports it
    chars: tuple[float, ...]  # probability of each character of text


def recognise(engine: Any, crops: list[np.ndarray]) -> list[Recognised]:
    rec = engine.text_rec
    charset: list[str] = rec.postprocess_op.character
    _, height, width = rec.rec_image_shape[:3]
    ratios = [c.shape[1] / max(c.shape[0], 1) for c in crops]
    order = np.argsort(np.array(ratios))
    out: list[Recognised | None] = [None] * len(crops)
    for start in range(0, len(crops), rec.rec_batch_num):
        batch = order[start : start + rec.rec_batch_num]
        widest = max(width / height, *(ratios[i] for i in batch))
        inputs = np.stack([rec.resize_norm_img(crops[i], widest) for i in batch])
        preds = rec.session(inputs.astype(np.float32))[0]
        ids, probs = preds.argmax(axis=2), preds.max(axis=2)
        for row, i in enumerate(batch):
            seq = ids[row]
            keep = np.ones(len(seq), dtype=bool)
            keep[1:] = seq[1:] != seq[:-1]  # CTC: a repeat is one character...
            keep &= seq != 0  # ...and the blank none
            text = "".join(charset[j] for j in seq[keep])
            chars = tuple(float(p) for p in probs[row][keep])
            out[i] = Recognised(text, float(np.mean(chars)) if chars else 0.0, chars)
    return [r if r is not None else Recognised("", 0.0, ()) for r in out]


def expand(quad: np.ndarray, *, left: float, right: float, vertical: float) -> np.ndarray:
    """The quad (tl, tr, br, bl) widened along its own axes, by multiples of its height."""
    q = quad.astype(np.float32)
    across = q[1] - q[0]
    down = q[3] - q[0]
    height = float(np.linalg.norm(down)) or 1.0
    u = across / (float(np.linalg.norm(across)) or 1.0)
    v = down / height
    return np.array(
        [
            q[0] - u * left * height - v * vertical * height,
            q[1] + u * right * height - v * vertical * height,
            q[2] + u * right * height + v * vertical * height,
            q[3] - u * left * height + v * vertical * height,
        ],
        dtype=np.float32,
    )


__all__ = ["Recognised", "expand", "recognise"]
