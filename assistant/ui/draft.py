"""The reply-draft panel's files: the edited draft written as .docx and .md for download.

Each write goes to a fresh temporary folder so that two sessions (or two versions of one
draft) never overwrite each other's download; Gradio copies the file into its cache on return.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from assistant.present.draft import compose_reply, write_draft_files
from assistant.types import Answer

DRAFT_PLACEHOLDER = "質問に回答すると、その回答をもとにした回答案がここに作成されます。"


def draft_for(answer: Answer | None) -> str:
    """The Markdown draft for an answer (empty without one)."""
    return compose_reply(answer) if answer else ""


def draft_files(text: str) -> tuple[str | None, str | None]:
    """Write the draft as .docx and .md; (None, None) when there is nothing to write."""
    if not text.strip():
        return None, None
    folder = Path(tempfile.mkdtemp(prefix="assistant-draft-"))
    docx, markdown = write_draft_files(text, folder, f"回答案_{date.today():%Y%m%d}")
    return str(docx), str(markdown)
