import json
from pathlib import Path

import pytest

from assistant.answer.support import support_score
from assistant.errors import ConfigError
from assistant.evaluation.dataset import Gold, load_cases
from assistant.evaluation.metrics import citation_valid, hit_at, reciprocal_rank
from assistant.evaluation.report import gate_failures
from assistant.types import Answer, AnswerSentence, Chunk, Citation, DocumentKind
from tests.conftest import ROOT


def test_shipped_domain_dataset_is_valid_and_large_enough() -> None:
    cases = load_cases(ROOT / "evals" / "datasets" / "domain.jsonl")
    assert len(cases) >= 80
    assert sum(not c.answerable for c in cases) >= 12
    assert sum(c.question.isascii() for c in cases) >= 10


def test_gold_matching_is_nfkc_and_substring_based() -> None:
    chunk = Chunk("c", "504AC_suishinho.md", "t", DocumentKind.LAW, "ＧＯＣＯの活用", "", 0)
    assert Gold("suishinho", "GOCO").matches(chunk)
    assert not Gold("gaitameho", "GOCO").matches(chunk)


def test_dataset_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = {"id": "a", "question": "q", "answerable": False, "gold": [], "must_include": []}
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.jsonl:2"):
        load_cases(path)
    bad = dict(good, answerable=True)
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ConfigError, match="no gold"):
        load_cases(path)


def test_rank_metrics() -> None:
    flags = [False, False, True, False]
    assert hit_at(flags, 1) == 0.0 and hit_at(flags, 5) == 1.0
    assert reciprocal_rank(flags) == pytest.approx(1 / 3)
    assert reciprocal_rank([False] * 12 + [True]) == 0.0


def test_citation_validity_and_support() -> None:
    chunk = Chunk("c", "a.md", "t", DocumentKind.LAW, "報告書を提出する。", "", 0)
    answer = Answer(
        "q",
        "q",
        "報告書を提出する。 [1]",
        False,
        (AnswerSentence("報告書を提出する。", 1),),
        (Citation(1, chunk, "報告書を提出する。"),),
    )
    assert citation_valid(answer)
    broken = Answer("q", "q", "文。 [2]", False, (AnswerSentence("文。", 2),), answer.citations)
    assert not citation_valid(broken)
    assert support_score("報告書を提出する。", chunk.text) == 1.0
    assert support_score("補助率は三分の二である。", chunk.text) < 0.5


def test_gate() -> None:
    assert gate_failures({"hit_at_5": 0.97}, {"hit_at_5": 0.95}) == []
    assert "below" in gate_failures({"hit_at_5": 0.9}, {"hit_at_5": 0.95})[0]
    assert gate_failures({"wrong_answer_rate": 0.04}, {"max_wrong_answer_rate": 0.05}) == []
    assert "above" in gate_failures({"wrong_answer_rate": 0.2}, {"max_wrong_answer_rate": 0.05})[0]
    assert "not measured" in gate_failures({}, {"hit_at_5": 0.95})[0]
