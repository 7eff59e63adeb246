from pathlib import Path

from assistant.index.keyword import JapaneseTokenizer, KeywordIndex, TokenStore


def test_tokenizer_drops_particles_and_keeps_content_words() -> None:
    tokens = JapaneseTokenizer().tokenize(
        "施設委託管理者は事業年度終了後いつまでに何を提出しますか？"
    )
    assert "提出" in tokens and "施設" in tokens
    assert "は" not in tokens and "を" not in tokens and "？" not in tokens


def test_tokenizer_keeps_english_words_and_folds_width() -> None:
    tokenizer = JapaneseTokenizer()
    assert tokenizer.tokenize("ＧＯＣＯとは") == tokenizer.tokenize("GOCOとは")
    assert "reporting" in tokenizer.tokenize("prior reporting of technology")


def test_tokenizer_handles_text_longer_than_sudachi_limit() -> None:
    assert len(JapaneseTokenizer().tokenize("特定重要物資の安定供給。" * 6000)) > 10000


def test_bm25_ranks_the_matching_chunk_first() -> None:
    tokenizer = JapaneseTokenizer()
    texts = [
        "肥料の安定供給を確保する。",
        "技術の移転について報告を求める。",
        "半導体の生産基盤を整備する。",
    ]
    index = KeywordIndex(["a", "b", "c"], [tokenizer.tokenize(t) for t in texts])
    scores = index.scores(tokenizer.tokenize("技術移転の報告"))
    assert int(scores.argmax()) == 1
    assert index.idf("未知の語") > index.idf("技術")
    assert index.knows("技術") and not index.knows("compensation")
    assert not index.scores(tokenizer.tokenize("東京都の最低賃金")).any()


def test_token_store_persists_and_forgets_stale_chunks(tmp_path: Path) -> None:
    tokenizer = JapaneseTokenizer()
    store = TokenStore(tmp_path, tokenizer)
    store.build_index([("a", "肥料の供給"), ("b", "技術の移転")])
    reloaded = TokenStore(tmp_path, tokenizer)
    index = reloaded.build_index([("b", "ignored: cached tokens are used")])
    assert index.chunk_ids == ("b",)
    assert "移転" in index.tokens_of("b")
    assert "a" not in (tmp_path / "tokens.json").read_text(encoding="utf-8")
