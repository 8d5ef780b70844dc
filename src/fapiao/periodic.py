"""The worker's periodic jobs: each in a daemon thread beside the task worker."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


class Periodic(threading.Thread):
    """Run `job` every `interval` seconds until stopped. The job catches its own errors (a
    database hiccup must not stop the worker); this thread's database connection is closed
    between rounds rather than held open."""

    def __init__(self, name: str, interval: float, job: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self.interval = interval
        self.job = job
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.job()
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
