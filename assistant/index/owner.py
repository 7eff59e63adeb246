"""One process owns an embedded index while it serves.

An embedded (persistent) Chroma index keeps its vector index in the memory of each process that
opens it: a document another process adds is never seen by a running ``serve``, and a file it
replaces leaves ``serve`` quoting deleted text. So a serving process holds an exclusive lock on
the index folder for its lifetime, and a command that writes (``ingest``, ``remove``) takes the
same lock for the length of its write, refusing with a message that says what to do instead
when ``serve`` holds it. Several processes sharing an index is what the Chroma server mode is
for (``ASSISTANT_CHROMA_MODE=http``): there every process follows the others' writes
(``IndexReader.follow``) and no lock is taken.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from assistant.errors import IndexStoreError

LOCK_FILE = "owner.lock"


class IndexOwnership:
    """The lock on an embedded index folder (``enabled`` False: a shared or in-memory store)."""

    def __init__(self, index_dir: Path, enabled: bool = True) -> None:
        self._path = index_dir / LOCK_FILE
        self.enabled = enabled
        self._held: IO[str] | None = None
        # Writes of this process's threads share one lock (uploads run side by side).
        self._writers = 0
        self._writing: IO[str] | None = None
        self._mutex = threading.Lock()

    @property
    def held(self) -> bool:
        """Whether this process holds the lock for its lifetime (it is serving)."""
        return self._held is not None

    def hold(self) -> None:
        """Own the index until this process exits (``serve``); refuse if another owns it."""
        if self.enabled and self._held is None:
            self._held = self._take("serve")

    def release(self) -> None:
        """Give the index up (a server shutting down)."""
        if self._held is not None:
            self._held.close()
            self._held = None

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the lock for one write (a no-op in the process that owns the index); this
        process's concurrent writes share it."""
        if not self.enabled or self._held is not None:
            yield
            return
        with self._mutex:
            if self._writers == 0:
                self._writing = self._take("write")
            self._writers += 1
        try:
            yield
        finally:
            with self._mutex:
                self._writers -= 1
                if self._writers == 0 and self._writing is not None:
                    self._writing.close()
                    self._writing = None

    def _take(self, role: str) -> IO[str]:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self._path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open as the lock
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise IndexStoreError(
                f"the index at {self._path.parent} is in use by {holder}: add or remove "
                "documents on the running server's documents page, or stop it first (several "
                "processes can share an index only through a Chroma server: "
                "ASSISTANT_CHROMA_MODE=http)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"`assistant {role}` (pid {os.getpid()})")
        handle.flush()
        os.chmod(self._path, 0o600)
        return handle
