"""Audit records survive a SIGKILL mid-write: everything committed is there, the file is sound.

A worker process appends question events as fast as it can and prints each answer id once
``record`` has returned; the test kills it with SIGKILL (no cleanup, no flush) while it is
writing, then reads the log back in this process.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from assistant.access.audit import AUDIT_FILE, AuditLog
from assistant.access.audit_events import SignInEvent
from tests.conftest import ROOT

WORKER = """
import sys
from pathlib import Path
from assistant.access.audit import AuditLog
from assistant.access.audit_events import CitedPassage, QuestionEvent

log = AuditLog(Path(sys.argv[1]))
cited = tuple(CitedPassage(f"chunk-{n}", "324AC0000000228_gaitameho.md") for n in range(5))
question = "技術の提供に関する事前報告は必要ですか？" * 100  # long rows: more time inside writes
i = 0
while True:
    log.record(QuestionEvent("tanaka", "相談", question, question, cited, False, 12, f"a{i}"))
    print(f"a{i}", flush=True)
    i += 1
"""
KILL_AFTER = 40


def _kill_while_writing(worker_source: str, path: Path, lines: int) -> list[str]:
    """Run a worker writing to the audit log at ``path``, SIGKILL it once it has reported
    ``lines`` records, and return every record id it reported (before and while dying)."""
    worker = subprocess.Popen(
        [sys.executable, "-c", worker_source, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    reported = [worker.stdout.readline().strip() for _ in range(lines)]
    worker.send_signal(signal.SIGKILL)
    rest, errors = worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL, errors[-2000:]
    return reported + rest.split()


def test_committed_records_survive_a_sigkill_and_the_log_stays_sound(tmp_path: Path) -> None:
    path = tmp_path / "data" / AUDIT_FILE
    reported = _kill_while_writing(WORKER, path, KILL_AFTER)

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    log = AuditLog(path)
    stored = [r.event_id for r in log.records()]
    # Every reported record is there, in order, and at most the one being written when the
    # kill came was committed without being reported.
    assert stored[: len(reported)] == reported
    assert len(stored) - len(reported) in (0, 1)
    assert stored == [f"a{i}" for i in range(len(stored))]
    log.record(SignInEvent("admin1", succeeded=True))  # and the log goes on
    assert len(list(log.records())) == len(stored) + 1


THREADED_WORKER = """
import sys, threading
from pathlib import Path
from assistant.access.audit import AuditLog
from assistant.access.audit_events import CitedPassage, QuestionEvent

log = AuditLog(Path(sys.argv[1]))
cited = tuple(CitedPassage(f"chunk-{n}", "324AC0000000228_gaitameho.md") for n in range(5))
question = "技術の提供に関する事前報告は必要ですか？" * 100
lock = threading.Lock()

def ask(thread):
    i = 0
    while True:
        log.record(QuestionEvent("tanaka", "相談", question, question, cited, False, 12, f"t{thread}-{i}"))
        with lock:
            print(f"t{thread}-{i}", flush=True)
        i += 1

for thread in range(8):
    threading.Thread(target=ask, args=(thread,)).start()
"""


def test_records_committed_together_by_many_threads_survive_a_sigkill(tmp_path: Path) -> None:
    """Eight threads recording at once share transactions (group commit); every record whose
    ``record`` returned is there after a SIGKILL, and at most one per thread more."""
    path = tmp_path / "data" / AUDIT_FILE
    reported = _kill_while_writing(THREADED_WORKER, path, KILL_AFTER * 4)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = [r.event_id for r in AuditLog(path).records()]
    assert set(reported) <= set(stored) and len(stored) == len(set(stored))
    assert len(stored) - len(reported) <= 8
