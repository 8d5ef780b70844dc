"""Periodic jobs of fapiao.notify (see fapiao.jobs).

Deliveries are enqueued after their transaction commits; a process that dies between the
commit and the enqueue (or mid-send) leaves them in the database, and the sweep finds them,
with the retries that have come due. Safe on many workers at once: a delivery already
waiting in the task queue is not enqueued again, and sending claims it with a lease.
"""

from __future__ import annotations

from fapiao.jobs import periodic
from fapiao.notify import conf, outbox


@periodic(
    "notify.sweep",
    every=conf.sweep_seconds,
    at_start=True,
    help="把到期重试和进程崩溃时未发出的邮件/短信重新加入发送队列",
)
def sweep() -> str:
    queued = outbox.sweep()
    return f"重新加入发送队列 {queued} 条通知。" if queued else ""
