"""Photos and scans: speed and field-level accuracy on the project's photo-like corpus
(tests/corpus/render_photo: perspective, rotation, quarter turns, stamp, blur, JPEG 40-80,
uneven light, phone-sized and 12 MP pictures, some without or with an unreadable QR, some
HEIC, some scanned PDFs without a text layer) and on the image samples in ../shared/samples.

    .venv/bin/python bench/extract_photo.py [--n 40] [--seed 1] [--no-samples]

Printed per format: median / p95 of the whole read (ms), and, per photo, the bare OCR call
on the same prepared pixels (the issue's "at most 1.15 x the OCR call"); per field the share
exactly right; the share of invoices with every key field right; and "silently wrong": a
key field that is wrong and neither in needs_review nor below confidence 0.9 (target 0).
Wall-clock figures mean little on a busy machine: the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from fapiao.demo.corpus.generator import CorpusGenerator  # noqa: E402
from fapiao.reader import image, image_prep, ocr  # noqa: E402
from fapiao.reader.base import KEY_FIELDS, Limits  # noqa: E402
from fapiao.reader.pipeline import extract_bytes  # noqa: E402
from tests.corpus.render_photo import random_style, render_photo, render_scan_pdf  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
TODAY = date(2025, 6, 1)
FIELDS = (*KEY_FIELDS, "invoice_type", "check_code", "buyer_name", "seller_name")
IMAGE_SAMPLES = ("e-pu-tianjin-2019.png", "paper-zhuan-beijing-specimen-2010.jpg")


def corpus(n: int, seed: int) -> list[tuple[str, str, bytes, dict[str, Any]]]:
    """(name, format, bytes, expected schema dict): n photos, every 8th a scanned PDF and
    every 10th a HEIC."""
    gen = CorpusGenerator(seed, today=TODAY)
    out = []
    for k, inv in enumerate(gen.invoices(n, start=date(2019, 1, 1), end=date(2025, 5, 31))):
        style = random_style(random.Random(f"{seed}-{k}"))
        if k % 8 == 7:
            out.append(
                (f"{k:03d}-scan.pdf", "scan pdf", render_scan_pdf(inv), inv.to_schema_dict())
            )
            continue
        fmt = "HEIF" if k % 10 == 9 else "JPEG"
        blob = render_photo(inv, replace(style, fmt=fmt))
        kind = "12 MP photo" if style.long_side and style.long_side > 3000 else "phone photo"
        name = (
            f"{k:03d}-{'q' if style.qr and not style.qr_smudged else 'n'}{style.turn}.{fmt.lower()}"
        )
        out.append((name, "heic" if fmt == "HEIF" else kind, blob, inv.to_schema_dict()))
    return out


def samples() -> list[tuple[str, str, bytes, dict[str, Any]]]:
    labels_path = SAMPLES / "labels.json"
    if not labels_path.exists():
        return []
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    return [
        (name, "sample image", (SAMPLES / name).read_bytes(), labels[name])
        for name in IMAGE_SAMPLES
        if (SAMPLES / name).exists()
    ]


def _bare_ocr_ms(blob: bytes) -> float | None:
    """The OCR call alone on the pixels the reader gives the engine (photos only)."""
    try:
        rgb = image_prep.decode(blob, limits=Limits(), long_side=image.DECODE_LONG_SIDE)
    except Exception:
        return None
    page, qr = image.prepare(rgb)
    started = time.perf_counter()
    ocr.read_page(page, turn=qr.rotation if qr else None)
    return (time.perf_counter() - started) * 1000


def run(
    files: list[tuple[str, str, bytes, dict[str, Any]]],
    *,
    verbose: bool = False,
    bare_limit: int = 1000,
) -> dict[str, Any]:
    ocr.warm_up()
    times: dict[str, list[float]] = defaultdict(list)
    bare: list[float] = []
    whole: list[float] = []
    right: dict[str, Counter[str]] = defaultdict(Counter)
    checked: Counter[str] = Counter()
    full: Counter[str] = Counter()
    silent: list[str] = []
    for name, kind, blob, want in files:
        started = time.perf_counter()
        result = extract_bytes(blob, filename=name, today=TODAY).to_schema_dict()
        elapsed = (time.perf_counter() - started) * 1000
        times[kind].append(elapsed)
        if kind != "scan pdf" and len(bare) < bare_limit:
            ms = _bare_ocr_ms(blob)
            if ms:
                bare.append(ms)
                whole.append(elapsed)
        group = "samples" if kind == "sample image" else "corpus"
        checked[group] += 1
        got = result["invoices"][0] if result["invoices"] else {}
        all_right = True
        for field in FIELDS:
            if field not in want:
                continue
            ok = got.get(field) == want[field]
            right[group][field] += ok
            if field in KEY_FIELDS and not ok:
                all_right = False
                flagged = field in got.get("needs_review", []) or (
                    got.get("confidence", {}).get(field, 0.0) < 0.9
                )
                if got and not flagged:
                    silent.append(f"{name}:{field}={got.get(field)!r} want {want[field]!r}")
        full[group] += all_right
        if verbose:
            wrong = [f for f in KEY_FIELDS if f in want and got.get(f) != want[f]]
            print(f"  {name:<22} {kind:<12} {elapsed:7.0f} ms  wrong: {wrong or '-'}", flush=True)
    return {
        "times": times, "bare": bare, "whole": whole, "right": right, "checked": checked,
        "full": full, "silent": silent,
    }  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(figures: dict[str, Any]) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {os.cpu_count()}, load average (1 min): {load:.2f}")
    for kind, ms in sorted(figures["times"].items()):
        print(
            f"{kind:<14} files={len(ms):>3}  median={statistics.median(ms):7.0f} ms"
            f"  p95={_pct(ms, 0.95):7.0f} ms"
        )
    if figures["bare"]:
        bare, whole = figures["bare"], figures["whole"]
        print(
            f"bare OCR call  median={statistics.median(bare):7.0f} ms; whole read / OCR call"
            f" (medians) = {statistics.median(whole) / statistics.median(bare):.2f}"
        )
    for group, count in figures["checked"].items():
        per_field = ", ".join(
            f"{f} {100 * figures['right'][group][f] / count:.0f}%" for f in FIELDS
        )
        print(f"{group}: {count} invoices; all key fields right: "
              f"{100 * figures['full'][group] / count:.1f}%")  # fmt: skip
        print(f"  per field: {per_field}")
    print(f"silently wrong key fields: {len(figures['silent'])}")
    for line in figures["silent"]:
        print("  ", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=40, help="corpus photos and scans")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-samples", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per file")
    parser.add_argument(
        "--bare", type=int, default=1000, help="time the bare OCR call on at most N photos"
    )
    args = parser.parse_args()
    files = corpus(args.n, args.seed) + ([] if args.no_samples else samples())
    report(run(files, verbose=args.verbose, bare_limit=args.bare))


if __name__ == "__main__":
    main()
