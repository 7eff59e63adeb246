"""The product in a real browser: Debian's chromium, Playwright, the real model, 127.0.0.1.

Each test is one user journey from the issue and saves a screenshot to artifacts/screenshots/
for a person to look at; the assertions check what the user would check on screen.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document

from assistant import cli
from assistant.glossary import STARTER_QUESTIONS, TERMS
from tests.ui.conftest import screenshot

pytestmark = [pytest.mark.integration, pytest.mark.browser]
ANSWER_TIMEOUT_MS = 90_000
RULES = "社内輸出管理規程\n\n第五条（記録の保存）\n該非判定の記録は、判定の日から七年間保存しなければならない。\n"


def ask(page: Any, question: str, turn: int) -> Any:
    """Type a question, press Enter, wait for the final answer; return its chat message."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#sources details.turn-sources').length >= n",
        arg=turn,
        timeout=ANSWER_TIMEOUT_MS,
    )
    return page.locator("#chat .answer, #chat .abstain").last


def choose_mode(page: Any, label: str) -> None:
    page.locator("#mode label", has_text=label).click()


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def download(page: Any, selector: str, folder: Path) -> Path:
    with page.expect_download() as event:
        page.locator(selector).click()
    target = folder / event.value.suggested_filename
    event.value.save_as(str(target))
    return target


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Poll a condition that depends on a debounced server update."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()


def test_answer_shows_sources_and_a_follow_up_uses_the_earlier_subject(page: Any) -> None:
    answer = ask(page, "GOCOとは何ですか？", 1)
    assert "GOCO" in answer.inner_text()
    card = page.locator("#cite-1-1")
    assert card.locator("mark").count() >= 1, "the cited sentence is highlighted"
    assert card.locator(".doc-title").inner_text().strip()
    answer.locator("a.cite").first.click()
    page.wait_for_function("document.querySelector('#cite-1-1').classList.contains('flash')")
    card.locator("details.section summary").click()
    assert "GOCO" in card.locator(".section-text").inner_text()
    screenshot(page, "01-answer-with-sources")

    follow_up = ask(page, "それはいつから使えますか？", 2)
    searched = follow_up.locator(".searched-as").inner_text()
    assert "GOCOはいつから使えますか？" in searched
    assert "2月" in follow_up.inner_text()
    screenshot(page, "02-follow-up")


def test_abstention_looks_different_and_shows_the_nearest_passages(page: Any) -> None:
    message = ask(page, "今日の東京の天気はどうですか？", 1)
    assert message.get_attribute("class") == "abstain"
    assert "回答を控えます" in message.inner_text()
    assert page.locator("#sources .turn-sources.abstained .source-card").count() >= 1
    screenshot(page, "03-abstention")


def test_filters_limit_the_sources_to_the_chosen_kind(page: Any) -> None:
    page.locator("#filters").get_by_text("検索対象の絞り込み").click()
    page.locator("#filter-kinds label", has_text="解説記事").click()
    ask(page, "経済安全保障の取り組みについて教えてください", 1)
    metas = page.locator("#sources .source-card .doc-meta").all_inner_texts()
    assert metas and all(meta.startswith("解説記事") for meta in metas)


def test_reply_draft_is_editable_and_downloads_as_docx_and_markdown(
    page: Any, tmp_path: Path
) -> None:
    ask(page, "安定供給確保支援法人はどのような業務を行いますか？", 1)
    choose_mode(page, "回答案作成")
    draft = page.locator("#draft textarea")
    text = draft.input_value()
    assert "ご照会に対する回答（案）" in text and "所管の担当課にご確認ください" in text
    assert "安定供給確保支援法人はどのような業務を行いますか？" in text
    draft.fill(text.replace("ご照会者 様", "株式会社サンプル 御中"))
    screenshot(page, "04-reply-draft")

    def docx_has_edit() -> bool:
        path = download(page, "#download-docx", tmp_path)
        return "株式会社サンプル 御中" in [p.text for p in Document(str(path)).paragraphs]

    assert eventually(docx_has_edit), "the .docx carries the edited text"
    markdown = download(page, "#download-md", tmp_path).read_text(encoding="utf-8")
    assert "## 2. 回答" in markdown and "株式会社サンプル 御中" in markdown


def test_onboarding_shows_the_glossary_and_starter_questions(page: Any) -> None:
    choose_mode(page, "オンボーディング")
    terms = page.locator("#glossary .term")
    terms.nth(len(TERMS) - 1).wait_for(timeout=120_000)
    assert terms.count() == len(TERMS)
    assert page.locator("#glossary .term-quote").count() == len(TERMS)
    goco = page.locator("#glossary .term[data-term='施設委託管理者']")
    assert "「施設委託管理者」という" in goco.inner_text()
    screenshot(page, "05-onboarding")
    page.get_by_role("button", name=STARTER_QUESTIONS[0]).click()
    page.wait_for_function("document.querySelectorAll('#sources details.turn-sources').length >= 1")
    assert page.locator("#chat .answer").count() == 1


def _pick(page: Any, dropdown: str, label: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=label).click()


def test_uploaded_document_is_searchable_at_once_and_can_be_deleted(
    page: Any, tmp_path: Path, ui_assistant: Any
) -> None:
    broken, rules = tmp_path / "broken.pdf", tmp_path / "export-control-rules.txt"
    broken.write_text("not a pdf", encoding="utf-8")
    rules.write_text(RULES, encoding="utf-8")
    open_tab(page, "文書管理")
    rows = page.locator("#documents-table tbody tr").count()
    page.locator("#upload input[type=file]").set_input_files(str(broken))
    error = page.locator("#documents-status .status-error")
    assert "broken.pdf" in error.inner_text(timeout=60_000)
    assert page.locator("#documents-table tbody tr").count() == rows
    page.locator("#upload input[type=file]").set_input_files(str(rules))
    page.locator("#documents-status .status-ok").wait_for(timeout=120_000)
    assert "社内輸出管理規程" in page.locator("#documents-table").inner_text()
    screenshot(page, "06-documents")

    open_tab(page, "アシスタント")
    page.locator("#filters").get_by_text("検索対象の絞り込み").click()
    _pick(page, "#filter-documents", "社内輸出管理規程")  # the filter offers the new document
    answer = ask(page, "該非判定の記録は何年間保存しますか？", 1)
    assert "七年間" in answer.inner_text()
    assert "社内輸出管理規程" in page.locator("#cite-1-1 .doc-title").inner_text()

    open_tab(page, "文書管理")
    _pick(page, "#delete-choice", "社内輸出管理規程")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#delete").click()
    page.locator("#documents-status .status-ok", has_text="削除しました").wait_for()
    assert "社内輸出管理規程" not in page.locator("#documents-table").inner_text()
    assert all(e.source != rules.name for e in ui_assistant.documents())


def test_dislike_with_comment_is_exported_as_an_evaluation_case(
    page: Any, ui_assistant: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "供給確保計画の認定を受けるには何が必要ですか？"
    ask(page, question, 1)
    page.locator("#chat button[aria-label='よくないね']").last.click()
    page.locator("#feedback-comment").wait_for(state="visible")
    page.locator("#feedback-text textarea").fill("申請書類の一覧が知りたかった")
    screenshot(page, "07-feedback")
    page.locator("#feedback-send").click()
    page.locator("#feedback-comment").wait_for(state="hidden")

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(ui_assistant.settings.data_dir))
    out = tmp_path / "cases.jsonl"
    result = CliRunner().invoke(cli.main, ["feedback", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cases = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    case = next(c for c in cases if c["question"] == question)
    assert case["review"]["comment"] == "申請書類の一覧が知りたかった"
    assert case["gold"] and all(g["source"] and g["quote"] for g in case["gold"])
