"""One registry of periodic jobs: the worker starts every app's jobs, and cron (or a
person) runs any one of them once with `fapiao run-job`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from fapiao import jobs
from fapiao.cli import main
from fapiao.locks import exclusive

# What the worker ran in hard-wired threads and what cron ran, now in one place.
EXPECTED = {
    "accounts.login_failures",
    "analytics.budgets",
    "analytics.rollups",
    "feedback.deadlines",
    "feedback.mail",
    "lookup.sync",
    "notify.sweep",
}


def test_every_app_declares_its_jobs_in_the_registry() -> None:
    found = {job.name: job for job in jobs.all_jobs()}
    assert set(found) == EXPECTED
    assert all(job.interval() > 0 and job.help for job in found.values())
    # What a crash or a restart left behind is handled before the worker takes tasks.
    assert {name for name, job in found.items() if job.at_start} == {
        "analytics.rollups",
        "notify.sweep",
    }
    assert found["lookup.sync"].exclusive


@pytest.mark.django_db
def test_jobs_lists_them_and_run_job_runs_one(capsys: Any) -> None:
    assert main(["jobs"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in EXPECTED)
    assert "每 5 分钟" in listing  # feedback.deadlines

    assert main(["run-job", "notify.sweep"]) == 0
    assert "没有需要处理的事项" in capsys.readouterr().out

    assert main(["run-job", "notify.sweeper"]) == 1
    err = capsys.readouterr().err
    assert "没有名为“notify.sweeper”的定时任务" in err and "notify.sweep" in err


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[jobs.Periodic]]:
    """An empty registry for jobs made up by a test; the threads it starts are stopped."""
    monkeypatch.setattr(jobs, "_registry", {})
    monkeypatch.setattr(jobs, "autodiscover_modules", lambda name: None)
    threads: list[jobs.Periodic] = []
    yield threads
    for thread in threads:
        thread.stop()
        thread.join(5)


def test_the_worker_runs_start_jobs_first_and_keeps_going_after_a_failure(
    scratch_registry: list[jobs.Periodic],
) -> None:
    ran: list[str] = []
    failed_twice = threading.Event()
    failures = []

    @jobs.periodic("test.at-start", every=3600, at_start=True, help="启动时")
    def at_start() -> str:
        ran.append("at-start")
        return ""

    @jobs.periodic("test.failing", every=0.01, help="出错")
    def failing() -> str:
        failures.append(1)
        if len(failures) >= 2:
            failed_twice.set()
        raise RuntimeError("数据库暂时不可用")

    scratch_registry += jobs.start_all()

    assert ran == ["at-start"]  # before start_all returned, so before any task is taken
    assert failed_twice.wait(5)  # the failing job was tried again
    assert all(thread.is_alive() for thread in scratch_registry)


def test_two_jobs_cannot_share_a_name(scratch_registry: list[jobs.Periodic]) -> None:
    @jobs.periodic("test.same", every=1, help="一")
    def first() -> str:
        return ""

    with pytest.raises(ValueError, match=r"test\.same"):

        @jobs.periodic("test.same", every=1, help="二")
        def second() -> str:
            return ""


@pytest.fixture
def held_elsewhere() -> Iterator[None]:
    """The `lookup.sync` lock, held by another thread with its own database connection (on
    PostgreSQL a session may take its own advisory lock twice)."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with exclusive("lookup.sync") as got:
                assert got
                taken.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(10)
    yield
    release.set()
    holder.join(10)


@pytest.mark.django_db(transaction=True)
def test_an_exclusive_job_skips_a_round_while_another_process_runs_it(
    held_elsewhere: None, capsys: Any
) -> None:
    assert "跳过" in jobs.get("lookup.sync")()
    assert main(["sync"]) == 1
    assert "另一个同步正在进行" in capsys.readouterr().err
