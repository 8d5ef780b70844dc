"""`fapiao serve`, `fapiao worker` and `fapiao migrate`.

serve runs the web server (waitress) in the foreground and the background worker as a
supervised child process: restarted with a back-off when it dies, stopped with the server.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from fapiao import config
from fapiao.cli.common import CliError, setup_django

log = logging.getLogger("fapiao.cli")

WORKER_STOP_SECONDS = 10
MAX_BACKOFF_SECONDS = 30
# A worker that ran this long before dying was healthy: restart it quickly again.
HEALTHY_RUN_SECONDS = 60


def migrate(*, verbosity: int = 1) -> None:
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=verbosity)
    except OperationalError as exc:
        raise CliError(
            f"无法更新数据库结构（{exc}）：请检查 FAPIAO_DATABASE_URL 指向的数据库是否可用，"
            "以及 FAPIAO_DATA_DIR 是否可写。"
        ) from exc


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    migrate(verbosity=1)
    return 0


class WorkerSupervisor(threading.Thread):
    """Keeps one `fapiao worker` child running until stop() is called."""

    def __init__(self, *, command: list[str], pid_file: Path) -> None:
        super().__init__(name="worker-supervisor", daemon=True)
        self.command = command
        self.pid_file = pid_file
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        # Held while deciding to start a child, so stop() never misses one being started.
        self._lock = threading.Lock()

    def _start_child(self) -> bool:
        with self._lock:
            if self._stopping.is_set():
                return False
            # Its own session: Ctrl+C reaches serve alone, which then stops the worker in
            # order, instead of both racing to shut down.
            # The environment explicitly: with the settings this process decided at run
            # time (the demo's tax-platform simulator), read when each child starts.
            self.process = subprocess.Popen(
                self.command, start_new_session=True, env=config.child_environ()
            )
            self.pid_file.write_text(f"{self.process.pid}\n")
            return True

    def run(self) -> None:
        backoff = 1.0
        while self._start_child():
            assert self.process is not None
            started = time.monotonic()
            code = self.process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started > HEALTHY_RUN_SECONDS:
                backoff = 1.0
            log.warning("后台任务进程意外退出（退出码 %s），%.0f 秒后自动重启。", code, backoff)
            if self._stopping.wait(backoff):
                return
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            self.restarts += 1
            log.info("正在重启后台任务进程（第 %d 次）。", self.restarts)

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                log.warning("后台任务进程 %s 秒内没有退出，已强制结束。", WORKER_STOP_SECONDS)
                process.kill()
                process.wait()
        self.join(WORKER_STOP_SECONDS)
        self.pid_file.unlink(missing_ok=True)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    # waitress stops its loop cleanly on KeyboardInterrupt; SIGTERM should do the same.
    raise KeyboardInterrupt


def _create_server(host: str, port: int) -> Any:
    from waitress import create_server  # type: ignore[import-untyped,unused-ignore]

    from fapiao.wsgi import application

    try:
        return create_server(application, host=host, port=port, threads=8)
    except OSError as exc:
        raise CliError(
            f"无法在 {host}:{port} 上启动网页服务（{exc.strerror or exc}）："
            "端口可能已被其他程序占用，请用 --port 换一个端口，或先停止占用它的程序。"
        ) from exc


def _load_demo(invoices: int) -> None:
    from fapiao.demo.load import load_demo, print_logins

    result = load_demo(invoices=invoices, stdout=sys.stdout)
    print_logins(result, stdout=sys.stdout)


def _start_demo_tax_platform() -> Any:
    """The demo verifies against a local tax-platform simulator holding the demo invoices,
    unless FAPIAO_TAX_PLATFORM_URL already points at a gateway. The URL is set for this
    process (the web server) and passed to the worker child (config.child_environ)."""
    if config.env("FAPIAO_TAX_PLATFORM_URL"):
        return None
    from fapiao.cli.lookup import add_invoices_from_db
    from fapiao.lookup.simulator import TaxPlatformSimulator

    simulator = TaxPlatformSimulator("127.0.0.1", 0)
    add_invoices_from_db(simulator)
    simulator.start()
    config.override("FAPIAO_TAX_PLATFORM_URL", simulator.url)
    print(f"演示用税务平台模拟服务：{simulator.url}", flush=True)
    return simulator


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.db import connections

    print("正在检查并更新数据库结构…", flush=True)
    migrate(verbosity=0)
    simulator = None
    if args.demo:
        _load_demo(args.demo_invoices)
        simulator = _start_demo_tax_platform()
    # The server threads open their own connections; do not share the start-up one.
    connections.close_all()

    # Static files are served from the apps' folders (WhiteNoise finders); an existing
    # STATIC_ROOT keeps WhiteNoise from warning about it at start-up.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    server = _create_server(args.host, args.port)
    supervisor = None
    if not args.no_worker:
        command = [sys.executable, "-m", "fapiao.cli", "worker", "--parent-pid", str(os.getpid())]
        supervisor = WorkerSupervisor(
            command=command, pid_file=Path(settings.DATA_DIR) / "worker.pid"
        )
        supervisor.start()

    # SIGINT too: a shell starting serve in the background ignores it by default.
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, _raise_interrupt) for s in stop_signals}
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"\n发票管家已启动：http://{host}:{args.port}/", flush=True)
    worker = "后台任务进程已启动。" if supervisor else "未启动后台任务进程（--no-worker）。"
    print(f"{worker}按 Ctrl+C 停止。", flush=True)
    if not settings.EMAIL_HOST:
        print(
            "未设置邮件服务器（FAPIAO_SMTP_HOST）：通知邮件保存为文件，"
            f"在 {settings.EMAIL_FILE_PATH}",
            flush=True,
        )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        # Shut down in order even if Ctrl+C is pressed again; stop() is bounded anyway.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        print("正在停止…", flush=True)
        server.close()
        if supervisor is not None:
            supervisor.stop()
        if simulator is not None:
            simulator.stop()
            config.override("FAPIAO_TAX_PLATFORM_URL", None)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("发票管家已停止。", flush=True)
    return 0


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGTERM this worker if serve dies without stopping it (e.g. SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        return  # not Linux: serve still stops the worker on a normal shutdown
    if os.getppid() != parent_pid:
        sys.exit(0)  # serve died before the request took effect


def _wait_for_schema(poll_seconds: float) -> None:
    from django.db import connection
    from django.db.utils import OperationalError
    from django_tasks_db.models import DBTaskResult

    table = DBTaskResult._meta.db_table
    told = ""
    while True:
        try:
            if table in connection.introspection.table_names():
                return
            message = (
                "数据库中还没有任务表：请先运行 fapiao migrate（fapiao serve 会自动运行），"
                "后台任务进程会等它完成后自动开始工作。"
            )
        except OperationalError as exc:
            message = (
                f"暂时无法连接数据库（{exc}）：请检查 FAPIAO_DATABASE_URL，"
                "后台任务进程会每隔几秒重试。"
            )
        if message != told:
            print(message, file=sys.stderr, flush=True)
            told = message
        connection.close()
        time.sleep(poll_seconds)


def cmd_worker(args: argparse.Namespace) -> int:
    if args.parent_pid:
        _die_with_parent(args.parent_pid)
    setup_django()
    from django.core.management import call_command

    _wait_for_schema(poll_seconds=2.0)
    # The periodic jobs every app declares (`fapiao jobs` lists them), beside the tasks.
    from fapiao import jobs

    jobs.start_all()
    options: dict[str, Any] = {"interval": args.interval, "batch": args.batch}
    if args.queue_name:
        options["queue_name"] = args.queue_name
    call_command("db_worker", **options)
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"端口“{text}”无效，应为 1 到 65535 之间的整数")
    return int(text)


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("serve", help="更新数据库结构，启动网页服务和后台任务进程")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=_port, default=8000, help="端口（默认 8000）")
    p.add_argument("--demo", action="store_true", help="若尚未加载，则加载演示组织并打印演示账号")
    p.add_argument(
        "--demo-invoices", type=int, default=1000, help="演示发票数量（默认 1000，需配合 --demo）"
    )
    p.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
    p.set_defaults(func=cmd_serve)

    w = sub.add_parser("worker", help="运行后台任务进程（处理上传识别等后台任务）")
    w.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")
    w.add_argument("--queue-name", default="", help="只处理这些队列（逗号分隔，* 表示全部）")
    w.add_argument("--batch", action="store_true", help="处理完现有任务后退出")
    w.add_argument("--parent-pid", type=int, default=0, help=argparse.SUPPRESS)
    w.set_defaults(func=cmd_worker)

    m = sub.add_parser("migrate", help="更新数据库结构（等同于 fapiao manage migrate）")
    m.set_defaults(func=cmd_migrate)
