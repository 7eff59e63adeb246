"""JSQuAD as an open-domain retrieval and grounding benchmark.

Every paragraph becomes a Markdown document ("# TITLE" then the paragraph, the title being the
text before " [SEP] ") in a throwaway index built by the ordinary ingest path; every question
is then asked against all 1,145 paragraphs. For each retriever (hybrid, dense, keyword) it
reports hit@1, hit@5 and MRR@10 of the gold paragraph, whether the answer cites it, and
answer-span recall: whether the answer shown contains one of the gold answer strings.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.evaluation.metrics import hit_at, mean, reciprocal_rank
from assistant.japanese import normalize

RETRIEVERS = ("hybrid", "dense", "keyword")


@dataclass(frozen=True)
class Question:
    """One JSQuAD question and the paragraph (document) it was written on."""

    id: str
    text: str
    source: str
    answers: tuple[str, ...]


def write_paragraphs(path: Path, folder: Path) -> list[Question]:
    """Write each paragraph as a Markdown file in folder; return the questions."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: not a readable SQuAD-format file ({exc})") from exc
    questions: list[Question] = []
    number = 0
    for article in data:
        for paragraph in article["paragraphs"]:
            title, _, text = paragraph["context"].partition(" [SEP] ")
            source = f"jsquad-{number:04d}.md"
            (folder / source).write_text(f"# {title}\n\n{text or title}\n", encoding="utf-8")
            number += 1
            for qa in paragraph["qas"]:
                answers = tuple(a["text"] for a in qa["answers"])
                questions.append(Question(qa["id"], qa["question"], source, answers))
    return questions


def score_question(assistant: Any, question: Question, mode: str) -> dict[str, float]:
    """Retrieval and answer metrics of one question under one retriever."""
    answer = assistant.ask(question.text, k=10, mode=mode)
    flags = [h.chunk.source == question.source for h in answer.ranked]
    shown = normalize(answer.text) if not answer.abstained else ""
    return {
        "hit_at_1": hit_at(flags, 1),
        "hit_at_5": hit_at(flags, 5),
        "mrr_at_10": reciprocal_rank(flags, 10),
        "gold_cited_rate": float(any(c.chunk.source == question.source for c in answer.citations)),
        "answer_span_recall": float(any(normalize(a) in shown for a in question.answers)),
        "abstained": float(answer.abstained),
    }


def run_jsquad(
    settings: Settings, path: Path, limit: int | None, echo: Callable[[str], None]
) -> dict[str, Any]:
    """Build the throwaway index, ask every question with each retriever, average."""
    from assistant.service import Assistant

    with tempfile.TemporaryDirectory(prefix="jsquad-") as tmp:
        folder = Path(tmp) / "paragraphs"
        folder.mkdir()
        questions = write_paragraphs(path, folder)[:limit]
        bench = settings.model_copy(
            update={"index_dir": Path(tmp) / "index", "corpus_dir": folder, "collection": "jsquad"}
        )
        assistant = Assistant(bench)
        started = time.perf_counter()
        assistant.ingest([folder])
        assistant.warm_up()  # as when serving: every sentence embedded once, in corpus order
        ingest_s = time.perf_counter() - started
        echo(
            f"indexed {len(list(folder.iterdir()))} paragraphs and their sentences in {ingest_s:.0f} s"
        )
        per_mode: dict[str, list[dict[str, float]]] = {m: [] for m in RETRIEVERS}
        started = time.perf_counter()
        for i, question in enumerate(questions, start=1):
            for mode in RETRIEVERS:
                per_mode[mode].append(score_question(assistant, question, mode))
            if i % 500 == 0:
                echo(f"  {i}/{len(questions)} questions")
        ask_s = time.perf_counter() - started
    retrievers = {
        mode: {key: mean([r[key] for r in rows]) for key in rows[0]} if rows else {}
        for mode, rows in per_mode.items()
    }
    for mode, metrics in retrievers.items():
        echo(f"{mode:8s} " + " ".join(f"{k}={v:.3f}" for k, v in metrics.items()))
    return {
        "questions": len(questions),
        "paragraphs_ingest_s": ingest_s,
        "questions_s": ask_s,
        "retrievers": retrievers,
    }
