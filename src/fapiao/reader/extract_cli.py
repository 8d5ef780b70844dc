"""`fapiao extract FILE... [--json | --jsonl]`: read invoice files with no database.

Imports nothing from Django so that it starts fast; the cli package wires it in.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from typing import IO, Any

from fapiao.reader.base import ExtractionResult
from fapiao.reader.pipeline import extract_path

_STATUS = {"ok": "成功", "partial": "部分识别", "failed": "失败"}
_PROGRESS_FROM = 5  # files; fewer finish before a progress line would help


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fapiao extract",
        description="识别发票文件（OFD、XML、PDF、图片），不需要数据库。",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="发票文件")
    parser.add_argument(
        "--buyer-tax-id",
        metavar="TAX_ID",
        help="本单位纳税人识别号：通常是购买方，用于判断票面上哪个税号属于购买方",
    )
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="输出 JSON 数组")
    fmt.add_argument("--jsonl", action="store_true", help="每个文件一行 JSON")
    return parser


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _rows(result: ExtractionResult) -> list[list[str]]:
    if result.error is not None:
        return [[result.file, _STATUS[result.status], "", "", "", "", result.error.message]]
    rows = []
    for inv in result.invoices:
        d = inv.to_schema_dict()
        number = "/".join(x for x in (d["invoice_code"], d["invoice_number"]) if x)
        review = "、".join(inv.needs_review) if inv.needs_review else ""
        rows.append(
            [
                result.file,
                _STATUS[result.status],
                number,
                d["issue_date"] or "",
                d["seller_name"] or "",
                d["total_amount"] or "",
                f"待核对：{review}" if review else "",
            ]
        )
    return rows


def _table(results: list[ExtractionResult], out: IO[str]) -> None:
    header = ["文件", "状态", "发票号码", "开票日期", "销售方", "价税合计", "说明"]
    rows = [header] + [row for r in results for row in _rows(r)]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        cells = [_pad(cell, w) for cell, w in zip(row, widths, strict=False)]
        out.write("  ".join([*cells, row[-1]]).rstrip() + "\n")


def run_extract(argv: list[str], stdout: IO[str], stderr: IO[str]) -> int:
    """Exit code 0 when every file was read (fully or partly), 1 when any failed."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    files: list[str] = args.files
    progress = len(files) >= _PROGRESS_FROM and stderr.isatty()
    results: list[ExtractionResult] = []
    for i, name in enumerate(files, 1):
        result = extract_path(name, buyer_tax_id=args.buyer_tax_id)
        results.append(result)
        if args.jsonl:
            stdout.write(json.dumps(result.to_schema_dict(), ensure_ascii=False) + "\n")
            stdout.flush()
        if progress:
            stderr.write(f"\r识别中 {i}/{len(files)} {'█' * (20 * i // len(files)):<20}")
            stderr.flush()
    if progress:
        stderr.write("\n")
    if args.json:
        payload: list[dict[str, Any]] = [r.to_schema_dict() for r in results]
        stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif not args.jsonl:
        _table(results, stdout)
    return 1 if any(r.status == "failed" for r in results) else 0
