"""The command line, run through click's CliRunner against a real Chroma in a temp folder."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import cli
from assistant.embedding import HashingEmbedder
from assistant.service import Assistant
from tests.conftest import CORPUS


@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))  # ask writes the audit log
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    monkeypatch.setattr(
        cli,
        "open_assistant",
        lambda settings=None: Assistant(settings or cli.load_settings(), HashingEmbedder()),
    )
    return CliRunner()


def test_ask_without_index_fails_with_one_line(runner: CliRunner) -> None:
    result = runner.invoke(cli.main, ["ask", "GOCOとは何ですか？"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: the index is empty")
    assert len(result.output.strip().splitlines()) == 1


def test_ingest_then_ask_json(runner: CliRunner) -> None:
    result = runner.invoke(cli.main, ["ingest"])
    assert result.exit_code == 0, result.output
    assert "added 10" in result.output
    result = runner.invoke(
        cli.main, ["ask", "施設委託管理者は何を提出しますか？", "--json", "--k", "3"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"answer", "abstained", "citations"}
    if not data["abstained"]:
        citation = data["citations"][0]
        assert set(citation) >= {
            "marker",
            "source",
            "title",
            "article",
            "page",
            "chunk_id",
            "quote",
        }


def test_bad_path_in_ingest_exits_1_but_ingests_the_rest(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "memo.txt"
    good.write_text("メモ\n社内の輸出管理手続を定める。", encoding="utf-8")
    result = runner.invoke(cli.main, ["ingest", str(good), str(tmp_path / "nope.pdf")])
    assert result.exit_code == 1
    assert "added 1" in result.output
    assert "nope.pdf" in result.output


def test_unknown_setting_is_a_clean_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_TOPK", "3")
    result = runner.invoke(cli.main, ["ask", "質問"])
    assert result.exit_code == 1
    assert "ASSISTANT_TOPK" in result.output


def test_huge_question_is_refused(runner: CliRunner) -> None:
    runner.invoke(cli.main, ["ingest"])
    result = runner.invoke(cli.main, ["ask", "あ" * 5000])
    assert result.exit_code == 1
    assert "5000 characters" in result.output


def test_ask_with_history_searches_the_follow_up_with_the_earlier_subject(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(cli.main, ["ingest"]).exit_code == 0
    history = tmp_path / "history.json"
    history.write_text(json.dumps(["施設委託管理者とは何ですか？"]), encoding="utf-8")
    question = "それはいつまでに何を提出しますか？"
    result = runner.invoke(cli.main, ["ask", question, "--json", "--history", str(history)])
    assert result.exit_code == 0, result.output
    searched = json.loads(result.output)["searched_query"]
    assert "施設委託管理者" in searched and searched != question
    piped = runner.invoke(
        cli.main, ["ask", question, "--json", "--history", "-"], input=history.read_text()
    )
    assert json.loads(piped.output)["searched_query"] == searched
    alone = runner.invoke(cli.main, ["ask", question, "--json"])
    assert json.loads(alone.output)["searched_query"] == question


def test_a_bad_history_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"question": "GOCO"}', encoding="utf-8")
    for source, text in ((str(bad), None), ("-", "not json"), (str(tmp_path / "none"), None)):
        result = runner.invoke(cli.main, ["ask", "GOCOとは？", "--history", source], input=text)
        assert result.exit_code == 1
        assert result.output.startswith("error: --history:"), result.output
        assert len(result.output.strip().splitlines()) == 1


def test_chat_answers_each_line_and_carries_the_subject_until_it_changes(
    runner: CliRunner,
) -> None:
    assert runner.invoke(cli.main, ["ingest"]).exit_code == 0
    lines = [
        "施設委託管理者とは何ですか？",
        "",
        "それはいつまでに何を提出しますか？",
        "特定重要物資の指定はどのように行われますか？",
        ":history",
        ":quit",
        "never asked",
    ]
    result = runner.invoke(cli.main, ["chat"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    history = [line for line in result.output.splitlines() if line[:3] in ("1. ", "2. ", "3. ")]
    assert len(history) == 3
    assert "searched: 施設委託管理者" in history[1]  # the follow-up borrowed the subject
    assert history[2].endswith("(searched: 特定重要物資の指定はどのように行われますか？)")
    assert "never asked" not in result.output
