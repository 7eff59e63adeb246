"""Feedback in real SQLite under a temp folder, and its export through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import cli
from assistant.feedback import (
    FEEDBACK_FILE,
    FeedbackStore,
    evaluation_case,
    export_cases,
    short_quote,
)
from assistant.types import Answer, AnswerSentence, Chunk, Citation, DocumentKind, Hit

CHUNK = Chunk(
    chunk_id="c1",
    source="505AC0000000054_boei-seisan-kiban-kyokaho.md",
    title="防衛生産基盤強化法",
    kind=DocumentKind.LAW,
    text="防衛大臣は、指定装備品製造施設等の管理を委託することができる。\n次項に続く。",
    search_text="防衛大臣は、指定装備品製造施設等の管理を委託することができる。",
    position=3,
    article="第二十九条",
)
SENTENCE = "防衛大臣は、指定装備品製造施設等の管理を委託することができる。"
ANSWER = Answer(
    question="GOCOとは何ですか？",
    searched_query="GOCOとは何ですか？",
    text=f"{SENTENCE} [1]",
    abstained=False,
    sentences=(AnswerSentence(SENTENCE, 1),),
    citations=(Citation(1, CHUNK, SENTENCE),),
)
ABSTAINED = Answer(
    question="天気は？",
    searched_query="天気は？",
    text="見つかりませんでした。",
    abstained=True,
    nearest=(Hit(CHUNK, 0.1),),
)


@pytest.fixture()
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "data" / FEEDBACK_FILE)


def test_a_rating_is_stored_with_question_answer_and_sources(store: FeedbackStore) -> None:
    feedback_id = store.record(ANSWER, "dislike", "条文が違う", mode="相談")
    [record] = store.records()
    assert record.id == feedback_id
    assert (record.rating, record.comment, record.mode) == ("dislike", "条文が違う", "相談")
    assert record.question == ANSWER.question and record.answer == ANSWER.text
    assert record.sources[0]["source"] == CHUNK.source
    assert record.sources[0]["location"] == "第二十九条"


def test_a_rating_records_the_answer_id_and_the_user(store: FeedbackStore) -> None:
    """The answer's id (the one the chat message and the audit record carry) and the user who
    rated it, so a rating leads to its question in the audit log and to nobody else's."""
    store.record(ANSWER, "dislike", mode="相談", answer_id="ans-42", user="tanaka")
    [record] = store.records()
    assert (record.answer_id, record.user) == ("ans-42", "tanaka")
    assert evaluation_case(record)["review"]["answer_id"] == "ans-42"


def test_a_database_from_before_answer_ids_gains_the_columns(tmp_path: Path) -> None:
    path = tmp_path / FEEDBACK_FILE
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,"
            " updated_at TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '',"
            " mode TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, searched_query TEXT NOT NULL,"
            " answer TEXT NOT NULL, abstained INTEGER NOT NULL, sources TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO feedback (created_at, updated_at, rating, question, searched_query,"
            " answer, abstained, sources) VALUES ('t', 't', 'like', 'q', 'q', 'a', 0, '[]')"
        )
    db.close()
    store = FeedbackStore(path)
    store.record(ANSWER, "like", answer_id="ans-1", user="sato")
    old, new = store.records()
    assert (old.answer_id, old.user) == ("", "")
    assert (new.answer_id, new.user) == ("ans-1", "sato")


def test_records_survive_a_new_store_on_the_same_file(store: FeedbackStore) -> None:
    store.record(ANSWER, "like")
    assert [r.rating for r in FeedbackStore(store.path).records()] == ["like"]


def test_changing_mind_updates_the_same_record(store: FeedbackStore) -> None:
    feedback_id = store.record(ANSWER, "like")
    store.update(feedback_id, rating="dislike", comment="  古い条文  ")
    [record] = store.records()
    assert (record.rating, record.comment) == ("dislike", "古い条文")


def test_the_database_rejects_unknown_ratings(store: FeedbackStore) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.record(ANSWER, "meh")  # type: ignore[arg-type]


def test_short_quote_is_10_to_30_chars_of_one_sentence() -> None:
    quote = short_quote(SENTENCE + "次の文。")
    assert 10 <= len(quote) <= 30
    assert "。" not in quote and SENTENCE.startswith(quote)


def test_disliked_answer_becomes_a_review_case_with_gold_from_citations(
    store: FeedbackStore,
) -> None:
    store.record(ANSWER, "dislike", "別の条文が正しい")
    case = evaluation_case(store.records()[0])
    assert set(case) >= {"id", "question", "answerable", "gold", "must_include"}
    assert case["id"].startswith("fb-")
    assert case["gold"] == [{"source": CHUNK.source, "quote": short_quote(SENTENCE)}]
    assert case["review"]["comment"] == "別の条文が正しい"
    assert case["review"]["answer"] == ANSWER.text


def test_abstention_gold_comes_from_the_nearest_passages(store: FeedbackStore) -> None:
    store.record(ABSTAINED, "dislike")
    case = evaluation_case(store.records()[0])
    assert case["gold"][0]["source"] == CHUNK.source
    assert case["review"]["abstained"] is True


def test_export_writes_only_dislikes_as_json_lines(store: FeedbackStore, tmp_path: Path) -> None:
    store.record(ANSWER, "like")
    store.record(ABSTAINED, "dislike")
    out = tmp_path / "cases.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        assert export_cases(store, handle) == 1
    [line] = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["question"] == ABSTAINED.question


def test_cli_feedback_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    FeedbackStore(tmp_path / "data" / FEEDBACK_FILE).record(ANSWER, "dislike", "違う")
    out = tmp_path / "review" / "cases.jsonl"
    result = CliRunner().invoke(cli.main, ["feedback", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "exported 1" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["review"]["comment"] == "違う"


def test_cli_feedback_export_without_any_feedback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli.main, ["feedback", "export"])
    assert result.exit_code == 0
    assert "no feedback recorded yet" in result.output
    assert not (tmp_path / "data").exists()


def test_the_feedback_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / FEEDBACK_FILE
    path.parent.mkdir()
    path.touch(mode=0o644)  # as an earlier version left it
    FeedbackStore(path).record(ANSWER, "like")
    assert path.stat().st_mode & 0o777 == 0o600
