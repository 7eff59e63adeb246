import bm25s
import numpy as np

from assistant.index.keyword import (
    BM25Parameters,
    JapaneseTokenizer,
    KeywordIndex,
    TermRows,
    Vocabulary,
    character_bigrams,
)

TOKENIZER = JapaneseTokenizer()
TEXTS = [
    "肥料の安定供給を確保する。肥料は重要である。",
    "技術の移転について報告を求める。",
    "半導体の生産基盤を整備する。",
    "",
    "特定重要技術の移転を行う者は、あらかじめ財務大臣及び事業所管大臣に届け出なければならない。",
    "GOCO and prior reporting of technology transfer",
]


def test_tokenizer_drops_particles_and_keeps_content_words() -> None:
    tokens = TOKENIZER.tokenize("施設委託管理者は事業年度終了後いつまでに何を提出しますか？")
    assert "提出" in tokens and "施設" in tokens
    assert "は" not in tokens and "を" not in tokens and "？" not in tokens


def test_tokenizer_keeps_english_words_and_folds_width() -> None:
    assert TOKENIZER.tokenize("ＧＯＣＯとは") == TOKENIZER.tokenize("GOCOとは")
    assert "reporting" in TOKENIZER.tokenize("prior reporting of technology")


def test_tokenizer_handles_text_longer_than_sudachi_limit() -> None:
    assert len(TOKENIZER.tokenize("特定重要物資の安定供給。" * 6000)) > 10000


def test_bm25_ranks_the_matching_chunk_first() -> None:
    texts = TEXTS[:3]
    index = KeywordIndex.from_tokens(["a", "b", "c"], [TOKENIZER.tokenize(t) for t in texts])
    scores = index.scores(TOKENIZER.tokenize("技術移転の報告"))
    assert int(scores.argmax()) == 1
    assert index.idf("未知の語") > index.idf("技術")
    assert index.knows("技術") and not index.knows("compensation")
    assert not index.scores(TOKENIZER.tokenize("東京都の最低賃金")).any()
    assert index.tokens_of("b") == set(TOKENIZER.tokenize(texts[1]))
    assert index.tokens_of("unknown") == set()


def test_scores_equal_the_bm25s_library_the_index_used_before() -> None:
    """The array BM25 reproduces bm25s' default scores (repeated query words count twice,
    an empty document is one token long), so replacing it moved no ranking."""
    parameters = BM25Parameters(k1=0.9, b=0.4)
    for view in (TOKENIZER.tokenize, character_bigrams):
        documents = [view(t) for t in TEXTS]
        ids = [str(i) for i in range(len(TEXTS))]
        ours = KeywordIndex.from_tokens(ids, documents, None, parameters)
        reference = bm25s.BM25(k1=parameters.k1, b=parameters.b)
        reference.index([d or [""] for d in documents], show_progress=False)
        for query in ("技術の移転の移転", "肥料 供給", "technology GOCO", "重要技術の届出"):
            terms = view(query)
            known = [t for t in terms if t in reference.vocab_dict]
            expected = reference.get_scores(known) if known else np.zeros(len(TEXTS))
            np.testing.assert_allclose(ours.scores(terms), expected, rtol=1e-5, atol=1e-7)


def test_term_rows_take_and_concat_keep_rows_whole() -> None:
    vocabulary = Vocabulary()
    first = TermRows.of([["a", "b", "a"], []], vocabulary)
    second = TermRows.of([["c"], ["b", "b", "d"]], vocabulary)
    both = TermRows.concat([first, second])
    picked = both.take(np.array([3, 0, 1]))
    terms = vocabulary.terms()
    rows = [
        dict(
            zip(
                [terms[i] for i in picked.row(r)],
                picked.counts[picked.indptr[r] : picked.indptr[r + 1]].tolist(),
                strict=True,
            )
        )
        for r in range(len(picked))
    ]
    assert rows == [{"b": 2, "d": 1}, {"a": 2, "b": 1}, {}]
    assert picked.lengths.tolist() == [3, 3, 0]


def test_postings_built_in_blocks_equal_one_block_bit_for_bit(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The BM25 arrays are sorted into place a block of documents at a time (to keep the
    serving process's peak low); blocks of a few postings give the same arrays as one."""
    import assistant.index.keyword as keyword

    documents = [character_bigrams(t) for t in TEXTS * 7]
    ids = [str(i) for i in range(len(documents))]
    whole = KeywordIndex.from_tokens(ids, documents)._bm25
    monkeypatch.setattr(keyword, "_BLOCK", 5)
    blocked = KeywordIndex.from_tokens(ids, documents)._bm25
    for name in ("docs", "data", "indptr", "df"):
        np.testing.assert_array_equal(getattr(blocked, name), getattr(whole, name))
    # Each term's documents ascend, as scores() and the snapshot's order expect.
    for term in range(len(whole.df)):
        start, end = whole.indptr[term], whole.indptr[term + 1]
        assert np.all(np.diff(blocked.docs[start:end]) > 0)


def test_a_questions_noun_compounds_are_found_with_their_keyword_tokens() -> None:
    _tokens, _names, compounds, _countries = TOKENIZER.analyse_fully(
        "登記識別情報は、令和5年に3回申請した特定重要物資の件でどう管理しますか？"
    )
    assert [(c.text, c.tokens) for c in compounds] == [
        ("登記識別情報", ("登記", "識別", "情報")),
        # an adjectival noun inside a compound belongs to it
        ("特定重要物資", ("特定", "重要", "物資")),
    ]
    # a counter after a number (3回, 5年) starts no compound, a lone noun is none
    assert TOKENIZER.analyse_fully("重要な物資を3回申請")[2] == []
    # the tokens and names are those of analyse()
    assert TOKENIZER.analyse_fully("GOCOの施設")[:2] == TOKENIZER.analyse("GOCOの施設")
