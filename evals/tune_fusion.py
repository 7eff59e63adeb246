"""Study the fusion offline on cached candidate features (issue #16 item 3).

    PYTHONPATH=. .venv/bin/python evals/tune_fusion.py [--cache DIR] [--index-root DIR]

Extracting is the expensive part and is done once per benchmark: every question is asked
through the product's own stages (query builder, retriever, boosts, sentence scorer) against
an index of the benchmark's corpus (kept under ``--index-root`` so a rerun reuses it), and each
candidate's dense, word-BM25 and bigram-BM25 scores, boost, best-sentence score, the
idf-weighted share of the question's words it holds, and its relevance are stored
(``--cache``). Variants are then replayed on those arrays: the fusion's z-score arithmetic,
the boosts as stored, and the sentence reranker's pool and head terms (``replay`` checks that
today's setting replays govfaq-dev's figures exactly).

The protocol is fixed: JSQuAD's articles are split by a hash of their title into development
and test halves; govfaq-dev (100 questions) into five folds by a hash of the question id. A
variant is chosen by hit@1 + MRR@10 of the hybrid on JSQuAD-dev plus the govfaq training folds,
among variants whose hybrid is not below its dense and keyword parts there; it is reported on
the held-out parts (JSQuAD-test; govfaq by 5-fold cross-validation). The domain and users
datasets are a check with the real evaluation afterwards, never an objective here.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.config import load_settings  # noqa: E402
from assistant.evaluation.benchmark import load_benchmark  # noqa: E402
from assistant.evaluation.jsquad import write_paragraphs  # noqa: E402
from assistant.rank import RankContext  # noqa: E402
from assistant.scores import zscores  # noqa: E402
from assistant.types import Chunk  # noqa: E402

SHARED = ROOT.parent / "shared" / "benchmarks"
JSQUAD = SHARED / "jsquad-v1.3-valid.json"
GOVFAQ = SHARED / "govfaq-dev"
FOLDS = 5


@dataclass
class Features:
    """One question's candidate pool: one row per candidate, in the retriever's order."""

    group: str  # JSQuAD: the article's title; govfaq: the question id
    english: bool
    dense: np.ndarray
    words: np.ndarray
    bigrams: np.ndarray
    boost: np.ndarray
    best: np.ndarray  # best-sentence score (the reranker's input)
    coverage: np.ndarray  # idf-weighted share of the question's words the passage holds
    relevant: np.ndarray


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


def _coverage(keyword: object, words: Sequence[str], ids: Sequence[str]) -> np.ndarray:
    weights = {t: max(keyword.idf(t), 0.0) for t in words}  # type: ignore[attr-defined]
    total = sum(weights.values())
    if total <= 0:
        return np.zeros(len(ids))
    held = [keyword.tokens_of(c) for c in ids]  # type: ignore[attr-defined]
    return np.asarray([sum(w for t, w in weights.items() if t in h) / total for h in held])


def question_features(
    assistant: object, text: str, group: str, relevant: Callable[[Chunk], bool]
) -> Features:
    """The features of one question, taken from the product's own stages."""
    pipeline = assistant.pipeline  # type: ignore[attr-defined]
    query = assistant.query(text, k=10, mode="hybrid")  # type: ignore[attr-defined]
    with pipeline.reader.reading() as snapshot:
        hits = pipeline.retriever.candidates(query, snapshot)
        keyword = snapshot.keyword
        bigram_all = keyword.bigram_scores(query.keyword_text)
        boosts = next(s for s in pipeline.ranker.steps if s.name == "boosts")
        boosted = {
            h.chunk.chunk_id: h.score
            for h in boosts.apply(query, hits, RankContext(snapshot, pipeline.store))
        }
        terms = {t: max(keyword.idf(t), 0.0) for t in query.keyword_words}
        best = pipeline.scorer.best_sentence_scores(query.vector, hits, terms)
        ids = [h.chunk.chunk_id for h in hits]
        return Features(
            group=group,
            english=query.english,
            dense=np.asarray([h.dense_score for h in hits], dtype=float),
            words=np.asarray([h.keyword_score for h in hits], dtype=float),
            bigrams=np.asarray([bigram_all[snapshot.positions[c]] for c in ids], dtype=float),
            boost=np.asarray([boosted[c] - h.score for c, h in zip(ids, hits, strict=True)]),
            best=np.asarray(best, dtype=float),
            coverage=_coverage(keyword, list(query.keyword_words), ids),
            relevant=np.asarray([relevant(h.chunk) for h in hits]),
        )


Asked = tuple[str, str, Callable[[Chunk], bool]]  # question, group, relevance


def _same_source(source: str) -> Callable[[Chunk], bool]:
    return lambda chunk: chunk.source == source


def extract(name: str, index_root: Path) -> list[Features]:
    """Ask every question of one benchmark once, through an index kept in ``index_root``."""
    from assistant.service import Assistant

    with tempfile.TemporaryDirectory() as tmp:
        if name == "jsquad":
            corpus = Path(tmp) / "paragraphs"
            corpus.mkdir()
            questions = write_paragraphs(JSQUAD, corpus)
            titles = {
                p.name: p.read_text(encoding="utf-8").splitlines()[0] for p in corpus.iterdir()
            }
            asked = [(q.text, titles[q.source], _same_source(q.source)) for q in questions]
        else:
            corpus = GOVFAQ / "corpus"
            asked = [(q.text, q.id, _same_source(q.source)) for q in load_benchmark(GOVFAQ)]
        settings = load_settings(
            index_dir=index_root / name,
            data_dir=Path(tmp) / "data",
            corpus_dir=corpus,
            collection="bench",
        )
        assistant = Assistant(settings)
        if not assistant.pipeline.reader.snapshot.manifest:
            assistant.ingest([corpus])
        assistant.warm_up()
        return [question_features(assistant, *a) for a in asked]


def load_features(cache: Path, index_root: Path) -> dict[str, list[Features]]:
    """Each benchmark's features, extracted once and then read from the cache."""
    cache.mkdir(parents=True, exist_ok=True)
    features = {}
    for name in ("govfaq", "jsquad"):
        path = cache / f"{name}.pkl"
        if not path.exists():
            print(f"extracting {name} ...", flush=True)
            path.write_bytes(pickle.dumps(extract(name, index_root)))
        features[name] = pickle.loads(path.read_bytes())
    return features


@dataclass(frozen=True)
class Variant:
    """A fusion whose lexical weights are scaled per question by ``scale(features)``, with
    the reranker as configured today (pool 1.0, head 0.2 over 15)."""

    label: str
    scale: Callable[[Features], float]
    weights: tuple[float, float, float] = (0.5, 0.2, 0.3)
    pool: float = 1.0
    head: float = 0.2
    depth: int = 15
    rerank_follows: bool = False  # the reranker's weights scaled as the lexical ones are


def replay(f: Features, variant: Variant) -> np.ndarray:
    """The candidates' hybrid order: fusion, boosts and the sentence reranker's arithmetic."""
    dense_w, words_w, bigrams_w = variant.weights
    s = variant.scale(f)
    fused = dense_w * zscores(f.dense) + s * (
        words_w * zscores(f.words) + bigrams_w * zscores(f.bigrams)
    )
    scores = fused + f.boost
    order = np.argsort(-scores, kind="stable")
    if f.english or len(order) < 2:
        return order
    r = s if variant.rerank_follows else 1.0
    scores = scores + r * variant.pool * zscores(f.best)
    order = np.argsort(-scores, kind="stable")
    head, tail = order[: variant.depth], order[variant.depth :]
    scores[head] += r * variant.head * zscores(f.best[head])
    head = sorted(head, key=lambda i: -scores[i])
    return np.concatenate([np.asarray(head, dtype=int), tail])


def part_order(f: Features, mode: str) -> np.ndarray:
    """A part alone: dense or word-BM25 order over the same pool."""
    return np.argsort(-(f.dense if mode == "dense" else f.words), kind="stable")


def rows_of(features: Sequence[Features], order: Callable[[Features], np.ndarray]) -> np.ndarray:
    """Per question: hit@1, hit@5 and reciprocal rank within 10."""
    rows = np.zeros((len(features), 3))
    for row, f in zip(rows, features, strict=True):
        ranks = np.flatnonzero(f.relevant[order(f)][:10])
        if len(ranks):
            first = int(ranks[0]) + 1
            row[:] = (first == 1, first <= 5, 1.0 / first)
    return rows


def _lexical(f: Features) -> np.ndarray:
    return 0.4 * zscores(f.words) + 0.6 * zscores(f.bigrams)


def evidence(f: Features) -> float:
    """The question's lexical evidence: the largest share of its words one candidate holds."""
    return float(f.coverage.max()) if len(f.coverage) else 1.0


def agreement(f: Features, k: int = 5) -> float:
    """How far the two views agree: the share of dense's first k that the lexical view's
    first k also holds."""
    top_dense = set(np.argsort(-f.dense, kind="stable")[:k].tolist())
    top_lexical = set(np.argsort(-_lexical(f), kind="stable")[:k].tolist())
    return len(top_dense & top_lexical) / k


def ramp(signal: Callable[[Features], float], floor: float, full: float) -> Callable[..., float]:
    """Lexical weights at ``floor`` of themselves for a signal of 0, full from ``full`` on."""
    return lambda f: floor + (1 - floor) * min(signal(f) / full, 1.0)


def variants() -> list[Variant]:
    """Today's fixed weights first, then lexical weights following the lexical evidence or the
    two views' agreement."""
    grid = [Variant("fixed (today)", lambda f: 1.0)]
    for name, signal in (("evidence", evidence), ("agreement", agreement)):
        for floor in (0.0, 0.25, 0.5):
            for full in (0.4, 0.6, 0.8, 1.0):
                for follows in (False, True):
                    label = f"{name} floor {floor:g} full {full:g}" + (
                        " +rerank" if follows else ""
                    )
                    grid.append(Variant(label, ramp(signal, floor, full), rerank_follows=follows))
    return grid


class Table:
    """Per-question rows of every variant and part on one benchmark, computed once."""

    def __init__(self, features: Sequence[Features], grid: Sequence[Variant]) -> None:
        self.features = features
        self.parts = {
            m: rows_of(features, lambda f, m=m: part_order(f, m)) for m in ("dense", "keyword")
        }
        self.hybrid = [rows_of(features, lambda f, v=v: replay(f, v)) for v in grid]

    def scores(self, index: int, mode: str, mask: np.ndarray) -> np.ndarray:
        """hit@1, hit@5, MRR@10 of variant ``index`` (or a part) over the masked questions."""
        rows = self.hybrid[index] if mode == "hybrid" else self.parts[mode]
        return np.asarray(rows[mask].mean(axis=0))

    def objective(self, index: int, mask: np.ndarray) -> float:
        """hit@1 + MRR@10 of the hybrid; minus infinity where it is below a part on either."""
        hybrid = self.scores(index, "hybrid", mask)
        for mode in ("dense", "keyword"):
            alone = self.scores(index, mode, mask)
            if hybrid[0] < alone[0] - 1e-12 or hybrid[2] < alone[2] - 1e-12:
                return -np.inf
        return float(hybrid[0] + hybrid[2])


def choose(tables: Sequence[tuple[Table, np.ndarray]], size: int) -> int:
    """The variant with the best summed objective over (table, mask) parts, the first of
    equals; today's (index 0) when none keeps the hybrid at or above its parts everywhere."""
    totals = [sum(t.objective(i, m) for t, m in tables) for i in range(size)]
    if not np.isfinite(max(totals)):
        print("  no variant keeps the hybrid at or above both parts on these parts")
        return 0
    return int(np.argmax(totals))


def _row(label: str, table: Table, index: int, mask: np.ndarray) -> str:
    modes = ("hybrid", "dense", "keyword")
    cells = [f"{x:.3f}" for m in modes for x in table.scores(index, m, mask)]
    return f"| {label} | {mask.sum()} | " + " | ".join(cells) + " |"


def report(features: dict[str, list[Features]]) -> None:
    """Choose on the development parts, print the held-out figures (Markdown table)."""
    grid = variants()
    tables = {name: Table(f, grid) for name, f in features.items()}
    jsquad, govfaq = tables["jsquad"], tables["govfaq"]
    dev = np.asarray([_hash(f.group) % 2 == 0 for f in jsquad.features])
    fold = np.asarray([_hash(f.group) % FOLDS for f in govfaq.features])
    everything = np.ones(len(fold), bool)
    print("| variant | govfaq hybrid hit@1 / hit@5 / MRR | JSQuAD-dev | JSQuAD-test |")
    print("|---|---|---|---|")
    for i, v in enumerate(grid):
        cells = [govfaq.scores(i, "hybrid", everything), jsquad.scores(i, "hybrid", dev)]
        cells.append(jsquad.scores(i, "hybrid", ~dev))
        print(
            f"| {v.label} | " + " | ".join(" / ".join(f"{x:.3f}" for x in c) for c in cells) + " |"
        )
    held_out = np.zeros((len(fold), 3))
    for k in range(FOLDS):
        chosen = choose([(jsquad, dev), (govfaq, fold != k)], len(grid))
        held_out[fold == k] = govfaq.hybrid[chosen][fold == k]
        print(f"fold {k}: chose {grid[chosen].label}")
    final = choose([(jsquad, dev), (govfaq, everything)], len(grid))
    print(f"final (JSQuAD-dev + all govfaq): {grid[final].label}\n")
    print("| part | questions | hybrid hit@1 | hit@5 | MRR@10 | dense | | | keyword | | |")
    print("|---" * 11 + "|")
    for index, name in ((0, "today"), (final, "chosen")):
        print(_row(f"JSQuAD-dev, {name}", jsquad, index, dev))
        print(_row(f"JSQuAD-test, {name}", jsquad, index, ~dev))
        print(_row(f"govfaq-dev all, {name}", govfaq, index, everything))
    cv = " | ".join(f"{x:.3f}" for x in held_out.mean(axis=0))
    print(f"| govfaq-dev 5-fold held-out, chosen per fold | {len(fold)} | {cv} | | | | | | |")


def main() -> None:
    parser = argparse.ArgumentParser(description="Study the fusion offline on cached features.")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/tune-fusion-cache"))
    parser.add_argument("--index-root", type=Path, default=Path("/tmp/fusion-indexes"))
    args = parser.parse_args()
    report(load_features(args.cache, args.index_root))


if __name__ == "__main__":
    main()
