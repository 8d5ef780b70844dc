"""Periodic jobs: one registry that the worker and cron share.

Each app declares its jobs in `<app>/jobs.py` with `@periodic`; the registry imports those
modules the first time it is asked (as Django's admin finds `admin.py`). `fapiao worker`
runs every job in a daemon thread beside the task worker; cron (or a person) runs one once
with `fapiao run-job NAME`, and `fapiao jobs` lists them.

    @periodic("notify.sweep", every=conf.sweep_seconds, at_start=True, help="…")
    def sweep() -> str:
        sent = outbox.sweep()
        return f"重新排队 {sent} 条通知" if sent else ""

A job takes no arguments and returns a short Chinese summary of what it did ("" when there
was nothing to do). It must be idempotent and safe to run beside itself: cron and the
worker may overlap, and on PostgreSQL several workers run the same jobs at once. Each
job's module says how it is safe (claims with a lease, dedupe keys, a PostgreSQL advisory
lock); a job that must run on one worker at a time is declared `exclusive`: each round
then holds a lock named after the job (fapiao.locks), and a round that finds it taken
is skipped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import connection
from django.utils.module_loading import autodiscover_modules

from fapiao.locks import exclusive

log = logging.getLogger(__name__)

JobFunction = Callable[[], str]


@dataclass(frozen=True)
class Job:
    name: str  # "<app>.<what>", the name `fapiao run-job` takes
    run: JobFunction
    every: float | Callable[[], float]  # seconds, or a setting's accessor read at start
    help: str  # Chinese, listed by `fapiao jobs`
    at_start: bool = False  # also once when the worker starts, before it takes tasks
    exclusive: bool = False  # one round at a time across workers and cron

    def interval(self) -> float:
        return float(self.every() if callable(self.every) else self.every)

    def __call__(self) -> str:
        """One round: the function, under the job's lock when it is exclusive."""
        if not self.exclusive:
            return self.run()
        with exclusive(self.name) as got:
            return self.run() if got else "另一个进程正在运行这项任务，本轮跳过。"


_registry: dict[str, Job] = {}


def _where(run: JobFunction) -> str:
    return f"{run.__module__}.{run.__qualname__}"


def periodic(
    name: str,
    *,
    every: float | Callable[[], float],
    help: str,
    at_start: bool = False,
    exclusive: bool = False,
) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as the periodic job `name`."""

    def register(run: JobFunction) -> JobFunction:
        known = _registry.get(name)
        if known is not None and _where(known.run) != _where(run):
            raise ValueError(f"two periodic jobs are named {name}")
        _registry[name] = Job(name, run, every, help, at_start=at_start, exclusive=exclusive)
        return run

    return register


def all_jobs() -> list[Job]:
    """Every registered job, by name; imports each installed app's `jobs` module first."""
    autodiscover_modules("jobs")
    return sorted(_registry.values(), key=lambda job: job.name)


def get(name: str) -> Job:
    """The job called `name`; KeyError when there is none."""
    jobs = {job.name: job for job in all_jobs()}
    return jobs[name]


def run_logged(job: Job) -> str:
    """One round in the worker: log what it did; a failure (a database hiccup, a mailbox
    that cannot be read) is logged and the next round tries again."""
    try:
        summary = job()
    except Exception:
        log.exception("periodic job %s failed; retrying at the next interval", job.name)
        return ""
    if summary:
        log.info("%s: %s", job.name, summary)
    return summary


class Periodic(threading.Thread):
    """Run `job` every `interval` seconds until stopped. This thread's database connection
    is closed between rounds rather than held open."""

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


def start_all() -> list[Periodic]:
    """The worker's start: the `at_start` jobs once now, in order (so that `fapiao worker
    --batch` handles what a crash left behind before it takes tasks), then every job in
    its own daemon thread (a slow one never delays another)."""
    jobs = all_jobs()
    for job in jobs:
        if job.at_start:
            run_logged(job)
    threads = []
    for job in jobs:
        thread = Periodic(job.name, job.interval(), partial(run_logged, job))
        thread.start()
        threads.append(thread)
    return threads
