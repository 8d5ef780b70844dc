"""`fapiao diagnose` (why a lookup fails), `fapiao sync` (upstream sync once, for cron) and
`fapiao simulate-tax-platform` (a local tax-platform verification service)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from typing import TYPE_CHECKING, Any

from fapiao.cli.common import CliError, setup_django

if TYPE_CHECKING:
    from fapiao.lookup.simulator import TaxPlatformSimulator


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise CliError(f"--date 的日期“{value}”无法识别：请写成 2026-03-31 这样的格式。") from exc


def cmd_diagnose(args: argparse.Namespace) -> int:
    setup_django()
    from fapiao.accounts.models import User
    from fapiao.invoices.schemas import to_money
    from fapiao.lookup.diagnosis import LookupQuery
    from fapiao.lookup.services import lookup_answer, run_lookup

    user = User.objects.filter(username=args.user).select_related("organisation").first()
    if user is None:
        raise CliError(f"用户“{args.user}”不存在：请检查 --user（用户名）。")
    try:
        amount = to_money(args.amount)
    except ValueError as exc:
        raise CliError(f"--amount 的金额“{args.amount}”无法识别：请写成 1234.50。") from exc
    query = LookupQuery(
        invoice_number=args.number,
        invoice_code=args.code or "",
        issue_date=_date(args.date),
        amount=amount,
        qr_text=args.qr or "",
    )
    diagnosis = run_lookup(user=user, query=query, filters=None)
    answer = lookup_answer(diagnosis, user)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, default=str, indent=2))
        return 0 if diagnosis.found else 3
    label = "-".join(x for x in (diagnosis.invoice_code, diagnosis.invoice_number) if x)
    if diagnosis.found and diagnosis.invoice is not None:
        inv = answer["invoice"]
        total = inv["total_amount"] or "—"
        print(f"找到发票 {label}（编号 {inv['id']}）：{inv['issue_date'] or ''}")
        print(f"{inv['seller_name']} ¥{total} {inv['tax_status_label']} {inv['status_label']}")
        return 0
    print(f"没有找到可用的发票 {label}。可能的原因（按可能性排序）：")
    for i, cause in enumerate(answer["diagnosis"], 1):
        print(f"{i}. [{cause['cause']} {cause['confidence']:.0%}] {cause['message']}")
        print(f"   建议：{cause['suggestion']}")
        for m in cause["evidence"].get("candidates", []):
            shown = "-".join(x for x in (m["invoice_code"], m["invoice_number"]) if x)
            print(f"   您是否要找 {shown}（编号 {m['id']}，{m['description']}）")
    return 3


def cmd_sync(args: argparse.Namespace) -> int:
    """One round of the worker's `lookup.sync` job, with options; under its lock."""
    setup_django()
    from fapiao.locks import exclusive
    from fapiao.lookup.jobs import sync_round

    with exclusive("lookup.sync") as got:
        if not got:
            raise CliError("另一个同步正在进行（后台任务进程或另一个 fapiao sync），请稍后再试。")
        result = sync_round(source=args.source, batch=args.batch)
    for line in result.lines():
        print(line)
    return 1 if result.failed else 0


def add_invoices_from_db(sim: TaxPlatformSimulator) -> None:
    """Give the simulator the database's invoices as the platform's own data."""
    from fapiao.invoices.models import Invoice
    from fapiao.lookup.simulator import SimInvoice

    for inv in Invoice.objects.exclude(issue_date=None).iterator():
        sim.add(
            SimInvoice(
                code=inv.invoice_code,
                number=inv.invoice_number,
                issue_date=inv.issue_date.strftime("%Y%m%d") if inv.issue_date else "",
                amount=f"{inv.amount:.2f}" if inv.amount is not None else "",
                total=f"{inv.total_amount:.2f}" if inv.total_amount is not None else "",
                check_code=inv.check_code,
                seller_name=inv.seller_name,
            )
        )


def cmd_simulate(args: argparse.Namespace) -> int:
    from fapiao.lookup.simulator import TaxPlatformSimulator

    sim = TaxPlatformSimulator(args.host, args.port)
    sim.set_mode(args.mode, delay=args.delay)
    if args.from_db:
        setup_django()
        add_invoices_from_db(sim)
    sim.start()
    print(f"税务平台模拟服务已启动：{sim.url}（模式 {sim.mode}，发票 {len(sim.invoices)} 张）")
    print(f"设置 FAPIAO_TAX_PLATFORM_URL={sim.url} 让发票管家使用它；Ctrl+C 停止。")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sim.stop()
        raise


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    d = sub.add_parser("diagnose", help="查询一张发票；查不到时列出可能的原因")
    d.add_argument("--number", required=True, help="发票号码（8 位或 20 位）")
    d.add_argument("--code", help="发票代码（10 位或 12 位；数电票不填）")
    d.add_argument("--date", help="开票日期（YYYY-MM-DD）")
    d.add_argument("--amount", help="价税合计")
    d.add_argument("--qr", help="二维码内容")
    d.add_argument("--user", required=True, help="以哪个用户的权限查询（用户名）")
    d.add_argument("--json", action="store_true", help="输出 JSON")
    d.set_defaults(func=cmd_diagnose)

    s = sub.add_parser(
        "sync", help="与上游同步一次：查验待查发票并更新作废/红冲状态（可由 cron 定时运行）"
    )
    s.add_argument("--source", help="只同步这个来源（标识）")
    s.add_argument("--batch", type=int, default=50, help="每个来源最多查验多少张（默认 50）")
    s.set_defaults(func=cmd_sync)

    m = sub.add_parser(
        "simulate-tax-platform", help="在本机运行税务平台查验模拟服务（开发与测试用）"
    )
    m.add_argument("--host", default="127.0.0.1")
    m.add_argument("--port", type=int, default=8765)
    m.add_argument("--mode", default="normal", help="normal、maintenance、slow、down、rate_limit")
    m.add_argument("--delay", type=float, default=2.0, help="slow 模式每次应答的延迟秒数")
    m.add_argument("--from-db", action="store_true", help="用数据库中的发票作为平台数据")
    m.set_defaults(func=cmd_simulate)
