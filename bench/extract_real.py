"""Real invoices: accuracy, silent errors, flag rate and times on ../shared/samples/real
(public repositories' real invoices: e-invoice and 数电 PDFs, OFDs, a scanned paper 专票,
a screenshot; key fields labelled in its labels.json, null = not on the invoice).

    .venv/bin/python bench/extract_real.py [-v] [--repeat 3] [--buyer-tax-id ID]

Each file is read `--repeat` times (times are the median); printed per kind of file (PDF,
OFD, image): files with every labelled key field right, the flag rate on correct key
fields, silently wrong key fields (wrong and not flagged: target 0), median / p95 ms, and
for images the bare OCR call on the same pixels and the ratio. The load average is printed:
wall-clock figures mean little on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "src")]

from extract_photo import report, run  # noqa: E402

REAL = ROOT.parent / "shared" / "samples" / "real"
KINDS = {".pdf": "real pdf", ".ofd": "real ofd"}


def files() -> list[tuple[str, str, bytes, dict[str, Any]]]:
    labels_path = REAL / "labels.json"
    if not labels_path.exists():
        sys.exit(f"no labelled real invoices at {REAL}")
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    out = []
    for name, want in sorted(labels.items()):
        if name.startswith("_") or not (REAL / name).exists():
            continue
        kind = KINDS.get(Path(name).suffix.lower(), "real image")
        want = {k: v for k, v in want.items() if not k.startswith("_")}
        out.append((name, kind, (REAL / name).read_bytes(), want))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per file")
    parser.add_argument("--repeat", type=int, default=3, help="reads per file (timing)")
    parser.add_argument("--buyer-tax-id", help="the organisation's tax id, as ingest passes it")
    args = parser.parse_args()
    batch = files() * max(1, args.repeat)
    figures = run(batch, verbose=args.verbose, buyer_tax_id=args.buyer_tax_id, today=date.today())
    for key in ("checked", "full", "correct", "flagged"):
        for kind in figures[key]:
            figures[key][kind] //= max(1, args.repeat)
    figures["silent"] = sorted(set(figures["silent"]))
    report(figures, verbose_fields=False)


if __name__ == "__main__":
    main()
