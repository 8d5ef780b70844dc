"""Image reader speed: per image, the whole read (decode, QR, OCR, fields, resolution) and
the bare OCR call on the same pixels, median and p95, and their ratio; in one process after
the engine is warm.

    .venv/bin/python bench/extract_image.py [--repeat 3] [FILE ...]

Without files it reads the image samples in ../shared/samples. Targets (issue 3): photo
median <= 1.5 s, whole read <= 1.15 x the bare OCR call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from fapiao.reader import image, image_prep, ocr  # noqa: E402
from fapiao.reader.base import Limits  # noqa: E402
from fapiao.reader.pipeline import extract_bytes  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
TODAY = date(2025, 6, 1)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(files: list[Path], *, repeat: int = 3) -> dict[str, Any]:
    """{file name: {read_median_s, read_p95_s, ocr_median_s, ocr_p95_s, ratio, status}}."""
    ocr.warm_up()
    out: dict[str, Any] = {}
    for path in files:
        blob = path.read_bytes()
        # The bare OCR call on what the reader gives the engine: the page cut out of the
        # photo, straightened and scaled, turned as the QR says.
        pixels, qr = image.prepare(
            image_prep.decode(blob, limits=Limits(), long_side=image.DECODE_LONG_SIDE)
        )
        turn = qr.rotation if qr else None
        reads: list[float] = []
        bare: list[float] = []
        status = ""
        for _ in range(repeat):
            started = time.perf_counter()
            result = extract_bytes(blob, filename=path.name, today=TODAY)
            reads.append(time.perf_counter() - started)
            status = result.status
            started = time.perf_counter()
            ocr.read_page(pixels, turn=turn)
            bare.append(time.perf_counter() - started)
        read_median, ocr_median = statistics.median(reads), statistics.median(bare)
        out[path.name] = {
            "read_median_s": round(read_median, 3),
            "read_p95_s": round(_p95(reads), 3),
            "ocr_median_s": round(ocr_median, 3),
            "ocr_p95_s": round(_p95(bare), 3),
            "ratio": round(read_median / ocr_median, 3) if ocr_median else None,
            "status": status,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = args.files or sorted(p for p in SAMPLES.glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        sys.exit("no image files (give some, or put ../shared/samples in place)")
    figures = run(files, repeat=args.repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {os.cpu_count()}, load average (1 min) at the end: {load:.2f}")
    print(f"{'file':44} {'read med':>9} {'p95':>7} {'ocr med':>8} {'p95':>7} {'ratio':>6}")
    for name, row in figures.items():
        print(
            f"{name:44} {row['read_median_s']:>8.2f}s {row['read_p95_s']:>6.2f}s "
            f"{row['ocr_median_s']:>7.2f}s {row['ocr_p95_s']:>6.2f}s {row['ratio']:>6.2f}"
            f"  {row['status']}"
        )


if __name__ == "__main__":
    main()
