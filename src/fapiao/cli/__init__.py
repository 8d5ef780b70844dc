"""The `fapiao` command: one entry point for running and operating the service.

Expected failures (a bad option, a missing user, an unreachable database) print a Chinese
message saying what to do and exit non-zero; only real bugs show a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from fapiao.cli.common import CliError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's own messages are English; say in Chinese where to look.
        self.print_usage(sys.stderr)
        print(
            f"错误：命令参数有误（{message}）。请运行 {self.prog} --help 查看用法。",
            file=sys.stderr,
        )
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    from fapiao.cli import accounts, documents, jobs, query, serve
    from fapiao.cli import lookup as lookup

    parser = _Parser(prog="fapiao", description="发票管家 Fapiao：发票管理服务的命令行工具")
    sub = parser.add_subparsers(dest="command", metavar="<命令>", parser_class=_Parser)
    serve.add_parsers(sub)
    accounts.add_parsers(sub)
    query.add_parsers(sub)
    documents.add_parsers(sub)
    lookup.add_parsers(sub)
    jobs.add_parsers(sub)
    sub.add_parser(
        "extract", help="识别发票文件并输出结果，不需要数据库（fapiao extract 文件 … --json）"
    )
    sub.add_parser("manage", help="运行任意 Django 管理命令（fapiao manage <命令> …）")
    return parser


def _manage(argv: list[str]) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fapiao manage", *argv])
    return 0


def _run(argv: list[str]) -> int:
    if argv and argv[0] == "manage":
        return _manage(argv[1:])
    if argv and argv[0] == "import":
        from fapiao.cli.documents import run_import_command

        return run_import_command(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    code: int = args.func(args)
    return code


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "extract":
        # Reading files needs no database: skip Django entirely so it starts fast.
        from fapiao.reader.extract_cli import run_extract

        return run_extract(argv[1:], sys.stdout, sys.stderr)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fapiao.settings")
    from django.db.utils import OperationalError, ProgrammingError

    from fapiao.errors import FapiaoError

    try:
        return _run(argv)
    except CliError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except FapiaoError as exc:
        print(f"错误：{exc.detail}", file=sys.stderr)
        return 1
    except (OperationalError, ProgrammingError) as exc:
        print(
            f"错误：数据库无法访问或尚未初始化（{str(exc).strip()}）："
            "请检查 FAPIAO_DATABASE_URL，并运行 fapiao migrate 更新数据库结构。",
            file=sys.stderr,
        )
        return 1
    except BrokenPipeError:
        # The reader went away (`fapiao query | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
