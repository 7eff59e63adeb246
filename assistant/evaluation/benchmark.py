"""A retrieval benchmark over its own corpus: a throwaway index, every question in every mode.

Shared by JSQuAD (``jsquad.py``, paragraphs written out as files) and by folder benchmarks such
as govfaq-dev (``corpus/`` plus one JSON Lines file of cases, ``load_benchmark``). The corpus is
indexed by the ordinary ingest path into a temporary folder, so the user's index and data are
never touched; every question is then asked with each retriever (hybrid, dense, keyword), and
hit@1, hit@5 and MRR@10 of the gold document are averaged per retriever, with citation and
answer-span figures where the questions have answers.

The gate (``benchmark_gate_failures``) also fails a hybrid below one of its parts on hit@1 or
MRR@10: issue #16 asks for a fusion that holds on every distribution, and govfaq-dev (people's
own words, where dense retrieval wins) is where a fusion tuned on JSQuAD can fall below its
dense part.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import ConfigError
from assistant.evaluation.dataset import load_cases
from assistant.evaluation.metrics import hit_at, mean, reciprocal_rank
from assistant.evaluation.report import gate_failures
from assistant.japanese import normalize

RETRIEVERS = ("hybrid", "dense", "keyword")
# The metrics on which the hybrid must not fall below either part.
HELD_METRICS = ("hit_at_1", "mrr_at_10")
Echo = Callable[[str], None]


@dataclass(frozen=True)
class Question:
    """One benchmark question, the document (file name) it is answered by, and its answers."""

    id: str
    text: str
    source: str
    answers: tuple[str, ...] = ()


def load_benchmark(folder: Path) -> list[Question]:
    """The questions of a benchmark folder: ``corpus/`` and one ``*.jsonl`` of cases whose
    ``gold.source`` is a corpus file's name without its suffix (govfaq-dev's passage ids).

    Unanswerable cases are left out: the benchmark measures retrieval of a gold document.
    """
    corpus = folder / "corpus"
    files = sorted(folder.glob("*.jsonl"))
    if not corpus.is_dir() or len(files) != 1:
        raise ConfigError(f"{folder}: expected a corpus/ folder and exactly one *.jsonl file")
    names = {p.stem: p.name for p in corpus.iterdir()}
    questions = []
    for case in load_cases(files[0]):
        if not case.answerable:
            continue
        source = names.get(case.gold[0].source)
        if source is None:
            raise ConfigError(f"{files[0]}: {case.id}'s gold {case.gold[0].source} not in corpus/")
        questions.append(Question(case.id, case.question, source, case.must_include))
    return questions


def gold_rank(sources: Sequence[str], gold: str) -> int | None:
    """The 1-based rank of the first passage from the gold document, None when absent."""
    return next((i for i, s in enumerate(sources, start=1) if s == gold), None)


def score_question(assistant: Any, question: Question, mode: str) -> dict[str, float]:
    """Retrieval (and, where the question has answers, answer) metrics under one retriever;
    ``gold_rank`` (0 when not in the first ten) is kept for per-question comparisons."""
    answer = assistant.ask(question.text, k=10, mode=mode)
    flags = [h.chunk.source == question.source for h in answer.ranked]
    rank = gold_rank([h.chunk.source for h in answer.ranked[:10]], question.source)
    scores = {
        "hit_at_1": hit_at(flags, 1),
        "hit_at_5": hit_at(flags, 5),
        "mrr_at_10": reciprocal_rank(flags, 10),
        "gold_cited_rate": float(any(c.chunk.source == question.source for c in answer.citations)),
        "abstained": float(answer.abstained),
        "gold_rank": float(rank or 0),
    }
    if question.answers:
        shown = normalize(answer.text) if not answer.abstained else ""
        scores["answer_span_recall"] = float(any(normalize(a) in shown for a in question.answers))
    return scores


@contextmanager
def benchmark_assistant(
    settings: Settings, corpus: Path, echo: Echo, embedder: Embedder | None = None
) -> Iterator[Any]:
    """An Assistant over a throwaway index of ``corpus`` (warm: every sentence embedded).

    Index, data and collection all live in a temporary folder, embedded (never a Chroma
    server the settings may name), so a benchmark cannot write into the user's index.
    ``embedder``: the settings' model when None (tests pass the hashing fake).
    """
    from assistant.service import Assistant

    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        bench = settings.model_copy(
            update={
                "index_dir": Path(tmp) / "index",
                "data_dir": Path(tmp) / "data",
                "corpus_dir": corpus,
                "collection": "bench",
                "chroma_mode": "persistent",
            }
        )
        assistant = Assistant(bench, embedder)
        started = time.perf_counter()
        assistant.ingest([corpus])
        assistant.warm_up()  # as when serving: every sentence embedded once, in corpus order
        files = len(list(corpus.iterdir()))
        echo(f"indexed {files} files and their sentences in {time.perf_counter() - started:.0f} s")
        yield assistant


def _averages(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: mean([r[key] for r in rows]) for key in rows[0] if key != "gold_rank"}


def ask_every_question(
    assistant: Any, questions: Sequence[Question], echo: Echo
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, int]]]:
    """Each retriever's metrics averaged over the questions, and each question's gold rank
    per retriever (0: not in the first ten)."""
    per_mode: dict[str, list[dict[str, float]]] = {m: [] for m in RETRIEVERS}
    ranks: dict[str, dict[str, int]] = {}
    for i, question in enumerate(questions, start=1):
        for mode in RETRIEVERS:
            scores = score_question(assistant, question, mode)
            per_mode[mode].append(scores)
            ranks.setdefault(question.id, {})[mode] = int(scores["gold_rank"])
        if i % 500 == 0:
            echo(f"  {i}/{len(questions)} questions")
    retrievers = {mode: _averages(rows) if rows else {} for mode, rows in per_mode.items()}
    for mode, metrics in retrievers.items():
        echo(f"{mode:8s} " + " ".join(f"{k}={v:.3f}" for k, v in metrics.items()))
    return retrievers, ranks


def run_benchmark(
    settings: Settings,
    corpus: Path,
    questions: Sequence[Question],
    echo: Echo,
    embedder: Embedder | None = None,
) -> dict[str, Any]:
    """Index ``corpus`` into a throwaway index and ask every question with each retriever."""
    started = time.perf_counter()
    with benchmark_assistant(settings, corpus, echo, embedder) as assistant:
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        retrievers, ranks = ask_every_question(assistant, questions, echo)
    holds = hybrid_holds(retrievers) if questions else {}
    for part, held in holds.items():
        echo(f"hybrid >= {part}: " + ", ".join(f"{m} {'yes' if held[m] else 'NO'}" for m in held))
    return {
        "questions": len(questions),
        "paragraphs_ingest_s": ingest_s,
        "questions_s": time.perf_counter() - started,
        "retrievers": retrievers,
        "hybrid_holds": holds,
        "gold_ranks": ranks,
    }


def hybrid_holds(retrievers: dict[str, dict[str, float]]) -> dict[str, dict[str, bool]]:
    """Per part (dense, keyword) and held metric, whether the hybrid is at least as good."""
    hybrid = retrievers["hybrid"]
    return {
        part: {m: hybrid[m] >= retrievers[part][m] for m in HELD_METRICS} for part in RETRIEVERS[1:]
    }


def benchmark_gate_failures(
    retrievers: dict[str, dict[str, float]], thresholds: dict[str, float]
) -> list[str]:
    """The hybrid's missed thresholds, and where it falls below one of its parts on hit@1 or
    MRR@10 (a fusion must hold on every distribution, not only the one it was tuned on)."""
    hybrid = retrievers["hybrid"]
    failures = gate_failures(hybrid, thresholds)
    for part, held in hybrid_holds(retrievers).items():
        for metric, ok in held.items():
            if not ok:
                failures.append(
                    f"hybrid {metric} {hybrid[metric]:.3f} below {part} {retrievers[part][metric]:.3f}"
                )
    return failures
