"""Load benchmark: 1, 5, 10 and 20 signed-in users asking different questions at once.

Run from the repository root after set-up:

    .venv/bin/python evals/benchmarks/load.py [--seconds 60] [--levels 1,5,10,20]
        [--concurrency N] [--index DIR] [--save-index DIR] [--json OUT.json] [--rss-every S]

It builds an index of corpus/ in a temporary folder (or copies ``--index``, an index of the
same corpus/ made earlier: no ingest then, and no warm-up work when its sentences are stored),
adds one firm user per
simulated user, starts ``assistant serve`` on 127.0.0.1 and, for each level, lets that many
users sign in through the sign-in page and ask questions of the domain dataset through the API
route ``/gradio_api/call/ask`` (each user its own sequence), back to back, for ``--seconds``.
Per level it reports requests/s, p50/p95 latency, errors and the server's resident memory;
at the end it checks that every answered request is in the audit log exactly once (by the
``answer_id`` each answer carries). Everything stays on the loopback interface.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
# The CLI of this checkout, whatever the interpreter's environment installed: the child gets
# PYTHONPATH=ROOT (see _prepare), so a worktree benchmarks its own code, not the venv's.
ASSISTANT = [sys.executable, "-m", "assistant.cli"]
DATASET = ROOT / "evals" / "datasets" / "domain.jsonl"
PASSWORD = "load-benchmark-password"
HOST = "127.0.0.1"


@dataclass
class Level:
    """What one level of concurrent users measured."""

    users: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    answer_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rss_mb: float = 0.0
    load_average: float = 0.0  # the machine's 1-minute load average as the level ended

    def figures(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms) or [0.0]
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
        return {
            "users": self.users,
            "requests": len(self.latencies_ms),
            "requests_per_s": round(len(self.latencies_ms) / self.seconds, 1),
            "p50_ms": round(pick(0.50)),
            "p95_ms": round(pick(0.95)),
            "errors": self.errors,
            "rss_mb": round(self.rss_mb),
            "load_average": round(self.load_average, 1),
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _questions() -> list[str]:
    lines = DATASET.read_text("utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _prepare(tmp: Path, index: Path | None, users: int) -> dict[str, str]:
    """The serve environment: an index of corpus/ and one firm account per simulated user."""
    env = dict(
        os.environ,
        ASSISTANT_INDEX_DIR=str(tmp / "index"),
        ASSISTANT_DATA_DIR=str(tmp / "data"),
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    if index is not None:
        # Used as it is: re-ingesting would refuse an index built from another checkout's
        # corpus/ (its manifest names those paths) even when the files are the same.
        shutil.copytree(index, tmp / "index")
    else:
        subprocess.run([*ASSISTANT, "ingest", "corpus"], env=env, cwd=ROOT, check=True)
    for number in range(users):
        subprocess.run(
            [*ASSISTANT, "users", "add", f"load{number}", "--role", "firm", "--password-stdin"],
            env=env,
            cwd=ROOT,
            input=PASSWORD,
            text=True,
            check=True,
            capture_output=True,
        )
    return env


def _wait_for(base: str, process: subprocess.Popen[bytes], seconds: float = 1800) -> None:
    """Until the sign-in page answers: the first start after an ingest embeds every sentence
    (about a minute on an idle machine, much longer on a busy one)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/signin", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"serve did not answer within {seconds:.0f} s")


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return (
        next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        / 1024
    )


def _signed_in(base: str, user: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    response = client.post("/signin", data={"name": user, "password": PASSWORD})
    if response.status_code != 303:
        raise RuntimeError(f"{user} could not sign in: {response.status_code}")
    return client


def _ask(client: httpx.Client, question: str) -> str | None:
    """One question through the API route; the answer id, or None on any error."""
    posted = client.post("/gradio_api/call/ask", json={"data": [question, "hybrid"]})
    if posted.status_code != 200:
        return None
    stream = client.get(f"/gradio_api/call/ask/{posted.json()['event_id']}")
    lines = [line for line in stream.text.splitlines() if line.startswith(("event:", "data:"))]
    if len(lines) < 2 or lines[-2] != "event: complete":
        return None
    return str(json.loads(lines[-1].removeprefix("data:"))[0]["answer_id"])


def _run_level(base: str, pid: int, users: int, seconds: float, questions: list[str]) -> Level:
    level = Level(users)
    clients = [_signed_in(base, f"load{n}") for n in range(users)]
    lock = threading.Lock()
    start = threading.Barrier(users + 1)
    stop_at: list[float] = []

    def user(number: int) -> None:
        client, asked = clients[number], 0
        start.wait()
        while time.monotonic() < stop_at[0]:
            question = questions[(number * 31 + asked) % len(questions)]
            asked += 1
            began = time.perf_counter()
            try:
                answer_id = _ask(client, question)
            except httpx.HTTPError:
                answer_id = None
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                if answer_id is None:
                    level.errors += 1
                else:
                    level.latencies_ms.append(elapsed)
                    level.answer_ids.append(answer_id)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at.append(began + seconds)
    start.wait()
    for thread in threads:
        thread.join()
    level.seconds = time.monotonic() - began
    level.rss_mb = _rss_mb(pid)
    level.load_average = os.getloadavg()[0]
    for client in clients:
        client.close()
    return level


class RssSampler:
    """The server's resident memory every ``every_s`` seconds while the levels run."""

    def __init__(self, pid: int, every_s: float) -> None:
        self.samples: list[tuple[float, float]] = []  # (seconds since start, MB)
        self._pid, self._every_s = pid, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        if self._every_s > 0:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        began = time.monotonic()
        while not self._stop.wait(self._every_s):
            self.samples.append((round(time.monotonic() - began), round(_rss_mb(self._pid))))


def _audit_check(data_dir: Path, answered: list[str]) -> dict[str, Any]:
    """Every answered request in the audit log exactly once (by answer id), and nothing else."""
    with sqlite3.connect(data_dir / "audit.sqlite3") as db:
        rows = db.execute("SELECT event_id FROM audit_events WHERE kind = 'question'").fetchall()
    stored = Counter(row[0] for row in rows)
    once = sum(1 for aid in answered if stored[aid] == 1)
    return {
        "answered": len(answered),
        "audited_exactly_once": once,
        "audit_question_records": sum(stored.values()),
        "ok": once == len(answered) == sum(stored.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="per level (default 60)")
    parser.add_argument("--levels", default="1,5,10,20", help="concurrent users per level")
    parser.add_argument("--concurrency", type=int, default=None, help="ASSISTANT_QUEUE_CONCURRENCY")
    parser.add_argument("--index", type=Path, default=None, help="copy this index instead")
    parser.add_argument(
        "--save-index", type=Path, default=None, help="keep a copy of the warmed index here"
    )
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    parser.add_argument(
        "--rss-every", type=float, default=0.0, help="also sample RSS every N seconds (0: no)"
    )
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    questions = _questions()
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        tmp = Path(folder)
        env = _prepare(tmp, args.index, max(levels))
        if args.concurrency:
            env["ASSISTANT_QUEUE_CONCURRENCY"] = str(args.concurrency)
        port = _free_port()
        base = f"http://{HOST}:{port}"
        log = (tmp / "serve.log").open("wb")
        process = subprocess.Popen(
            [*ASSISTANT, "-v", "serve", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(base, process)
            if args.save_index:  # with the sentence vectors serve stored: reuse via --index
                shutil.copytree(tmp / "index", args.save_index, dirs_exist_ok=True)
            first = _ask(_signed_in(base, "load0"), questions[0])  # lazy imports, unmeasured
            started_mb = _rss_mb(process.pid)
            with RssSampler(process.pid, args.rss_every) as sampler:
                measured = [
                    _run_level(base, process.pid, n, args.seconds, questions) for n in levels
                ]
        except RuntimeError:
            sys.stderr.write((tmp / "serve.log").read_text(errors="replace")[-3000:])
            raise
        finally:
            process.terminate()
            process.wait(timeout=60)
            log.close()
        answered = [first or "", *(aid for level in measured for aid in level.answer_ids)]
        audit = _audit_check(tmp / "data", answered)
    report = {
        "seconds_per_level": args.seconds,
        "queue_concurrency": args.concurrency or "default",
        "rss_after_start_mb": round(started_mb),
        "levels": [level.figures() for level in measured],
        "audit": audit,
    }
    if sampler.samples:
        report["rss_over_time_mb"] = sampler.samples
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
