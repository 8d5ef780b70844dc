"""Run a race on the deployment's SQLite (a WAL file, IMMEDIATE transactions) in a process
of its own: the suite's SQLite test database lives in shared-cache memory, whose table
locks are not what a deployment sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_on_sqlite_file(module: str, tmp_path: Path, *, timeout: int = 120) -> Any:
    """`python -m module` over a fresh database file; the JSON its last line prints."""
    if os.environ.get("FAPIAO_TEST_DATABASE_URL"):
        pytest.skip("the PostgreSQL run races in-process")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.update(
        FAPIAO_DATA_DIR=str(tmp_path),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="tests.settings",
    )
    done = subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
