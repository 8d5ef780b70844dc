"""`fapiao import` (a tax-platform Excel export) and `fapiao reprocess` (read a stored
original again)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fapiao.cli.common import CliError, setup_django


def run_import_command(argv: list[str]) -> int:
    """Dispatched before argparse (like `manage`): the importer parses its own options."""
    setup_django()
    from fapiao.invoices.platform_import import run_import

    return run_import(argv, sys.stdout, sys.stderr)


def cmd_reprocess(args: argparse.Namespace) -> int:
    setup_django()
    from fapiao.invoices.reprocess import reprocess_document

    failed = 0
    for document_id in args.ids:
        document = reprocess_document(document_id)
        if document.state == "failed":
            failed += 1
            print(f"{document_id}：失败（{document.error_code}）{document.error_message}")
        else:
            print(f"{document_id}：{document.get_state_display()}")
    if failed:
        raise CliError(f"{failed} 个文件仍未能识别：请按上面的说明处理后再试。")
    return 0


def add_parsers(sub: Any) -> None:
    # Listed for --help; main() hands `import` to the importer before argparse runs.
    sub.add_parser("import", help="导入电子税务局导出的发票 Excel（fapiao import 文件.xlsx …）")

    p = sub.add_parser("reprocess", help="重新识别已上传的原始文件（fapiao reprocess 编号 …）")
    p.add_argument("ids", nargs="+", type=int, metavar="ID", help="上传文件编号")
    p.set_defaults(func=cmd_reprocess)
