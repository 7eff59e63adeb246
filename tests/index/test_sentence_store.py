"""The sentence store: segments written whole, looked up newest first, merged past a count,
another model's or a damaged segment ignored."""

from pathlib import Path

import numpy as np
import pytest

from assistant.index import sentence_store
from assistant.index.sentence_store import SentenceStore, keys_of


def _rows(count: int, seed: int, dimensions: int = 8) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(count, dimensions)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_vectors_are_found_by_text_and_the_newest_segment_wins(tmp_path: Path) -> None:
    store = SentenceStore(tmp_path, "model-a")
    first, second = _rows(3, 1), _rows(2, 2)
    store.add(keys_of(["甲。", "乙。", "丙。"]), first, ["c1"])
    store.add(keys_of(["丙。", "丁。"]), second, ["c2"])
    found, vectors = store.lookup(keys_of(["丁。", "甲。", "無い。", "丙。"]))
    assert found.tolist() == [True, True, False, True]
    assert np.allclose(vectors[[0, 1, 3]], [second[1], first[0], second[0]], atol=1e-6)
    assert not vectors[2].any()
    assert store.missing_chunks(["c1", "c3", "c2"]) == ["c3"]


def test_a_second_process_sees_a_segment_only_after_refreshing(tmp_path: Path) -> None:
    writer, reader = SentenceStore(tmp_path, "m"), SentenceStore(tmp_path, "m")
    writer.add(keys_of(["甲。"]), _rows(1, 3), ["c1"])
    assert not reader.lookup(keys_of(["甲。"]))[0].any()
    assert reader.refresh() == 1 and reader.lookup(keys_of(["甲。"]))[0].all()


def test_files_are_private_and_vectors_are_mapped_not_read(tmp_path: Path) -> None:
    store = SentenceStore(tmp_path, "m")
    store.add(keys_of(["甲。"]), _rows(1, 4), ["c1"])
    assert {oct(p.stat().st_mode & 0o777) for p in tmp_path.glob("*.npy")} == {"0o600"}
    [segment] = store._segments
    assert isinstance(segment.vectors, np.memmap)


def test_segments_merge_like_a_binary_counter_and_keep_every_chunk_they_cover(
    tmp_path: Path,
) -> None:
    """Equal writes leave one segment per set bit of their count (7 = 4 + 2 + 1), each at least
    twice the size of the next newer one, every vector is still found in segments kept in age
    order, and every chunk stays covered (an ingest's chunks are not committed while it stores)."""
    store = SentenceStore(tmp_path, "m")
    rows = _rows(7, 5)
    for index in range(7):
        store.add(
            keys_of([f"文{index}。"]),
            rows[[index]],
            [f"c{index}"],
        )
    sizes = [len(s.keys) + len(s.chunks) for s in store._segments]
    assert sizes == [8, 4, 2] and all(a >= 2 * b for a, b in zip(sizes, sizes[1:], strict=False))
    found, vectors = store.lookup(keys_of([f"文{i}。" for i in range(7)]))
    assert found.all() and np.allclose(vectors, rows, atol=1e-6)
    assert store.missing_chunks([f"c{i}" for i in range(8)]) == ["c7"]
    names = sorted(p.name for p in tmp_path.glob("*.keys.npy"))
    assert [s.name for s in store._segments] == [n[: -len(".keys.npy")] for n in names]


def test_past_the_segment_limit_every_segment_is_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sentence_store, "MAX_SEGMENTS", 2)
    store = SentenceStore(tmp_path, "m")
    for index, size in enumerate((8, 2, 1)):  # sizes that the counter alone would keep apart
        texts = [f"文{index}-{i}。" for i in range(size)]
        store.add(keys_of(texts), _rows(size, index), [f"c{index}"])
    assert store.segment_count == 1 and len(store) == 11


def test_segments_holding_only_covered_chunks_mix_with_the_others(tmp_path: Path) -> None:
    """A warm-up that finds a chunk's sentences all stored records the chunk in a segment with
    no rows; lookups and merges read past it."""
    store = SentenceStore(tmp_path, "m")
    store.add(keys_of([]), np.zeros((0, 0), dtype=np.float32), ["c0"])
    store.add(keys_of(["甲。"]), _rows(1, 10), ["c1"])
    assert store.lookup(keys_of(["甲。", "乙。"]))[0].tolist() == [True, False]
    store.merge()
    assert store.segment_count == 1 and store.missing_chunks(["c0", "c1"]) == []
    assert store.lookup(keys_of(["甲。"]))[0].all()


def test_another_models_segments_are_ignored_and_replaced(tmp_path: Path) -> None:
    SentenceStore(tmp_path, "model-a").add(keys_of(["甲。"]), _rows(1, 6), ["c1"])
    other = SentenceStore(tmp_path, "model-b")
    assert len(other) == 0 and other.missing_chunks(["c1"]) == ["c1"]
    other.add(keys_of(["乙。"]), _rows(1, 7), ["c2"])
    assert len(other) == 1 and len(SentenceStore(tmp_path, "model-a")) == 0


def test_a_damaged_or_vanished_segment_is_skipped(tmp_path: Path) -> None:
    store = SentenceStore(tmp_path, "m")
    store.add(keys_of(["甲。", "丙。", "丁。"]), _rows(3, 8), ["c1"])
    store.add(keys_of(["乙。"]), _rows(1, 9), ["c2"])  # a quarter the size: not merged
    first, second = sorted(tmp_path.glob("*.vectors.npy"))
    first.write_bytes(b"damaged")
    second.unlink()  # merged away by another process between listing and opening
    fresh = SentenceStore(tmp_path, "m")
    assert fresh.segment_count == 0
    assert fresh.missing_chunks(["c1", "c2"]) == ["c1", "c2"]


def test_rows_are_read_from_the_file_exactly_and_survive_a_merge_by_another_process(
    tmp_path: Path,
) -> None:
    store = SentenceStore(tmp_path, "model-a")
    rows = _rows(500, 7, dimensions=384)
    texts = [f"文{i}。" for i in range(500)]
    store.add(keys_of(texts), rows, ["c1"])
    wanted = [417, 3, 250, 499, 0]
    found, vectors = store.lookup(keys_of([texts[i] for i in wanted]))
    assert found.all() and np.array_equal(vectors, rows[wanted])  # bit for bit
    SentenceStore(tmp_path, "model-a").merge()  # nothing to merge: one segment stays
    other = SentenceStore(tmp_path, "model-a")
    other.add(keys_of(["新しい文。"]), _rows(1, 8, dimensions=384), ["c2"])
    other.merge()  # the files this store opened are gone from the folder now
    assert not any(tmp_path.glob(f"{store._segments[0].name}.*"))
    found, vectors = store.lookup(keys_of([texts[417]]))
    assert found.all() and np.array_equal(vectors[0], rows[417])  # the open file still reads


def test_a_merge_copied_in_blocks_keeps_the_newest_vector_of_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sentence_store, "_MERGE_ROWS", 7)  # many blocks, each mixing segments
    store = SentenceStore(tmp_path, "m")
    newest: dict[str, np.ndarray] = {}
    for seed in range(4):
        texts = [f"文{(seed * 13 + i) % 40}。" for i in range(25)]  # keys repeat across segments
        rows = _rows(len(texts), seed)
        store.add(keys_of(texts), rows, [f"c{seed}"])
        newest.update(zip(texts, rows, strict=True))
    store.merge()
    assert store.segment_count == 1
    texts = sorted(newest)
    found, vectors = store.lookup(keys_of(texts))
    assert found.all() and np.array_equal(vectors, np.stack([newest[t] for t in texts]))
    assert store.missing_chunks(["c0", "c1", "c2", "c3"]) == []
