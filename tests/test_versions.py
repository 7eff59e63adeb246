"""Versions: catalog links, current versions first, notes on old quotes, and re-ingest swaps.

A test catalog in a temporary corpus holds two editions of an action-plan-like PDF, the later
one declaring ``supersedes:``. The shipped corpus is not touched.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from assistant.answer.versions import version_notes
from assistant.embedding import HashingEmbedder
from assistant.index.writer import latest_versions
from assistant.service import Assistant
from assistant.types import Chunk, Citation, DocumentKind, Hit, SearchFilter
from tests import pdf_fixtures as fx
from tests.conftest import make_settings

OLD, NEW = "action-plan-2024.pdf", "action-plan-2025.pdf"
CATALOG = f"""documents:
  - file: {OLD}
    title: 産業・技術基盤強化アクションプラン
    kind: guidance
    version: 2024年6月
  - file: {NEW}
    title: 産業・技術基盤強化アクションプラン（改訂版）
    kind: guidance
    version: 2025年5月改訂
    supersedes: {OLD}
"""
QUESTION = "事業者は重要物資の供給途絶のおそれを把握したとき何日以内に所管省庁に報告しますか"


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    fx.write_action_plan_pdf(corpus / OLD, "2024")
    fx.write_action_plan_pdf(corpus / NEW, "2025")
    return corpus


@pytest.fixture()
def versioned(tmp_path: Path) -> Assistant:
    """Both editions indexed, with the catalog that links them (fake embedder)."""
    corpus = _corpus(tmp_path)
    assistant = Assistant(make_settings(tmp_path, corpus_dir=corpus), HashingEmbedder())
    report = assistant.ingest([corpus])
    assert report.ok and sorted(report.added) == [OLD, NEW]
    return assistant


def test_catalog_links_the_revision_to_the_edition_it_supersedes(versioned: Assistant) -> None:
    entries = {e.source: e for e in versioned.documents()}
    assert entries[OLD].superseded_by == NEW and entries[OLD].version == "2024年6月"
    assert entries[NEW].superseded_by == "" and entries[NEW].version == "2025年5月改訂"


def test_search_prefers_the_current_edition(versioned: Assistant) -> None:
    hits = versioned.search(QUESTION, k=10)
    assert hits and {h.chunk.source for h in hits} == {NEW}
    assert "十四日以内" in hits[0].chunk.text
    both = versioned.search(QUESTION, k=10, search_filter=SearchFilter(include_superseded=True))
    assert {h.chunk.source for h in both} == {OLD, NEW}


def test_an_answer_quoting_the_superseded_edition_says_so(versioned: Assistant) -> None:
    old = versioned.ask(QUESTION, search_filter=SearchFilter(sources=(OLD,)))
    assert not old.abstained and "三十日以内" in old.text
    assert {c.chunk.source for c in old.citations} == {OLD}
    (note,) = old.notes
    assert "「産業・技術基盤強化アクションプラン（2024年6月）」は旧版です" in note
    assert "現行版は「産業・技術基盤強化アクションプラン（改訂版）（2025年5月改訂）」" in note
    current = versioned.ask(QUESTION)
    assert "十四日以内" in current.text and not current.notes


def test_removing_the_revision_makes_the_old_edition_current_again(versioned: Assistant) -> None:
    assert versioned.remove_document(NEW)
    assert [e.superseded_by for e in versioned.documents()] == [""]
    hits = versioned.search(QUESTION, k=5)
    assert hits and hits[0].chunk.source == OLD and "三十日以内" in hits[0].chunk.text


def test_latest_versions_steps_over_missing_editions_and_stops_at_cycles() -> None:
    successors = {"v1.pdf": "v2.pdf", "v2.pdf": "v3.pdf", "a.pdf": "b.pdf", "b.pdf": "a.pdf"}
    newest = latest_versions(successors, {"v1.pdf", "v3.pdf", "a.pdf", "b.pdf", "x.pdf"})
    assert newest["v1.pdf"] == "v3.pdf"  # v2 is not indexed: v3 is what supersedes v1
    assert newest["v3.pdf"] == "" and newest["x.pdf"] == ""
    assert newest["a.pdf"] == newest["b.pdf"] == ""  # a catalog cycle hides neither


def _chunk(source: str, superseded_by: str = "", version: str = "") -> Chunk:
    return Chunk(
        chunk_id=source,
        source=source,
        title="アクションプラン",
        kind=DocumentKind.GUIDANCE,
        text="本文。",
        search_text="本文。",
        position=0,
        version=version,
        superseded_by=superseded_by,
    )


def test_version_notes_name_both_editions_once_per_document() -> None:
    old = _chunk(OLD, NEW, "2024年6月")
    citations = [
        Citation(1, old, "本文。"),
        Citation(2, old, "本文。"),
        Citation(3, _chunk(NEW), ""),
    ]
    documents = {NEW: _chunk(NEW, version="2025年5月改訂")}
    (note,) = version_notes(citations, documents=documents)
    assert note.startswith("[1][2] の出典「アクションプラン（2024年6月）」は旧版です。")
    assert "現行版は「アクションプラン（2025年5月改訂）」です" in note
    (english,) = version_notes(citations, english=True)
    assert "superseded by action-plan-2025.pdf" in english


# Re-ingesting a changed file while questions are asked: old text or new, never a mix or none.

REVISION = re.compile(r"（第(\d+)次改訂）")


def _revisions(hits: list[Hit]) -> set[str]:
    """Which re-issues of the plan these hits quote (each passage carries one mark)."""
    found = set()
    for hit in hits:
        if hit.chunk.source == NEW:
            marks = set(REVISION.findall(hit.chunk.text))
            assert len(marks) == 1, hit.chunk.text  # a passage never mixes two re-issues
            found |= marks
    return found


@pytest.fixture()
def reissued(tmp_path: Path) -> tuple[Assistant, Path]:
    """The plan indexed as its first re-issue, in a folder with one unrelated document."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    fx.write_action_plan_pdf(corpus / NEW, "2025", revision=1)
    fx.write_law_pdf(corpus / "law.pdf", pages=2)
    assistant = Assistant(make_settings(tmp_path, corpus_dir=corpus), HashingEmbedder())
    assert assistant.ingest([corpus]).ok
    return assistant, corpus


def test_each_moment_of_a_reingest_shows_one_whole_version(
    reissued: tuple[Assistant, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant, corpus = reissued
    seen: list[set[str]] = []
    refresh = assistant.pipeline.reader.refresh

    def publish() -> None:
        # Committed in Chroma but not yet published: questions still get the first issue.
        seen.append(_revisions(assistant.search(QUESTION, k=8)))
        refresh()
        # Published, the replaced chunks not yet deleted: questions get the second issue.
        seen.append(_revisions(assistant.search(QUESTION, k=8)))

    monkeypatch.setattr(assistant.pipeline.writer, "_publish", publish)
    fx.write_action_plan_pdf(corpus / NEW, "2025", revision=2)
    assert assistant.ingest([corpus]).updated == [NEW]
    seen.append(_revisions(assistant.search(QUESTION, k=8)))
    assert seen == [{"1"}, {"2"}, {"2"}]
    manifest = assistant.pipeline.store.manifest()
    assert assistant.pipeline.store.stored_chunk_ids() == {
        c for e in manifest.values() for c in e.chunk_ids
    }


def test_questions_asked_during_reingests_see_old_or_new_text(
    reissued: tuple[Assistant, Path],
) -> None:
    assistant, corpus = reissued
    done = threading.Event()
    problems: list[str] = []
    answered: list[set[str]] = []

    def ask_repeatedly() -> None:
        while not done.is_set():
            try:
                revisions = _revisions(list(assistant.ask(QUESTION, k=8).nearest))
            except Exception as exc:  # noqa: BLE001 - any failed question is the finding
                problems.append(repr(exc))
                continue
            if len(revisions) != 1:
                problems.append(f"saw re-issues {sorted(revisions)} in one answer")
            answered.append(revisions)

    askers = [threading.Thread(target=ask_repeatedly) for _ in range(3)]
    for thread in askers:
        thread.start()
    try:
        for revision in range(2, 6):
            fx.write_action_plan_pdf(corpus / NEW, "2025", revision=revision)
            assert assistant.ingest([corpus]).updated == [NEW]
    finally:
        done.set()
        for thread in askers:
            thread.join()
    assert not problems, problems[:5]
    assert len(answered) >= 10 and {"1", "5"} <= set().union(*answered)
