from pathlib import Path

import pytest

from assistant.index import token_store
from assistant.index.keyword import JapaneseTokenizer
from assistant.index.token_store import TokenStore

TOKENIZER = JapaneseTokenizer()


class CountingTokenizer(JapaneseTokenizer):
    """The real tokenizer, counting the texts it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def tokenize(self, text: str) -> list[str]:
        self.texts.append(text)
        return super().tokenize(text)


def segments(folder: Path) -> list[Path]:
    return sorted(folder.glob("terms-*.npz"))


def test_terms_are_stored_once_and_read_back_by_a_new_process(tmp_path: Path) -> None:
    store = TokenStore(tmp_path, TOKENIZER)
    first = store.build_index([("a", "肥料の供給"), ("b", "技術の移転")])
    tokenizer = CountingTokenizer()
    reloaded = TokenStore(tmp_path, tokenizer)
    index = reloaded.build_index([("b", "ignored: stored terms are used"), ("a", "ignored")])
    assert tokenizer.texts == []
    assert index.chunk_ids == ("b", "a")
    assert index.tokens_of("b") == first.tokens_of("b") == {"技術", "移転"}
    assert index.scores(["移転"]).tolist()[0] > 0 and index.scores(["移転"]).tolist()[1] == 0
    assert index.bigram_scores("移転")[0] > 0


def test_only_new_chunks_are_tokenized_into_a_new_segment(tmp_path: Path) -> None:
    tokenizer = CountingTokenizer()
    store = TokenStore(tmp_path, tokenizer)
    store.build_index([("a", "肥料の供給")])
    store.build_index([("a", "肥料の供給"), ("b", "技術の移転")])
    store.build_index([("a", "肥料の供給"), ("b", "技術の移転")])
    assert tokenizer.texts == ["肥料の供給", "技術の移転"]
    assert len(segments(tmp_path)) == 2


def test_removed_chunks_are_compacted_away(tmp_path: Path) -> None:
    store = TokenStore(tmp_path, TOKENIZER)
    store.build_index([(c, f"{c}の技術の移転") for c in "abcd"])
    store.build_index([("e", "肥料の供給")])  # a, b, c, d stale: more stale rows than live
    assert len(segments(tmp_path)) == 1
    index = TokenStore(tmp_path, TOKENIZER).build_index([("e", "")])
    assert index.knows("肥料") and not index.knows("移転")


def test_many_segments_are_merged_into_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(token_store, "MAX_SEGMENTS", 3)
    store = TokenStore(tmp_path, TOKENIZER)
    live: list[tuple[str, str]] = []
    for n, text in enumerate(["肥料", "技術", "半導体", "蓄電池", "船舶"]):
        live.append((str(n), f"{text}の供給"))
        index = store.build_index(live)
    assert len(segments(tmp_path)) <= 3
    assert index.knows("船舶") and index.knows("肥料")
    reread = TokenStore(tmp_path, TOKENIZER).build_index(live)
    assert [reread.tokens_of(cid) for cid, _ in live] == [index.tokens_of(cid) for cid, _ in live]


def test_tokens_of_an_index_written_before_segments_are_reused(tmp_path: Path) -> None:
    (tmp_path / "tokens.json").write_text('{"a": ["肥料", "供給"]}', encoding="utf-8")
    tokenizer = CountingTokenizer()
    index = TokenStore(tmp_path, tokenizer).build_index([("a", "肥料の供給"), ("b", "技術の移転")])
    assert tokenizer.texts == ["技術の移転"]
    assert index.knows("肥料") and index.bigram_scores("肥料")[0] > 0
    assert not (tmp_path / "tokens.json").exists() and len(segments(tmp_path)) == 1


def test_an_empty_index_builds(tmp_path: Path) -> None:
    index = TokenStore(tmp_path, TOKENIZER).build_index([])
    assert index.chunk_ids == () and not index.scores(["技術"]).any()
    assert not index.bigram_scores("技術").any()


TEXTS = [
    ("a", "肥料の安定供給を確保する。"),
    ("b", "技術の移転について報告を求める。"),
    ("c", "半導体の生産基盤を整備する。"),
    ("d", "特定重要技術の移転を行う者は、あらかじめ届け出なければならない。"),
]
QUERIES = [["移転", "報告"], ["肥料"], ["技術", "技術", "届け出る"]]


def caches(folder: Path) -> list[Path]:
    return sorted(folder.glob("bm25-*"))


def _same(one, other) -> None:  # type: ignore[no-untyped-def]
    """Two indexes score and list tokens alike."""
    import numpy as np

    assert one.chunk_ids == other.chunk_ids
    for words in QUERIES:
        np.testing.assert_array_equal(one.scores(words), other.scores(words))
        np.testing.assert_array_equal(
            one.bigram_scores("".join(words)), other.bigram_scores("".join(words))
        )
    for cid in one.chunk_ids:
        assert one.tokens_of(cid) == other.tokens_of(cid)


def test_a_build_is_cached_and_a_new_process_maps_it_without_reading_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = TokenStore(tmp_path, TOKENIZER).build_index(TEXTS)
    assert len(caches(tmp_path)) == 1
    fresh = TokenStore(tmp_path, TOKENIZER)

    def unread() -> list[object]:
        raise AssertionError("the rows were read: the cache was not used")

    monkeypatch.setattr(fresh, "_read_segments", unread)
    mapped = fresh.build_index(TEXTS)
    _same(mapped, built)
    assert type(mapped.arrays()["bigrams_data"]).__name__ == "memmap"
    # The builder itself serves from the mapped arrays, not from its build.
    assert type(built.arrays()["words_docs"]).__name__ == "memmap"


def test_other_chunks_build_again_and_replace_the_cache(tmp_path: Path) -> None:
    TokenStore(tmp_path, TOKENIZER).build_index(TEXTS)
    first = caches(tmp_path)
    fewer = TokenStore(tmp_path, TOKENIZER).build_index(TEXTS[1:])
    assert caches(tmp_path) != first and len(caches(tmp_path)) == 1
    scratch = TokenStore(tmp_path / "scratch", TOKENIZER).build_index(TEXTS[1:])
    _same(fewer, scratch)


def test_a_damaged_cache_or_other_term_ids_build_again(tmp_path: Path) -> None:
    TokenStore(tmp_path, TOKENIZER).build_index(TEXTS)
    (cache,) = caches(tmp_path)
    data = cache / "words_data.npy"
    data.write_bytes(data.read_bytes()[:-8])  # truncated
    scratch = TokenStore(tmp_path / "scratch", TOKENIZER).build_index(TEXTS)
    rebuilt = TokenStore(tmp_path, TOKENIZER).build_index(TEXTS)
    _same(rebuilt, scratch)
    assert type(rebuilt.arrays()["words_data"]).__name__ == "memmap"  # rewritten whole
    # A process that gave term ids of its own does not read the cache's ids as its own.
    other = TokenStore(tmp_path, TOKENIZER)
    other.words.add(["先に読んだ語"])
    index = other.build_index(TEXTS)
    assert index.knows("移転") and not index.knows("先に読んだ語")
    _same(index, scratch)
