"""The worker's sweep of the outbox: once at start-up, then every FAPIAO_NOTIFY_SWEEP_SECONDS.

Deliveries are enqueued after their transaction commits; a process that dies between the
commit and the enqueue (or mid-send) leaves them in the database, and this finds them.
"""

from __future__ import annotations

import logging

from fapiao.notify import conf, outbox
from fapiao.periodic import Periodic

log = logging.getLogger(__name__)


def sweep_once() -> int:
    try:
        return outbox.sweep()
    except Exception:
        # A database hiccup must not stop the worker: the next sweep tries again.
        log.exception("notification sweep failed; retrying at the next interval")
        return 0


class Sweeper(Periodic):
    def __init__(self, *, interval: float | None = None) -> None:
        super().__init__(
            "notify-sweeper", interval if interval is not None else conf.sweep_seconds(), sweep_once
        )


def start_sweeper() -> Sweeper:
    """Sweep now (what a crash left behind), then keep sweeping in a daemon thread."""
    sweep_once()
    sweeper = Sweeper()
    sweeper.start()
    return sweeper
