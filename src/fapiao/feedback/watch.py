"""The worker's deadline watch: every few minutes, SLA warnings/breaches and the automatic
closing of resolved tickets (see deadlines.py). Safe on many workers at once: every notice
carries a dedupe key, and closing a closed ticket finds nothing to do."""

from __future__ import annotations

import logging
import threading

from django.db import connection

from fapiao.feedback.deadlines import check_deadlines

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 300.0


def check_once() -> None:
    try:
        result = check_deadlines()
        if result.warnings or result.breaches or result.auto_closed:
            log.info(
                "ticket deadlines: %s warning(s), %s breach(es), %s closed",
                result.warnings,
                result.breaches,
                result.auto_closed,
            )
    except Exception:
        # A database hiccup must not stop the worker: the next round tries again.
        log.exception("ticket deadline check failed; retrying at the next interval")


class DeadlineWatch(threading.Thread):
    def __init__(self, *, interval: float = INTERVAL_SECONDS) -> None:
        super().__init__(name="feedback-deadlines", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            check_once()
            connection.close()

    def stop(self) -> None:
        self.stopping.set()


def start_deadline_watch() -> DeadlineWatch:
    watch = DeadlineWatch()
    watch.start()
    return watch
