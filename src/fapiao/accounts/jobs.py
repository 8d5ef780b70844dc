"""Periodic jobs of fapiao.accounts (see fapiao.jobs).

Failed sign-ins count only within the lockout window; each address's old ones are not
looked at again, so they are deleted here rather than kept forever. Safe on many workers:
deleting what is already gone deletes nothing.
"""

from __future__ import annotations

from fapiao.accounts import throttle
from fapiao.jobs import periodic


@periodic("accounts.login_failures", every=3600.0, help="删除已过锁定时限的登录失败记录")
def forget_login_failures() -> str:
    deleted = throttle.forget_expired()
    return f"删除 {deleted} 条过期的登录失败记录。" if deleted else ""
