"""Visibility inside retrieval: the snapshot's filter and the vector store's, before ranking."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.access.visibility import public_scope, visibility_scope
from assistant.index.keyword import JapaneseTokenizer
from assistant.index.memory import InMemoryStore
from assistant.index.snapshot import Snapshot
from assistant.index.token_store import TokenStore
from assistant.retrieve import Retriever
from assistant.types import ManifestEntry, SearchFilter
from tests.fakes import EMBEDDER, chunk, memory_snapshot, query
from tests.restricted import FIRM, MEMBER, STAFF

SECRET = "蒼穹計画は翠嵐鉱の備蓄を倍増させる計画である。"


def _index(tmp_path: Path) -> tuple[InMemoryStore, Snapshot]:
    public = [chunk(f"p{i}", f"特定重要物資の安定供給 その{i}", source="law.md") for i in range(6)]
    staff = replace(chunk("s", SECRET, source="note.md", position=0), visibility="staff")
    group = replace(chunk("g", SECRET + "協議会", source="council.md"), visibility="group:council")
    store, snapshot = memory_snapshot([*public, staff, group], tmp_path)
    for source, tag in (("note.md", "staff"), ("council.md", "group:council")):
        entry = snapshot.manifest[source]
        store.commit(replace(entry, visibility=tag))
    return store, Snapshot.load(store, snapshot_tokens(tmp_path))


TOKENIZER = JapaneseTokenizer()


def snapshot_tokens(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "keyword", TOKENIZER)


def _sources(
    store: InMemoryStore, snapshot: Snapshot, scope_filter: SearchFilter, mode: str
) -> set[str]:
    words = tuple(TOKENIZER.tokenize(SECRET))
    q = query(SECRET, mode=mode, search_filter=scope_filter, words=words)
    return {h.chunk.source for h in Retriever(store, candidate_k=5).candidates(q, snapshot)}


def test_a_firm_gets_nothing_of_restricted_chunks_in_any_mode(tmp_path: Path) -> None:
    store, snapshot = _index(tmp_path)
    firm = SearchFilter(scope=visibility_scope(FIRM))
    for mode in ("hybrid", "dense", "keyword"):
        assert _sources(store, snapshot, firm, mode) <= {"law.md"}, mode


def test_staff_and_group_members_see_their_documents(tmp_path: Path) -> None:
    store, snapshot = _index(tmp_path)
    staff = _sources(store, snapshot, SearchFilter(scope=visibility_scope(STAFF)), "keyword")
    member = _sources(store, snapshot, SearchFilter(scope=visibility_scope(MEMBER)), "keyword")
    assert "note.md" in staff and "council.md" not in staff
    assert "council.md" in member and "note.md" not in member


def test_the_default_filter_sees_public_documents_only(tmp_path: Path) -> None:
    store, snapshot = _index(tmp_path)
    assert SearchFilter().scope == public_scope()
    for mode in ("hybrid", "dense", "keyword"):
        assert _sources(store, snapshot, SearchFilter(), mode) <= {"law.md"}


def test_the_store_filters_inside_the_nearest_neighbour_search(tmp_path: Path) -> None:
    store, _ = _index(tmp_path)
    vector = EMBEDDER.embed_query(SECRET)
    found = store.query(vector, 3, visibility=("public",))
    # k results, all readable: restricted chunks did not take the top places and get dropped.
    assert len(found) == 3 and all(c.visibility == "public" for c, _ in found)
    assert store.query(vector, 1)[0][0].chunk_id in {"s", "g"}  # nearest without the filter


def test_a_chunk_and_its_file_must_both_be_readable(tmp_path: Path) -> None:
    _store, snapshot = _index(tmp_path)
    secret = snapshot.chunks["s"]
    relabelled = replace(secret, visibility="public")  # a stale tag on a restricted file
    firm = SearchFilter(scope=visibility_scope(FIRM))
    assert not snapshot.allows(relabelled, firm)
    assert snapshot.allows(secret, SearchFilter(scope=visibility_scope(STAFF)))
    assert snapshot.documents(visibility_scope(FIRM)) == [snapshot.manifest["law.md"]]
    assert snapshot.section_of(secret, visibility_scope(FIRM)) == []
    untagged = ManifestEntry("old.md", "sha", (), "old", secret.kind, visibility="")
    assert not visibility_scope(STAFF).admits(untagged.visibility)


def _filters_used(store: InMemoryStore, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record the visibility filter each of the store's nearest-neighbour queries gets."""
    filters: list[object] = []
    original = store.query

    def query(embedding, k, kinds=(), sources=(), visibility=None):  # type: ignore[no-untyped-def]
        filters.append(visibility)
        return original(embedding, k, kinds, sources, visibility)

    monkeypatch.setattr(store, "query", query)
    return filters


def test_the_store_filters_only_when_a_search_without_it_finds_too_few_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    firm = SearchFilter(scope=visibility_scope(FIRM))
    # Six public chunks, two restricted: twice candidate_k neighbours without the clause
    # hold five readable ones, the filtered search's answer, so it is not run.
    mixed, mixed_snapshot = _index(tmp_path)
    filters = _filters_used(mixed, monkeypatch)
    assert _sources(mixed, mixed_snapshot, firm, "dense") <= {"law.md"}
    assert filters == [None]
    # A library mostly closed to the asker: too few readable among them, so it is.
    closed = [
        replace(chunk(f"s{i}", SECRET + f"その{i}", source=f"note{i}.md"), visibility="staff")
        for i in range(12)
    ]
    opened = [chunk("p", "特定重要物資の安定供給", source="law.md")]
    store, snapshot = memory_snapshot([*closed, *opened], tmp_path / "closed")
    for i in range(12):
        store.commit(replace(snapshot.manifest[f"note{i}.md"], visibility="staff"))
    snapshot = Snapshot.load(store, snapshot_tokens(tmp_path / "closed"))
    filters = _filters_used(store, monkeypatch)
    assert _sources(store, snapshot, firm, "dense") == {"law.md"}
    assert filters == [None, ("public",)]
    # Nothing restricted committed: nothing to filter, one search.
    public = [chunk(f"p{i}", f"特定重要物資の安定供給 その{i}", source="law.md") for i in range(4)]
    store, snapshot = memory_snapshot(public, tmp_path / "public")
    filters = _filters_used(store, monkeypatch)
    assert _sources(store, snapshot, firm, "dense") == {"law.md"}
    assert filters == [None]
    assert snapshot.admits_all(firm.scope) and not mixed_snapshot.admits_all(firm.scope)
