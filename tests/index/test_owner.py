"""An embedded index has one owner while it serves; other processes' writes are refused."""

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import IndexStoreError
from assistant.index.owner import LOCK_FILE, IndexOwnership

# Another process taking the same lock for one write, as `assistant ingest` would.
_WRITE_ELSEWHERE = """
import sys
from pathlib import Path
from assistant.errors import IndexStoreError
from assistant.index.owner import IndexOwnership
try:
    with IndexOwnership(Path(sys.argv[1])).writing():
        print("wrote")
except IndexStoreError as error:
    print(error)
"""


def _other_process_writes(index: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_ELSEWHERE, str(index)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_write_elsewhere_is_refused_while_serving_and_allowed_after(tmp_path: Path) -> None:
    owner = IndexOwnership(tmp_path)
    assert _other_process_writes(tmp_path) == "wrote"
    owner.hold()
    message = _other_process_writes(tmp_path)
    assert "in use by `assistant serve` (pid" in message
    assert "documents page" in message and "ASSISTANT_CHROMA_MODE=http" in message
    with owner.writing():  # the owner's own uploads go ahead
        pass
    assert (tmp_path / LOCK_FILE).stat().st_mode & 0o077 == 0
    owner.release()
    assert _other_process_writes(tmp_path) == "wrote"


def test_a_second_server_on_the_same_index_is_refused(tmp_path: Path) -> None:
    first = IndexOwnership(tmp_path)
    first.hold()
    with pytest.raises(IndexStoreError, match="in use by"):
        IndexOwnership(tmp_path).hold()
    first.release()
    IndexOwnership(tmp_path, enabled=False).hold()  # a shared (server) index takes no lock
