"""`fapiao serve` end to end: a real process with its worker child, on a fresh data folder."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120  # migrations on a fresh SQLite file, on a busy CI machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int, Path, Any]]:
    port = free_port()
    env = {**os.environ, "FAPIAO_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    env.pop("FAPIAO_DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "fapiao.settings"  # not the test suite's settings
    command = [sys.executable, "-m", "fapiao.cli", "serve", "--port", str(port), "--demo"]
    process = subprocess.Popen(
        [*command, "--demo-invoices", "50"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()

    def read_until(text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                output.append(lines.get(timeout=0.5))
            except queue.Empty:
                if process.poll() is not None:
                    break
                continue
            if text in output[-1]:
                return "".join(output)
        raise AssertionError(f"no {text!r} in the output of serve:\n{''.join(output)}")

    yield process, port, tmp_path, read_until
    if process.poll() is None:
        process.kill()
        process.wait()
    reader.join(5)
    assert process.stdout is not None
    process.stdout.close()
    pid_file = tmp_path / "worker.pid"
    if pid_file.exists() and alive(int(pid_file.read_text())):
        os.kill(int(pid_file.read_text()), signal.SIGKILL)


@pytest.mark.slow
def test_serve_runs_the_demo_with_a_worker_and_stops_on_sigterm(serve: Any) -> None:
    process, port, data_dir, read_until = serve

    out = read_until(f"http://127.0.0.1:{port}/", START_TIMEOUT)

    # The demo logins are printed for a person to sign in with.
    assert "fapiao-demo-2026" in out
    for username, label in [
        ("admin", "系统管理员"),
        ("finance", "财务管理员"),
        ("reviewer", "审核员"),
    ]:
        assert any(line.startswith(username + " ") and label in line for line in out.splitlines())
    # Generous: the first request imports the whole site, on a CI machine busy with -n 2.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=120) as answer:
        assert answer.status == 200
        assert "登录" in answer.read().decode()

    pid_file = data_dir / "worker.pid"
    assert wait_for(pid_file.exists, 10)
    worker = int(pid_file.read_text())
    assert alive(worker)
    assert b"worker" in Path(f"/proc/{worker}/cmdline").read_bytes()
    # The demo's tax-platform simulator: the worker is told where it is.
    simulator = re.search(r"演示用税务平台模拟服务：(\S+)", out)
    assert simulator is not None
    environ = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
    assert f"FAPIAO_TAX_PLATFORM_URL={simulator.group(1)}".encode() in environ

    # A worker that dies is started again, and serve says so.
    os.kill(worker, signal.SIGKILL)
    assert wait_for(lambda: int(pid_file.read_text() or 0) not in (0, worker), 15)
    restarted = int(pid_file.read_text())
    assert alive(restarted)
    read_until("自动重启", 5)

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert wait_for(lambda: not alive(restarted), 5)
    assert not pid_file.exists()
    assert "已停止" in read_until("已停止", 5)


def test_an_impossible_port_is_refused_before_anything_starts(capsys: Any) -> None:
    from fapiao.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", "99999"])

    assert exit_info.value.code == 2
    assert "1 到 65535" in capsys.readouterr().err
