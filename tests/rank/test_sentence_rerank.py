"""The sentence reranker and the sentence vectors it reads: best-sentence scoring, head-only
re-ordering, the vector cache."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.embedding import HashingEmbedder
from assistant.index.keyword import JapaneseTokenizer
from assistant.index.sentence_store import SentenceStore, keys_of
from assistant.rank.sentence_rerank import SentenceReranker
from assistant.sentences import (
    SentenceScorer,
    SentenceVectors,
    chunk_sentences,
    header_and_sentences,
    in_context,
    indexed_sentences,
)
from assistant.types import Chunk, DocumentKind, Hit


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting how many passages it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(dimensions=512)
        self.embedded: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return super().embed_passages(texts)


def _reranker(
    vectors: SentenceVectors,
    depth: int = 15,
    weight: float = 0.2,
    pool_weight: float = 1.0,
    lexical_weight: float = 0.1,
    tokenize=None,  # type: ignore[no-untyped-def]
) -> SentenceReranker:
    """A reranker over a scorer with these weights (the pipeline builds it from settings)."""
    return SentenceReranker(
        SentenceScorer(vectors, lexical_weight, tokenize), depth, weight, pool_weight
    )


def _hit(cid: str, text: str, score: float) -> Hit:
    chunk = Chunk(cid, "law.md", "法", DocumentKind.LAW, text, text, 0, article="第一条")
    return Hit(chunk, score)


def test_chunk_sentences_drop_fragments_but_never_return_nothing() -> None:
    chunk = _hit("a", "削除\n報告書を遅滞なく提出しなければならない。", 0.0).chunk
    assert chunk_sentences(chunk) == ["報告書を遅滞なく提出しなければならない。"]
    assert chunk_sentences(_hit("b", "削除", 0.0).chunk) == ["削除"]


def _headed(cid: str, header: str, text: str, score: float) -> Hit:
    """A hit whose search text is the chunker's: the header line, then the text."""
    chunk = Chunk(cid, f"{cid}.md", header, DocumentKind.OTHER, text, f"{header}\n{text}", 0)
    return Hit(chunk, score)


def test_a_chunk_splits_into_its_header_and_its_texts_sentences() -> None:
    text = "首都のヴィエンチャン市を含む。人口は約七百万人である。"
    chunk = _headed("a", "ラオス人民民主共和国", text, 0.0).chunk
    header, sentences = header_and_sentences(chunk)
    assert header == "ラオス人民民主共和国"
    assert sentences == ["首都のヴィエンチャン市を含む。", "人口は約七百万人である。"]
    framed = in_context(header, sentences)
    assert framed == [f"ラオス人民民主共和国 {s}" for s in sentences]
    # what warm-up embeds: the sentences alone (the header line is one) and in context
    assert indexed_sentences(chunk) == ["ラオス人民民主共和国", *sentences, *framed]
    bare = _hit("b", "報告書を遅滞なく提出しなければならない。", 0.0).chunk  # no header line
    assert header_and_sentences(bare) == ("", ["報告書を遅滞なく提出しなければならない。"])
    assert in_context("", ["報告書を提出する。"]) == ["報告書を提出する。"]


def test_a_sentence_is_read_with_its_header_when_that_is_closer_to_the_question() -> None:
    """Neither sentence names the country; only the header says which one each is about."""
    embedder = CountingEmbedder()
    reranker = _reranker(SentenceVectors(embedder), depth=0, weight=0.0, pool_weight=1.0)
    hits = [
        _headed("thai", "タイ王国", "首都は人口の多い大都市である。", 1.0),
        _headed("laos", "ラオス人民民主共和国", "首都は人口の多い大都市である。", 0.9),
    ]
    vector = np.asarray(embedder.embed_query("ラオス人民民主共和国の首都"))
    best = reranker.scorer.best_sentence_scores(vector, hits)
    assert best[1] > best[0]
    assert reranker.rerank(hits, vector)[0].chunk.chunk_id == "laos"
    assert "ラオス人民民主共和国 首都は人口の多い大都市である。" in embedder.embedded


def test_the_share_of_the_questions_words_in_a_sentence_adds_to_its_score() -> None:
    """The same similarity, but one sentence holds the question's rare word (weighted by idf)
    and the other only its common one: the lexical part decides, and only when it is on."""
    tokenizer = JapaneseTokenizer()
    embedder = CountingEmbedder()
    hits = [
        _hit("a", "届出は事業所管大臣に対して行う。", 1.0),
        _hit("b", "技術の提供は経済産業大臣に届け出る。", 1.0),
    ]
    vector = np.zeros(512)  # no similarity at all: only words count
    terms = {t: (3.0 if t == "技術" else 0.5) for t in tokenizer.tokenize("技術の届出")}
    assert "技術" in terms
    lexical = _reranker(
        SentenceVectors(embedder), 0, 0.0, 1.0, lexical_weight=0.5, tokenize=tokenizer.tokenize
    )
    scores = lexical.scorer.best_sentence_scores(vector, hits, terms)
    assert scores[1] > scores[0] > 0
    assert lexical.rerank(hits, vector, terms)[0].chunk.chunk_id == "b"
    # no tokenizer, no weight or no terms: similarity alone
    for plain, given in (
        (_reranker(SentenceVectors(embedder), 0, 0.0, 1.0, lexical_weight=0.5), terms),
        (_reranker(SentenceVectors(embedder), 0, 0.0, 1.0, 0.0, tokenizer.tokenize), terms),
        (lexical, {}),
    ):
        assert not plain.scorer.best_sentence_scores(vector, hits, given).any()


def test_the_passage_whose_best_sentence_matches_rises_and_the_tail_keeps_its_order() -> None:
    embedder = CountingEmbedder()
    reranker = _reranker(SentenceVectors(embedder), depth=3, weight=2.0, pool_weight=0.0)
    question = "報告書の提出期限"
    hits = [
        _hit("a", "主務大臣は必要な措置を講ずる。国は予算の範囲内で補助する。", 1.0),
        _hit("b", "この法律は公布の日から施行する。", 0.9),
        _hit("c", "無関係な規定である。報告書の提出期限は翌月末日とする。", 0.8),
        _hit("d", "報告書の提出期限", 0.1),  # below the depth: stays last whatever it says
    ]
    vector = np.asarray(embedder.embed_query(question))
    ranked = reranker.rerank(hits, vector)
    assert ranked[0].chunk.chunk_id == "c"
    assert ranked[-1].chunk.chunk_id == "d"
    assert sorted(h.chunk.chunk_id for h in ranked) == ["a", "b", "c", "d"]
    # without the pool term only the head's sentences are read: "d" is below it
    assert "報告書の提出期限" not in embedder.embedded


def test_the_pool_weight_lifts_a_passage_from_below_the_head() -> None:
    """A long list ranks low as a whole although one of its items answers; the pool term
    standardizes the best sentence over every candidate, so it can climb past the head."""
    embedder = CountingEmbedder()
    question = "報告書の提出期限"
    hits = [
        _hit("a", "主務大臣は必要な措置を講ずる。国は予算の範囲内で補助する。", 1.0),
        _hit("b", "この法律は公布の日から施行する。", 0.9),
        _hit("c", "基本方針を定める。指針を公表する。", 0.8),
        _hit("d", "無関係な規定である。報告書の提出期限は翌月末日とする。", 0.1),
    ]
    vector = np.asarray(embedder.embed_query(question))
    head_only = _reranker(SentenceVectors(embedder), depth=2, weight=2.0, pool_weight=0.0)
    assert head_only.rerank(hits, vector)[-1].chunk.chunk_id == "d"
    pooled = _reranker(SentenceVectors(embedder), depth=2, weight=0.0, pool_weight=2.0)
    ranked = pooled.rerank(hits, vector)
    assert ranked[0].chunk.chunk_id == "d"
    assert [h.score for h in ranked] == sorted((h.score for h in ranked), reverse=True)
    # the new scores are the old ones plus the pool term; what moved is what matched
    assert ranked[0].score > 0.1


def test_zero_weight_or_depth_leaves_the_ranking_alone() -> None:
    embedder = CountingEmbedder()
    hits = [_hit("a", "一つ目の文。", 1.0), _hit("b", "二つ目の文。", 0.5)]
    vector = np.asarray(embedder.embed_query("二つ目"))
    for reranker in (
        _reranker(SentenceVectors(embedder), depth=0, weight=1.0, pool_weight=0.0),
        _reranker(SentenceVectors(embedder), depth=10, weight=0.0, pool_weight=0.0),
    ):
        assert not reranker.enabled
        assert reranker.rerank(hits, vector) == hits
    assert embedder.embedded == []


def test_each_sentence_is_embedded_once_and_normalized_text_shares_the_entry() -> None:
    embedder = CountingEmbedder()
    vectors = SentenceVectors(embedder)
    first = vectors.of(["報告書を提出する。", "期限は三月以内とする。"])
    again = vectors.of(["期限は三月以内とする。", "報告書を提出する。"])
    assert embedder.embedded == ["報告書を提出する。", "期限は三月以内とする。"]
    assert np.allclose(first[0], again[1]) and np.allclose(first[1], again[0])
    vectors.of(["ＡＢＣ条約の報告。"])  # full-width letters: cached under the NFKC form
    vectors.of(["ABC条約の報告。"])
    assert embedder.embedded[-1] == "ABC条約の報告。" and len(embedder.embedded) == 3


def test_the_cache_forgets_the_least_recently_used_sentence_past_its_capacity() -> None:
    embedder = CountingEmbedder()
    vectors = SentenceVectors(embedder, capacity=2)
    vectors.of(["一つ目の文。", "二つ目の文。"])
    vectors.of(["一つ目の文。"])  # now the most recently used
    vectors.of(["三つ目の文。"])  # evicts 二つ目
    assert len(vectors) == 2
    vectors.of(["一つ目の文。"])
    vectors.of(["二つ目の文。"])
    assert embedder.embedded.count("一つ目の文。") == 1
    assert embedder.embedded.count("二つ目の文。") == 2


def test_similarities_are_cosines_of_unit_vectors() -> None:
    embedder = CountingEmbedder()
    vectors = SentenceVectors(embedder)
    query = np.asarray(embedder.embed_passages(["報告書を提出する。"])[0])
    sims = vectors.similarities(query, ["報告書を提出する。", "全く別の内容です。"])
    assert sims[0] == np.float64(sims.max()) and abs(sims[0] - 1.0) < 1e-5
    assert vectors.similarities(query, []).shape == (0,)


def test_stored_vectors_are_read_back_instead_of_embedded_again(tmp_path: Path) -> None:
    store = SentenceStore(tmp_path / "sentences", CountingEmbedder().name)
    texts = ["報告書を提出する。", "期限は三月以内とする。"]
    original = np.asarray(CountingEmbedder().embed_passages(texts), dtype=np.float32)
    store.add(keys_of(texts), original, ["chunk-1"])
    embedder = CountingEmbedder()
    again = SentenceVectors(embedder, store=SentenceStore(store.folder, embedder.name))
    assert len(again) == 2 and again.stored(["期限は三月以内とする。", "別の文。"]).tolist() == [
        True,
        False,
    ]
    # Stored as float32: read back exactly.
    assert np.allclose(again.of(["報告書を提出する。"])[0], original[0], atol=1e-6)
    assert embedder.embedded == []
    again.of(["別の文書の文。"])  # not indexed: embedded now
    assert embedder.embedded == ["別の文書の文。"]


def test_an_old_single_file_of_vectors_is_taken_over_once(tmp_path: Path) -> None:
    """Indexes built before the store kept their vectors in one .npz: an upgrade reads it
    instead of embedding every sentence again, then removes it."""
    legacy = tmp_path / "sentence-vectors.npz"
    texts = ["報告書を提出する。", "期限は三月以内とする。"]
    rows = np.asarray(CountingEmbedder().embed_passages(texts), dtype=np.float32)
    np.savez(
        legacy,
        model=np.array(CountingEmbedder().name),
        keys=np.frombuffer("\n".join(texts).encode("utf-8"), dtype=np.uint8),
        vectors=rows,
    )
    store = SentenceStore(tmp_path / "sentences", CountingEmbedder().name)
    store.adopt(legacy)
    assert not legacy.exists()
    found, vectors = store.lookup(keys_of(texts))
    assert found.all() and np.allclose(vectors, rows, atol=1e-6)
    legacy.write_bytes(b"not an npz file")  # damaged: ignored and removed, nothing taken
    store.adopt(legacy)
    assert not legacy.exists() and len(store) == 2
