"""Uploads end to end: a batch of mixed invoice files (XML / OFD / PDF from the project's
corpus) posted one file per request to the real HTTP endpoint (`fapiao serve`, waitress)
and read by the real background worker (`fapiao worker`, the database queue), as the scan
page does it.

    .venv/bin/python bench/upload.py [--files 200] [--parallel 4] [--workers 1]

Printed: the time until every file had its 202 (and per request median / p95), then the
end-to-end throughput (files/s from the first upload to the last file read) and, per
file, the time from stored to read (queue wait + reading) and the reading itself
(median / p95). A fresh data folder with its SQLite database is made and removed (with
FAPIAO_DATABASE_URL set, that database is used: give it an empty one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
TODAY = dt.date(2026, 11, 28)
FINISHED = ("done", "failed")


def corpus_files(n: int) -> list[tuple[str, bytes]]:
    from fapiao.demo.corpus.generator import CorpusGenerator, Party
    from tests.corpus.render_ofd import render_ofd
    from tests.corpus.render_pdf import render_pdf
    from tests.corpus.render_xml import render_xml

    corpus = CorpusGenerator(
        21, today=TODAY, buyer=Party(name="北京示例科技有限公司", tax_id="91110108MA01ABCD1E")
    )
    invoices = corpus.invoices(n, start=dt.date(2025, 1, 1), end=dt.date(2026, 10, 31))
    renderers = (("xml", render_xml), ("ofd", render_ofd), ("pdf", render_pdf))
    files = []
    for i, inv in enumerate(invoices):
        ext, render = renderers[i % 3]
        files.append((f"{i:04d}.{ext}", render(inv)))
    return files


def prepare(env: dict[str, str]) -> str:
    """Migrate a fresh database, create one submitter and return an API token."""
    script = (
        "from fapiao.cli.common import setup_django; setup_django()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "from fapiao.accounts.models import ApiToken, Organisation, User\n"
        "org = Organisation.objects.create(name='北京示例科技有限公司', "
        "tax_id='91110108MA01ABCD1E')\n"
        "user = User.objects.create_user(username='bench', password='bench-upload-1', "
        "organisation=org, role='submitter')\n"
        "print(ApiToken.issue(user=user, name='bench')[1])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the web server did not start within a minute")


def post_file(base: str, token: str, name: str, blob: bytes) -> tuple[int, float, float]:
    """(document id, seconds until the 202, wall-clock time the upload began)."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + blob
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/api/v1/documents",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        method="POST",
    )
    began, started = time.time(), time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.loads(response.read())
        assert response.status == 202, response.status
    return int(answer["documents"][0]["id"]), time.perf_counter() - started, began


def get(base: str, token: str, path: str) -> Any:
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def wait_for_all(base: str, token: str, ids: set[int], timeout: float) -> dict[int, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = get(base, token, "/api/v1/documents?limit=500")["items"]
        finished = {d["id"]: d for d in items if d["id"] in ids and d["state"] in FINISHED}
        if len(finished) == len(ids):
            return finished
        time.sleep(0.25)
    raise SystemExit(f"not every file was read within {timeout:.0f} s")


def stats(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{label:<34} median={statistics.median(ms):8.1f} ms  p95={p95:8.1f} ms"


def when(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _span(doc: dict[str, Any], since: str) -> float:
    return when(doc["finished_at"]) - when(doc[since])


def run(args: argparse.Namespace) -> None:
    files = corpus_files(args.files)
    data_dir = tempfile.mkdtemp(prefix="fapiao-upload-bench-")
    env = {**os.environ, "FAPIAO_DATA_DIR": data_dir, "PYTHONPATH": f"{ROOT / 'src'}"}
    env["DJANGO_SETTINGS_MODULE"] = "fapiao.settings"
    token = prepare(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cli = [sys.executable, "-m", "fapiao.cli"]
    server = _start([*cli, "serve", "--port", str(port), "--no-worker"], env)
    workers = [_start([*cli, "worker", "--interval", "0.1"], env) for _ in range(args.workers)]
    try:
        wait_until_up(base)
        kinds = {ext: sum(1 for n, _ in files if n.endswith(ext)) for ext in ("xml", "ofd", "pdf")}
        database = "PostgreSQL" if "FAPIAO_DATABASE_URL" in env else "SQLite"
        print(
            f"{len(files)} files ({kinds}), {args.parallel} uploads at a time, "
            f"{args.workers} worker(s), database: {database}, "
            f"load average {os.getloadavg()[0]:.1f} (wall-clock figures)"
        )
        started = time.perf_counter()
        t0 = time.time()
        with ThreadPoolExecutor(args.parallel) as pool:
            posted = list(pool.map(lambda f: post_file(base, token, *f), files))
        all_accepted = time.perf_counter() - started
        finished = wait_for_all(base, token, {doc_id for doc_id, _, _ in posted}, args.timeout)
        last = max(when(d["finished_at"]) for d in finished.values())
        details = [get(base, token, f"/api/v1/documents/{doc_id}") for doc_id, _, _ in posted]
    finally:
        for process in (*workers, server):
            process.terminate()
        for process in (*workers, server):
            process.wait(30)
        shutil.rmtree(data_dir, ignore_errors=True)
    failed = [d for d in details if d["state"] != "done"]
    total = last - t0
    rate = len(files) / all_accepted
    print(f"time to 202 for all {len(files)} files: {all_accepted:.2f} s ({rate:.1f} uploads/s)")
    print(stats("per upload request (to 202)", [s for _, s, _ in posted]))
    print(
        f"end to end, first upload to last file read: {total:.2f} s  "
        f"throughput {len(files) / total:.1f} files/s"
    )
    pairs = list(zip(posted, details, strict=True))
    print(
        stats("per file, upload began -> read", [when(d["finished_at"]) - p[2] for p, d in pairs])
    )
    print(stats("per file, stored -> read", [_span(d, "created_at") for d in details]))
    print(stats("per file, reading alone", [_span(d, "started_at") for d in details]))
    first = f" (first: {failed[0]['name']} {failed[0]['error_code']})" if failed else ""
    print(f"read: {len(details) - len(failed)} done, {len(failed)} failed{first}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200, help="how many files (default 200)")
    parser.add_argument("--parallel", type=int, default=4, help="uploads at a time (default 4)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for reading")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
