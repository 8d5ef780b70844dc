"""`fapiao createuser`, `fapiao token` and `fapiao demo`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fapiao.cli.common import CliError, setup_django


def _roles_text() -> str:
    from fapiao.accounts.roles import Role

    return "、".join(f"{role.value}（{role.label}）" for role in Role)


def cmd_createuser(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import transaction

    from fapiao.accounts.models import Department, Organisation, User
    from fapiao.accounts.passwords import password_problems
    from fapiao.accounts.roles import Role

    _check_kind(args)
    username = args.username.strip()
    if not username:
        raise CliError("用户名不能为空：请用 --username 指定登录名。")
    if User.objects.filter(username=username).exists():
        raise CliError(f"用户名“{username}”已被使用：请换一个用户名。")

    user = User(
        username=username,
        role=args.role or Role.SUBMITTER,
        display_name=args.display_name or "",
        email=args.email or "",
    )
    reasons = password_problems(args.password, user)
    if reasons:
        raise CliError(f"密码不符合要求：{reasons}请换一个更长、更不容易猜到的密码。")

    if args.operator:
        # The installation's operator: the Django admin, outside every organisation.
        user.is_staff = user.is_superuser = True
        user.set_password(args.password)
        user.save()
        print(
            f"已创建安装运维账号 {user.username}：可登录 /admin/ 管理整个系统（不属于任何组织）。"
        )
        return 0
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(name=args.org.strip())
        department = None
        if args.department:
            department, _ = Department.objects.get_or_create(
                organisation=organisation, name=args.department.strip()
            )
        user.organisation = organisation
        user.department = department
        # No organisation role reaches the Django admin: an organisation's admin manages
        # it in 系统设置; the admin is the operator's (--operator).
        user.set_password(args.password)
        user.save()

    where = organisation.name + (f" / {department.name}" if department else "")
    print(f"已创建用户 {user.username}（{Role(user.role).label}，{where}）。")
    return 0


def _check_kind(args: argparse.Namespace) -> None:
    """An organisation's member (--org and --role) or the operator (--operator), not both."""
    from fapiao.accounts.roles import Role

    if args.operator:
        if args.org or args.role or args.department:
            raise CliError(
                "安装运维账号不属于任何组织：使用 --operator 时请不要同时指定 --org、--role "
                "或 --department。"
            )
        return
    if not args.role:
        raise CliError(
            f"请用 --role 指定角色（以下之一：{_roles_text()}），或用 --operator 创建安装运维账号。"
        )
    if args.role not in Role.values:
        raise CliError(f"角色“{args.role}”不存在：请用 --role 指定以下之一：{_roles_text()}。")
    if not (args.org or "").strip():
        raise CliError("组织名称不能为空：请用 --org 指定组织的全称。")


def cmd_token(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from fapiao.accounts.models import ApiToken, User

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise CliError(
            f"用户“{args.username}”不存在：请检查用户名，或先用 fapiao createuser 创建该用户。"
        )
    if not user.is_active:
        raise CliError(f"用户“{args.username}”已停用：请先在管理后台重新启用该用户。")
    if args.expires is not None and not 1 <= args.expires <= ApiToken.MAX_DAYS:
        raise CliError(
            f"有效期“{args.expires}”天不可用：请用 --expires 指定 1 到 {ApiToken.MAX_DAYS} 天"
            "（令牌不能永久有效；到期前可再生成新令牌）。"
        )
    token, raw = ApiToken.issue(user=user, name=args.name or "", days=args.expires)
    # Only the token goes to stdout, so `TOKEN=$(fapiao token --username u)` works.
    print(raw)
    expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    print(
        f"这是新的 API 令牌，只显示这一次，请妥善保存；有效期至 {expires}。"
        "使用方法：在请求头中加入 Authorization: Bearer <令牌>。"
        "用户可在“我的 API 令牌”页面（/account/tokens/）查看和撤销自己的令牌。",
        file=sys.stderr,
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from fapiao.demo.load import load_demo, print_logins

    if args.invoices < 0:
        raise CliError("演示发票数量不能为负数：请用 --invoices 指定 0 或更大的数。")
    result = load_demo(invoices=args.invoices, seed=args.seed, stdout=sys.stdout)
    print_logins(result, stdout=sys.stdout)
    return 0


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    c = sub.add_parser(
        "createuser", help="创建组织的用户（组织、部门不存在时一并创建），或安装运维账号"
    )
    c.add_argument("--org", help="组织全称（组织的用户必填）")
    c.add_argument("--username", required=True, help="登录名")
    c.add_argument("--password", required=True, help="密码（至少 8 位，不能太常见或全是数字）")
    c.add_argument(
        "--operator",
        action="store_true",
        help="创建安装运维账号：可登录 Django 管理后台 /admin/ 管理整个系统，不属于任何组织",
    )
    c.add_argument(
        "--role",
        help="角色（组织的用户必填）：submitter 报销人、reviewer 审核员、finance_admin 财务管理员、"
        "support_agent 客服、admin 系统管理员",
    )
    c.add_argument("--department", help="部门名称")
    c.add_argument("--display-name", help="姓名（显示用）")
    c.add_argument("--email", help="电子邮箱")
    c.set_defaults(func=cmd_createuser)

    t = sub.add_parser("token", help="为用户签发新的 API 令牌（只显示一次）")
    t.add_argument("--username", required=True, help="登录名")
    t.add_argument("--name", help="令牌用途（便于日后辨认）")
    t.add_argument(
        "--expires",
        type=int,
        metavar="DAYS",
        help="有效天数，1 到 365（默认取 FAPIAO_API_TOKEN_DAYS，即 90 天）",
    )
    t.set_defaults(func=cmd_token)

    d = sub.add_parser("demo", help="加载演示组织、用户和发票（已加载时不重复加载）")
    d.add_argument("--invoices", type=int, default=1000, help="演示发票数量（默认 1000）")
    d.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
    d.set_defaults(func=cmd_demo)
