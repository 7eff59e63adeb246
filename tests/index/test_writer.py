"""Ingestion against a real Chroma on disk (fake embedder for speed)."""

import shutil
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from assistant.embedding import HashingEmbedder
from assistant.index.writer import IngestReport
from assistant.service import Assistant
from tests.conftest import CORPUS, make_settings


def _assistant(tmp_path: Path) -> Assistant:
    return Assistant(make_settings(tmp_path), HashingEmbedder())


def _copy_corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def test_reingest_is_a_no_op_and_changes_replace_chunks(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    assistant = _assistant(tmp_path)
    first = assistant.ingest([corpus])
    assert len(first.added) == 10 and first.ok
    ids_before = {e.source: e.chunk_ids for e in assistant.documents()}

    second = assistant.ingest([corpus])
    assert len(second.unchanged) == 10 and second.chunks_embedded == 0

    article = corpus / "articles" / "jihyo-2025-08-fukunaga-keizai-anpo.txt"
    article.write_text(
        article.read_text(encoding="utf-8") + "\n追記された新しい段落です。", "utf-8"
    )
    third = assistant.ingest([corpus])
    assert third.updated == [article.name]
    after = {e.source: e.chunk_ids for e in assistant.documents()}
    assert after[article.name] != ids_before[article.name]
    stored = assistant.pipeline.store.stored_chunk_ids()
    assert stored == {cid for ids in after.values() for cid in ids}  # nothing stale, no duplicates


def test_removed_file_disappears(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    assistant = _assistant(tmp_path)
    assistant.ingest([corpus])
    (corpus / "articles" / "jihyo-2025-08-fukunaga-keizai-anpo.txt").unlink()
    report = assistant.ingest([corpus])
    assert report.removed == ["jihyo-2025-08-fukunaga-keizai-anpo.txt"]
    assert all(h.chunk.source != report.removed[0] for h in assistant.search("GOCO", k=10))


def test_bad_file_in_batch_is_reported_and_the_rest_ingests(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    assistant.ingest([CORPUS])
    before = len(assistant.pipeline.store.stored_chunk_ids())
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = tmp_path / "memo.txt"
    good.write_text("社内メモ\n事前報告の社内手続は法務部が担当する。", encoding="utf-8")
    report = assistant.ingest([bad, empty, good, tmp_path / "missing.md"], prune=False)
    assert report.added == ["memo.txt"]
    messages = " ".join(m for _, m in report.failed)
    assert "broken.pdf" in messages and "empty.txt" in messages and "missing.md" in messages
    assert len(assistant.pipeline.store.stored_chunk_ids()) > before
    assert any(h.chunk.source == "memo.txt" for h in assistant.search("事前報告の社内手続", k=3))


def test_orphaned_chunks_from_an_interrupted_ingest_are_removed(tmp_path: Path) -> None:
    from assistant.chunking import split_into_chunks
    from assistant.ingest import load_document

    assistant = _assistant(tmp_path)
    assistant.ingest([CORPUS])
    doc = load_document(CORPUS / "articles" / "jihyo-2025-08-fukunaga-keizai-anpo.txt")
    # Written to Chroma but never committed to the manifest, as when an ingest is killed.
    orphan = [replace(c, chunk_id=f"orphan-{i}") for i, c in enumerate(split_into_chunks(doc)[:2])]
    assistant.pipeline.store.add_chunks(
        orphan, assistant.embedder.embed_passages([c.text for c in orphan])
    )
    assert all(
        h.chunk.chunk_id not in {c.chunk_id for c in orphan} for h in assistant.search("GOCO")
    )
    assistant.ingest([CORPUS])
    assert not {c.chunk_id for c in orphan} & assistant.pipeline.store.stored_chunk_ids()


def test_ingest_stores_the_sentence_vectors_so_no_start_embeds_them(tmp_path: Path) -> None:
    """The reranker scores the sentences of every candidate; left to question time, that
    would be hundreds of sentences for the first questions after an upload, and left to the
    first start, hours at a ministry library's size. The ingest that adds a chunk stores its
    sentences' vectors (the ``ingest`` command as well as an upload in a serving process), and
    a later start embeds nothing: not at warm-up, not for a question."""
    from assistant.sentences import indexed_sentences

    class Counting(HashingEmbedder):
        """The hashing fake, counting the passages it embeds."""

        passages = 0

        def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
            Counting.passages += len(texts)
            return super().embed_passages(texts)

    for name, warm_first in (("command", False), ("serving", True)):
        settings = make_settings(tmp_path / name)
        writer = Assistant(settings, HashingEmbedder())
        if warm_first:
            writer.warm_up()  # nothing indexed yet: a serving process, then an upload
        assert writer.ingest([CORPUS]).ok
        chunks = list(writer.pipeline.reader.snapshot.chunks.values())
        texts = [s for c in chunks for s in indexed_sentences(c)]
        assert writer.pipeline.scorer.vectors.stored(texts).all()

        Counting.passages = 0
        restarted = Assistant(settings, Counting())
        restarted.warm_up()
        assert restarted.search("認定を受けた計画を変更したいときの手続は？")
        restarted.ask("認定を受けた計画を変更したいときの手続は？")
        assert Counting.passages == 0, name


def test_warm_up_completes_an_index_whose_sentences_were_not_stored(tmp_path: Path) -> None:
    """An index written by an earlier version (or one whose sentence folder was lost) gets the
    missing vectors once, at the next warm-up, and only those."""
    from assistant.pipeline import SENTENCES_FOLDER

    settings = make_settings(tmp_path)
    assert Assistant(settings, HashingEmbedder()).ingest([CORPUS]).ok
    shutil.rmtree(settings.index_dir / SENTENCES_FOLDER)
    restarted = Assistant(settings, HashingEmbedder())
    chunks = list(restarted.pipeline.reader.snapshot.chunks.values())
    assert restarted.pipeline.sentences.fill(chunks) == len(chunks)
    assert restarted.pipeline.sentences.fill(chunks) == 0  # covered now


def test_catalog_visibility_tags_every_chunk_and_a_change_retags_them(tmp_path: Path) -> None:
    from assistant.access.visibility import visibility_scope
    from tests.restricted import FIRM, STAFF

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.md").write_text("# 内部メモ\n\n蒼穹計画の進め方を記す。\n", encoding="utf-8")
    catalog = corpus / "catalog.yaml"
    catalog.write_text(
        "documents:\n  - {file: memo.md, title: 内部メモ, kind: guidance, visibility: staff}\n",
        encoding="utf-8",
    )
    assistant = Assistant(make_settings(tmp_path, corpus_dir=corpus), HashingEmbedder())
    assistant.ingest([corpus])
    [entry] = assistant.all_documents()
    chunks = assistant.pipeline.store.get_chunks(entry.chunk_ids)
    assert entry.visibility == "staff" and {c.visibility for c in chunks} == {"staff"}
    assert assistant.documents(FIRM) == [] and assistant.documents(STAFF) == [entry]

    catalog.write_text(catalog.read_text(encoding="utf-8").replace("staff", "public"), "utf-8")
    reopened = Assistant(make_settings(tmp_path, corpus_dir=corpus), HashingEmbedder())
    report = reopened.ingest([corpus])
    assert report.updated == ["memo.md"]  # same text, new audience: re-indexed, not skipped
    [public] = reopened.documents(FIRM)
    assert public.chunk_ids != entry.chunk_ids
    stored = reopened.pipeline.store.get_chunks(public.chunk_ids)
    assert {c.visibility for c in stored} == {"public"}
    assert reopened.search("蒼穹計画", principal=FIRM, mode="keyword")
    assert visibility_scope(FIRM).admits(stored[0].visibility)


_BIG_MARK = "大規模文書の本文"


class _HeldEmbedder(HashingEmbedder):
    """Holds the second slice of a large file's passages until released: a long upload."""

    def __init__(self) -> None:
        super().__init__()
        self.slices = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        if any(_BIG_MARK in t for t in texts):
            self.slices += 1
            if self.slices == 2:
                self.holding.set()
                assert self.release.wait(60)
        return super().embed_passages(texts)


def test_a_long_ingest_holds_up_no_other_upload_or_delete_and_loses_no_chunk(
    tmp_path: Path,
) -> None:
    """Only commits are serialized: while a large file is being embedded (minutes for a
    30 MB upload) another file is indexed and another document deleted at once, and their
    orphan clean-up spares the chunks the large file has written but not committed yet."""
    embedder = _HeldEmbedder()
    assistant = Assistant(make_settings(tmp_path), embedder)
    assistant.ingest([CORPUS])
    big = tmp_path / "big.md"
    paragraphs = (f"{_BIG_MARK}その{i}。" + "輸出の手続を説明する。" * 40 for i in range(320))
    big.write_text("# 大規模文書\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    small = tmp_path / "memo.txt"
    small.write_text("社内メモ\n事前報告の社内手続は法務部が担当する。", encoding="utf-8")
    article = "jihyo-2025-08-fukunaga-keizai-anpo.txt"
    reports: list[IngestReport] = []
    worker = threading.Thread(target=lambda: reports.append(assistant.ingest([big], prune=False)))
    worker.start()
    try:
        assert embedder.holding.wait(60), "the large file never reached its second slice"
        with ThreadPoolExecutor(1) as pool:
            others = pool.submit(
                lambda: (
                    assistant.ingest([small], prune=False),
                    assistant.remove_document(article),
                )
            )
            small_report, removed = others.result(timeout=30)
    finally:
        embedder.release.set()
        worker.join(60)
    assert small_report.added == ["memo.txt"] and removed
    assert reports and reports[0].added == ["big.md"]
    entries = {e.source: e for e in assistant.documents()}
    assert article not in entries and "memo.txt" in entries
    stored = assistant.pipeline.store.stored_chunk_ids()
    assert set(entries["big.md"].chunk_ids) <= stored  # its first slice survived the clean-up
    assert any(h.chunk.source == "big.md" for h in assistant.search(f"{_BIG_MARK}その1", k=5))
