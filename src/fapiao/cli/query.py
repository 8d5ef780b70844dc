"""`fapiao query`: look invoices up from the command line, as a table or JSON lines."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from fapiao.cli.common import CliError, clip, format_table, setup_django

if TYPE_CHECKING:
    from fapiao.accounts.models import Organisation
    from fapiao.invoices.models import Invoice

HEADERS = (
    "编号",
    "发票代码",
    "发票号码",
    "开票日期",
    "销售方",
    "价税合计",
    "发票状态",
    "审核状态",
    "提交人",
    "标记",
)
MAX_LIMIT = 500


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise CliError(f"{option} 的日期“{value}”无法识别：请写成 2026-03-31 这样的格式。") from exc


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _organisation(name: str | None) -> Organisation:
    from fapiao.accounts.models import Organisation

    if name:
        org = Organisation.objects.filter(name=name.strip()).first()
        if org is None:
            raise CliError(f"组织“{name}”不存在：请检查 --org 的组织全称是否正确。")
        return org
    orgs = list(Organisation.objects.order_by("name")[:11])
    if not orgs:
        raise CliError("还没有任何组织：请先运行 fapiao demo 或 fapiao createuser 创建组织。")
    if len(orgs) > 1:
        names = "、".join(o.name for o in orgs[:10]) + ("等" if len(orgs) > 10 else "")
        raise CliError(f"有多个组织（{names}）：请用 --org 指定要查询的组织。")
    return orgs[0]


def _tax_statuses(value: str | None) -> list[str]:
    from fapiao.invoices.models import TaxStatus

    chosen = _split(value)
    by_label = {s.label: s.value for s in TaxStatus}
    out = []
    for item in chosen:
        if item in TaxStatus.values:
            out.append(item)
        elif item in by_label:
            out.append(by_label[item])
        else:
            allowed = "、".join(f"{s.value}（{s.label}）" for s in TaxStatus)
            raise CliError(f"发票状态“{item}”无法识别：--tax-status 可用 {allowed}。")
    return out


def _row(invoice: Invoice) -> list[str]:
    from fapiao.invoices.presenters import money

    marks = []
    if invoice.has_duplicates:
        marks.append("重复")
    if invoice.is_red:
        marks.append("红字")
    problems = [f for f in invoice.findings or [] if f.get("severity") in ("error", "warning")]
    if problems:
        marks.append(f"问题{len(problems)}")
    return [
        str(invoice.pk),
        invoice.invoice_code,
        invoice.invoice_number,
        invoice.issue_date.isoformat() if invoice.issue_date else "",
        clip(invoice.seller_name, 28),
        money(invoice.total_amount) or "",
        invoice.get_tax_status_display(),
        invoice.get_status_display(),
        str(invoice.submitter) if invoice.submitter else "",
        " ".join(marks),
    ]


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def cmd_query(args: argparse.Namespace) -> int:
    setup_django()
    from fapiao.accounts.models import User
    from fapiao.accounts.roles import Role
    from fapiao.invoices.models import Invoice
    from fapiao.invoices.presenters import Masker, summary
    from fapiao.invoices.selectors import InvoiceFilter, apply_filter, page_invoices

    if not 1 <= args.limit <= MAX_LIMIT:
        raise CliError(f"--limit 必须在 1 到 {MAX_LIMIT} 之间：请调整后重试。")
    org = _organisation(args.org)
    f = InvoiceFilter(
        invoice_number=args.number,
        invoice_code=args.code,
        date_from=_date(args.date_from, "--date-from"),
        date_to=_date(args.date_to, "--date-to"),
        seller=args.seller,
        buyer=args.buyer,
        invoice_type=_split(args.type),
        tax_status=_tax_statuses(args.tax_status),
    )
    page = page_invoices(
        apply_filter(Invoice.objects.filter(organisation=org), f), sort=args.sort, limit=args.limit
    )
    if args.json:
        # The operator of the server sees what the organisation's system admin sees.
        masker = Masker(User(role=Role.ADMIN))
        for invoice in page.items:
            print(json.dumps(summary(invoice, masker), ensure_ascii=False, default=_json_default))
        return 0
    if not page.items:
        print(f"{org.name}：没有找到符合条件的发票。可以放宽条件（例如去掉日期范围）再试。")
        return 0
    print(format_table(HEADERS, [_row(i) for i in page.items], right=(0, 5)))
    more = "；还有更多结果，可用 --limit 调大数量或缩小查询条件" if page.next_cursor else ""
    print(f"\n{org.name}：显示 {len(page.items)} 张发票{more}。")
    return 0


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    q = sub.add_parser("query", help="按号码、日期、销售方等条件查询发票")
    q.add_argument("--org", help="组织全称（只有一个组织时可省略）")
    q.add_argument("--number", help="发票号码（8 位或 20 位）")
    q.add_argument("--code", help="发票代码（10 位或 12 位）")
    q.add_argument("--date-from", help="开票日期起（YYYY-MM-DD）")
    q.add_argument("--date-to", help="开票日期止（YYYY-MM-DD）")
    q.add_argument("--seller", help="销售方名称（包含）或纳税人识别号")
    q.add_argument("--buyer", help="购买方名称（包含）或纳税人识别号")
    q.add_argument("--type", help="发票类型代码，逗号分隔（如 31,32）")
    q.add_argument("--tax-status", help="发票状态：normal、voided、red_full、red_partial，逗号分隔")
    q.add_argument(
        "--sort",
        help="排序：issue_date、total_amount、created_at，前加 - 为倒序（默认 -issue_date）",
    )
    q.add_argument("--limit", type=int, default=20, help="最多显示多少张（默认 20，最多 500）")
    q.add_argument("--json", action="store_true", help="每行输出一张发票的 JSON")
    q.set_defaults(func=cmd_query)
