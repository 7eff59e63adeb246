"""The reply-draft panel's files: the edited draft written as .docx and .md for download.

Gradio serves a download from a file path, so the draft must touch the disk. Each write goes to
its own sub-folder (two sessions never overwrite each other's download) of one folder the
server owns; only the newest ``KEEP`` drafts are kept (Gradio copies a returned file into its
own cache at once, so older ones are no longer needed), and the folder goes when the server
stops. Before, every draft left an ``assistant-draft-*`` folder in /tmp for good.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
import weakref
from collections import deque
from datetime import date
from pathlib import Path

from assistant.present.draft import compose_reply, write_draft_files
from assistant.types import Answer

DRAFT_PLACEHOLDER = "質問に回答すると、その回答をもとにした回答案がここに作成されます。"
KEEP = 32


def draft_for(answer: Answer | None) -> str:
    """The Markdown draft for an answer (empty without one)."""
    return compose_reply(answer) if answer else ""


class DraftFiles:
    """Writes drafts for download under one private folder and removes what is not needed."""

    def __init__(self, keep: int = KEEP) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.root = Path(tempfile.mkdtemp(prefix="assistant-drafts-"))
        self._keep = keep
        self._written: deque[Path] = deque()
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.root, True)

    def write(self, text: str | None) -> tuple[str | None, str | None]:
        """Write the draft as .docx and .md; (None, None) when there is nothing to write."""
        if not text or not text.strip():
            return None, None
        folder = self.root / uuid.uuid4().hex
        docx, markdown = write_draft_files(text, folder, f"回答案_{date.today():%Y%m%d}")
        with self._lock:
            self._written.append(folder)
            while len(self._written) > self._keep:
                shutil.rmtree(self._written.popleft(), ignore_errors=True)
        return str(docx), str(markdown)

    def close(self) -> None:
        """Remove every draft file (also done when the object is collected or at exit)."""
        self._finalizer()
