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
