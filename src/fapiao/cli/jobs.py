"""`fapiao jobs` (the periodic jobs the worker runs) and `fapiao run-job NAME` (one of them
once, for cron on a machine without a worker, or by hand)."""

from __future__ import annotations

import argparse
from typing import Any

from fapiao.cli.common import CliError, format_table, setup_django


def _every(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"每 {seconds / 3600:g} 小时"
    if seconds >= 60 and seconds % 60 == 0:
        return f"每 {seconds / 60:g} 分钟"
    return f"每 {seconds:g} 秒"


def cmd_jobs(args: argparse.Namespace) -> int:
    setup_django()
    from fapiao import jobs

    rows = [
        [job.name, _every(job.interval()) + ("（启动时也运行）" if job.at_start else ""), job.help]
        for job in jobs.all_jobs()
    ]
    print(format_table(("名称", "间隔", "内容"), rows))
    return 0


def cmd_run_job(args: argparse.Namespace) -> int:
    setup_django()
    from fapiao import jobs

    try:
        job = jobs.get(args.name)
    except KeyError:
        names = "、".join(job.name for job in jobs.all_jobs())
        raise CliError(f"没有名为“{args.name}”的定时任务。可用的有：{names}。") from None
    print(job() or "完成：没有需要处理的事项。")
    return 0


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    j = sub.add_parser("jobs", help="列出后台任务进程定时运行的任务")
    j.set_defaults(func=cmd_jobs)

    r = sub.add_parser("run-job", help="立即运行一次某个定时任务（可由 cron 调用）")
    r.add_argument("name", help="任务名称（见 fapiao jobs），例如 feedback.deadlines")
    r.set_defaults(func=cmd_run_job)
