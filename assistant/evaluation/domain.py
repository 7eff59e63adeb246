"""Run evaluation cases through the Assistant and compute the grounding metrics.

Every case goes through the same ``Assistant`` object the CLI and UI use, once: ``ask`` keeps
the first ten ranked passages (retrieval metrics) and the evidence it decided on (abstention
signals) with the answer, so nothing is searched or measured twice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.evaluation.dataset import Case
from assistant.evaluation.metrics import (
    citation_valid,
    hit_at,
    mean,
    percentile,
    reciprocal_rank,
    supported_sentences,
)
from assistant.japanese import normalize
from assistant.present.answer import answer_to_dict
from assistant.service import Assistant


@dataclass
class CaseOutcome:
    """What happened on one case."""

    id: str
    question: str
    answerable: bool
    abstained: bool
    relevant_ranks: list[int]
    gold_recall_at_5: float
    must_include_found: list[str]
    must_include_missing: list[str]
    citation_valid: bool | None
    supported: int
    sentences: int
    latency_ms: float
    retrieved: list[dict[str, Any]] = field(default_factory=list)
    answer: str = ""
    confidence: float = 0.0
    searched_query: str = ""
    conversation: bool = False
    cites_gold: bool = False

    @property
    def right(self) -> bool:
        """Answered from a supporting passage, or, when nothing supports an answer, declined."""
        if not self.answerable:
            return self.abstained
        return not self.abstained and self.cites_gold

    @property
    def wrong_answer(self) -> bool:
        """Answered, yet unanswerable, or no citation is a supporting passage: the outcome
        that misleads a user (an abstention at least says it does not know)."""
        if self.abstained:
            return False
        return not self.answerable or not self.cites_gold

    @property
    def passed(self) -> bool:
        """A case fails when it is answered wrongly, abstains wrongly or misses its evidence."""
        if not self.answerable:
            return self.abstained
        return (
            not self.abstained
            and bool(self.relevant_ranks)
            and min(self.relevant_ranks) <= 5
            and not self.must_include_missing
            and self.supported == self.sentences
        )


# Ranks are read up to here (MRR@10).
RANKING_DEPTH = 10


def run_case(assistant: Assistant, case: Case) -> CaseOutcome:
    """Ask one case (after its earlier questions, if it has any), recording everything the
    report needs."""
    started = time.perf_counter()
    answer = assistant.ask(case.question, history=case.history, depth=RANKING_DEPTH)
    latency = (time.perf_counter() - started) * 1000
    hits = answer.ranked
    flags = [case.is_relevant(h.chunk) for h in hits]
    cites_gold = any(case.is_relevant(c.chunk) for c in answer.citations)
    found_gold = [any(g.matches(h.chunk) for h in hits[:5]) for g in case.gold]
    text = normalize(answer.text)
    found = [s for s in case.must_include if not answer.abstained and normalize(s) in text]
    supported, total = supported_sentences(answer)
    return CaseOutcome(
        id=case.id,
        question=case.question,
        answerable=case.answerable,
        abstained=answer.abstained,
        relevant_ranks=[i + 1 for i, f in enumerate(flags) if f],
        gold_recall_at_5=mean([1.0 if f else 0.0 for f in found_gold]),
        must_include_found=found,
        must_include_missing=[s for s in case.must_include if s not in found],
        citation_valid=None if answer.abstained else citation_valid(answer),
        supported=supported,
        sentences=total,
        latency_ms=latency,
        retrieved=[
            {
                "rank": i + 1,
                "source": h.chunk.source,
                "location": h.chunk.location,
                "score": round(h.score, 4),
                "relevant": flags[i],
                "text": h.chunk.text[:160],
            }
            for i, h in enumerate(hits[:5])
        ],
        answer=str(answer_to_dict(answer)["answer"]),
        confidence=answer.evidence.confidence if answer.evidence else 0.0,
        searched_query=answer.searched_query,
        conversation=bool(case.history),
        cites_gold=cites_gold,
    )


def compute_metrics(outcomes: Sequence[CaseOutcome]) -> dict[str, float]:
    """The metrics object of the evaluation's JSON output."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    abstained = [o for o in outcomes if o.abstained]
    answered = [o for o in outcomes if not o.abstained]
    conversations = [o for o in outcomes if o.conversation]
    ranked = [[r in o.relevant_ranks for r in range(1, 11)] for o in answerable]
    must = [s for o in answerable for s in o.must_include_found + o.must_include_missing]
    sentences = sum(o.sentences for o in answered)
    return {
        "cases": float(len(outcomes)),
        "hit_at_1": mean([hit_at(f, 1) for f in ranked]),
        "hit_at_5": mean([hit_at(f, 5) for f in ranked]),
        "mrr_at_10": mean([reciprocal_rank(f, 10) for f in ranked]),
        "recall_at_5": mean([o.gold_recall_at_5 for o in answerable]),
        "must_include_recall": (
            sum(len(o.must_include_found) for o in answerable) / len(must) if must else 1.0
        ),
        "citation_validity": mean([1.0 if o.citation_valid else 0.0 for o in answered])
        if answered
        else 1.0,
        "citation_support": sum(o.supported for o in answered) / sentences if sentences else 1.0,
        "abstention_precision": (
            sum(1 for o in abstained if not o.answerable) / len(abstained) if abstained else 1.0
        ),
        "abstention_recall": (
            sum(1 for o in unanswerable if o.abstained) / len(unanswerable) if unanswerable else 1.0
        ),
        "answer_rate_on_answerable": mean([0.0 if o.abstained else 1.0 for o in answerable]),
        "wrong_answer_rate": mean([1.0 if o.wrong_answer else 0.0 for o in outcomes]),
        "conversation_cases": float(len(conversations)),
        "conversation_right": mean([1.0 if o.right else 0.0 for o in conversations])
        if conversations
        else 1.0,
        "latency_p50_ms": percentile([o.latency_ms for o in outcomes], 50),
        "latency_p95_ms": percentile([o.latency_ms for o in outcomes], 95),
    }


def evaluate(assistant: Assistant, cases: Sequence[Case]) -> dict[str, Any]:
    """Run all cases; the result is the evaluation's JSON document."""
    outcomes = [run_case(assistant, case) for case in cases]
    return {
        "metrics": compute_metrics(outcomes),
        "cases": [
            asdict(o) | {"passed": o.passed, "wrong_answer": o.wrong_answer} for o in outcomes
        ],
    }
