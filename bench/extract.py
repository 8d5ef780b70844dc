"""Reader speed: time per file for XML and OFD (median, p95), on the shared samples and on
the project's rendered corpus, in one process after warm-up.

    .venv/bin/python bench/extract.py [--n 300]

Targets (issue 3): XML and OFD <= 10 ms per file. `--photos N` adds photos and scans
(bench/extract_photo.py: speed and field-level accuracy).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from fapiao.demo.corpus.generator import CorpusGenerator  # noqa: E402
from fapiao.reader.pipeline import extract_bytes  # noqa: E402
from tests.corpus.render_ofd import render_ofd  # noqa: E402
from tests.corpus.render_xml import render_xml  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
TODAY = date(2025, 6, 1)


def _time(files: list[tuple[str, bytes]], repeat: int = 1) -> list[float]:
    for name, blob in files[:5]:  # warm-up: imports, caches
        extract_bytes(blob, filename=name, today=TODAY)
    times = []
    for _ in range(repeat):
        for name, blob in files:
            started = time.perf_counter()
            extract_bytes(blob, filename=name, today=TODAY)
            times.append((time.perf_counter() - started) * 1000)
    return times


def _report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"{label:<28} files={len(times):>5}  median={statistics.median(times):6.2f} ms"
        f"  p95={p95:6.2f} ms  max={times[-1]:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="rendered invoices per format")
    parser.add_argument(
        "--photos", type=int, default=0, help="also N corpus photos/scans (bench/extract_photo.py)"
    )
    args = parser.parse_args()
    corpus = CorpusGenerator(11, today=TODAY)
    invoices = list(corpus.invoices(args.n, start=date(2019, 1, 1), end=date(2025, 5, 31)))
    sets = {
        "corpus xml": [(f"{i}.xml", render_xml(inv)) for i, inv in enumerate(invoices)],
        "corpus ofd (data)": [(f"{i}.ofd", render_ofd(inv)) for i, inv in enumerate(invoices)],
        "corpus ofd (layout only)": [
            (f"{i}.ofd", render_ofd(inv, data=False)) for i, inv in enumerate(invoices)
        ],
    }
    if SAMPLES.exists():
        sets["samples ofd (x20)"] = [(p.name, p.read_bytes()) for p in SAMPLES.glob("*.ofd")]
    for label, files in sets.items():
        _report(label, _time(files, repeat=20 if label.startswith("samples") else 1))
    if args.photos:
        import extract_photo  # bench/ is on sys.path when run as a script

        photos = extract_photo.corpus(args.photos, 1) + extract_photo.samples()
        extract_photo.report(extract_photo.run(photos))


if __name__ == "__main__":
    main()
