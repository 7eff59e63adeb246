"""Reply-draft downloads: nothing on an empty draft, files under one folder, cleaned up."""

from __future__ import annotations

import tempfile
from pathlib import Path

from docx import Document

from assistant.ui.draft import DraftFiles


def test_an_empty_or_missing_draft_writes_nothing() -> None:
    drafts = DraftFiles()
    try:
        assert drafts.write(None) == (None, None)  # Gradio sends None after a cleared box
        assert drafts.write("  \n ") == (None, None)
        assert list(drafts.root.iterdir()) == []
    finally:
        drafts.close()


def test_old_drafts_are_removed_and_nothing_is_left_after_close() -> None:
    before = set(Path(tempfile.gettempdir()).glob("assistant-draft*"))
    drafts = DraftFiles(keep=2)
    paths = [drafts.write(f"# 回答案\n\n本文{i}\x0b")[0] for i in range(4)]
    assert all(p is not None for p in paths)
    assert [Path(p).exists() for p in paths if p] == [False, False, True, True]
    assert "本文3" in Document(str(paths[-1])).paragraphs[-1].text
    drafts.close()
    assert not drafts.root.exists()
    assert set(Path(tempfile.gettempdir()).glob("assistant-draft*")) == before
