"""The benchmark runner with the hashing fake embedder: reading a folder, the throwaway index,
the per-mode figures and the gate that keeps the hybrid at least as good as its parts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import cli
from assistant.embedding import HashingEmbedder
from assistant.errors import ConfigError
from assistant.evaluation.benchmark import (
    RETRIEVERS,
    benchmark_gate_failures,
    gold_rank,
    load_benchmark,
    run_benchmark,
)
from tests.conftest import make_settings

PASSAGES = {
    "abc123": "外出は休養日に限ります。平日の外出には許可が必要です。",
    "def456": "食料需給表は国内生産量と輸入量から作成しています。",
    "ghi789": "屋内退避区域の事業所には休業補償の制度があります。",
}


def _folder(tmp_path: Path, gold: str = "abc123") -> Path:
    folder = tmp_path / "bench"
    (folder / "corpus").mkdir(parents=True)
    for name, text in PASSAGES.items():
        (folder / "corpus" / f"{name}.txt").write_text(text, encoding="utf-8")
    cases = [
        {
            "id": "q1",
            "question": "外出はできますか？",
            "answerable": True,
            "gold": [{"source": gold, "quote": "外出"}],
        },
        {"id": "q2", "question": "天気は？", "answerable": False},
    ]
    lines = [json.dumps(c, ensure_ascii=False) for c in cases]
    (folder / "bench.jsonl").write_text("\n".join(lines), encoding="utf-8")
    return folder


def test_a_benchmark_folder_gives_its_answerable_questions_with_their_gold_file(
    tmp_path: Path,
) -> None:
    [question] = load_benchmark(_folder(tmp_path))
    assert (question.id, question.source, question.answers) == ("q1", "abc123.txt", ())


def test_a_gold_file_missing_from_the_corpus_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="zzz"):
        load_benchmark(_folder(tmp_path, "zzz"))


def test_gold_rank_is_the_first_passage_of_the_gold_document() -> None:
    assert gold_rank(["a.txt", "b.txt", "b.txt"], "b.txt") == 2
    assert gold_rank(["a.txt"], "b.txt") is None


def test_the_gate_fails_a_hybrid_below_its_dense_part_even_above_the_thresholds() -> None:
    part = {"hit_at_1": 0.95, "hit_at_5": 1.0, "mrr_at_10": 0.97}
    retrievers = {
        "hybrid": {"hit_at_1": 0.96, "hit_at_5": 1.0, "mrr_at_10": 0.975},
        "dense": {**part, "hit_at_1": 0.97},
        "keyword": part,
    }
    failures = benchmark_gate_failures(retrievers, {"hit_at_1": 0.95, "mrr_at_10": 0.97})
    assert failures == ["hybrid hit_at_1 0.960 below dense 0.970"]
    retrievers["dense"] = part
    assert benchmark_gate_failures(retrievers, {"hit_at_1": 0.95}) == []


def test_a_run_indexes_into_a_temporary_folder_and_reports_every_retriever(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path)
    settings = make_settings(tmp_path / "user", vector_store="memory")
    lines: list[str] = []
    result = run_benchmark(
        settings, folder / "corpus", load_benchmark(folder), lines.append, HashingEmbedder()
    )
    assert not (tmp_path / "user").exists()  # the user's index and data are never written
    assert result["questions"] == 1
    assert set(result["retrievers"]) == set(RETRIEVERS)
    assert result["retrievers"]["keyword"]["hit_at_1"] == 1.0
    assert result["gold_ranks"]["q1"]["keyword"] == 1
    assert set(result["hybrid_holds"]) == {"dense", "keyword"}
    assert any(line.startswith("hybrid >= dense: hit_at_1 ") for line in lines)


def test_eval_benchmark_on_a_folder_without_corpus_fails_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.main, ["eval", "--benchmark", str(tmp_path)])
    assert result.exit_code == 1
    assert "expected a corpus/ folder" in result.output
    assert len(result.output.strip().splitlines()) == 1
    both = CliRunner().invoke(cli.main, ["eval", "--benchmark", str(tmp_path), "--jsquad", "x"])
    assert both.exit_code == 2 and "exactly one of" in both.output
