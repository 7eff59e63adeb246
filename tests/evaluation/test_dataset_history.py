"""The optional ``history`` of a conversation case, in the loader and in the dataset checker."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.evaluation.dataset import Case, load_cases
from tests.conftest import CORPUS, ROOT, SHARED

_SPEC = importlib.util.spec_from_file_location("check_dataset", ROOT / "evals" / "check_dataset.py")
assert _SPEC is not None and _SPEC.loader is not None
check_dataset = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = check_dataset  # dataclasses look their module up there
_SPEC.loader.exec_module(check_dataset)

LAWS_CURRENT = SHARED / "corpus-candidates" / "laws-current"
BASE = {"id": "u001", "question": "それはいつまでですか？", "answerable": False}


def _write(path: Path, *cases: dict[str, object]) -> Path:
    lines = [json.dumps({"gold": [], "must_include": [], **c}, ensure_ascii=False) for c in cases]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_history_is_loaded_oldest_first_and_defaults_to_empty(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "d.jsonl",
        dict(BASE, history=["施設委託管理者とは何ですか？", "誰が指定しますか？"]),
        dict(BASE, id="u002"),
    )
    with_history, without = load_cases(path)
    assert with_history.history == ("施設委託管理者とは何ですか？", "誰が指定しますか？")
    assert without.history == ()


@pytest.mark.parametrize("history", ["施設委託管理者とは？", [""], [1], {"q": "x"}])
def test_malformed_history_names_the_line(tmp_path: Path, history: object) -> None:
    path = _write(tmp_path / "bad.jsonl", dict(BASE, id="u001"), dict(BASE, history=history))
    with pytest.raises(ConfigError, match=r"bad\.jsonl:2: 'history'"):
        load_cases(path)


def test_checker_accepts_history_and_counts_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "law.md").write_text("報告書を遅滞なく提出しなければならない。\n", encoding="utf-8")
    good = _write(tmp_path / "ok.jsonl", dict(BASE, history=["報告とは？"]))
    args = [str(good), str(corpus), "--min-total", "1", "--min-english", "0"]
    assert check_dataset.main([*args, "--min-unanswerable", "1", "--min-history", "1"]) == 0
    assert check_dataset.main([*args, "--min-unanswerable", "1", "--min-history", "2"]) == 1
    bad = _write(tmp_path / "bad.jsonl", dict(BASE, history="報告とは？"))
    assert (
        check_dataset.main(
            [
                str(bad),
                str(corpus),
                "--min-total",
                "1",
                "--min-english",
                "0",
                "--min-unanswerable",
                "1",
            ]
        )
        == 1
    )


@pytest.mark.skipif(not LAWS_CURRENT.is_dir(), reason="laws-current corpus not present")
@pytest.mark.parametrize("name", ["users-dev.jsonl", "users-test.jsonl"])
def test_users_datasets_are_valid_against_the_current_laws(name: str) -> None:
    path = ROOT / "evals" / "datasets" / name
    cases = load_cases(path)
    assert sum(bool(c.history) for c in cases) >= 16
    code = check_dataset.main(
        [
            str(path),
            str(LAWS_CURRENT),
            str(CORPUS / "articles"),
            "--quiet",
            "--min-total",
            "80",
            "--min-english",
            "9",
            "--min-unanswerable",
            "22",
            "--min-history",
            "16",
        ]
    )
    assert code == 0


@pytest.mark.parametrize(
    ("name", "english", "unanswerable"),
    [
        ("users-fresh", 10, 16),
        ("users-fresh2", 15, 18),
        ("users-fresh3", 15, 18),
        ("users-fresh4", 15, 18),
    ],
)
def test_the_fresh_development_sets_are_valid_against_the_shipped_laws(
    name: str, english: int, unanswerable: int
) -> None:
    """users-fresh.jsonl to users-fresh4.jsonl (evals/datasets/README.md) hold against
    corpus/laws itself."""
    path = ROOT / "evals" / "datasets" / f"{name}.jsonl"
    code = check_dataset.main(
        [
            str(path),
            str(CORPUS / "laws"),
            str(CORPUS / "articles"),
            "--quiet",
            "--min-total",
            "80",
            "--min-english",
            str(english),
            "--min-unanswerable",
            str(unanswerable),
            "--min-history",
            "12",
        ]
    )
    assert code == 0


def test_users_split_follows_its_documented_rule() -> None:
    """evals/datasets/README.md: strata, pairs in id order, smaller sha256 of the id to dev."""
    parts: dict[str, tuple[str, Case]] = {}
    for name in ("dev", "test"):
        path = ROOT / "evals" / "datasets" / f"users-{name}.jsonl"
        for case in load_cases(path):
            parts[case.id] = (name, case)
    strata: dict[tuple[bool, bool, bool, bool], list[str]] = {}
    for case_id, (_, case) in parts.items():
        key = (
            bool(case.history),
            case.answerable,
            check_dataset.is_english(case.question),
            len(case.gold) > 1,
        )
        strata.setdefault(key, []).append(case_id)
    for ids in strata.values():
        ids.sort()
        for start in range(0, len(ids), 2):
            pair = sorted(
                ids[start : start + 2], key=lambda i: hashlib.sha256(i.encode()).hexdigest()
            )
            assert [parts[i][0] for i in pair] == ["dev", "test"][: len(pair)], pair
