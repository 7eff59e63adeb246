"""Signed in as a firm user and as staff in a real browser: the same question, different answers.

A staff-only council note (tests/restricted.py) is indexed next to the corpus. The firm user
asks about it by name and sees nothing of it -- not in the answer, the sources panel or the
documents page -- while the staff user gets it cited. Screenshots of both go to
artifacts/screenshots/ for a person to compare.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.access.visibility import STAFF
from tests.restricted import NAME, QUESTIONS, mentions, write_note
from tests.ui.conftest import VIEWPORT, screenshot, sign_in
from tests.ui.test_browser import ANSWER_TIMEOUT_MS, open_tab

pytestmark = [pytest.mark.integration, pytest.mark.browser]


@pytest.fixture(scope="module")
def note(ui_assistant: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = write_note(tmp_path_factory.mktemp("note"))
    report = ui_assistant.ingest([path], prune=False, visibility=STAFF)
    assert report.ok, report.failed
    yield NAME
    ui_assistant.remove_document(NAME)


def _session(browser: Any, app_url: str, user: str) -> Any:
    context = browser.new_context(viewport=VIEWPORT, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, app_url, user)
    return page


def _ask(page: Any, question: str) -> str:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#sources details.turn-sources').length >= 1",
        timeout=ANSWER_TIMEOUT_MS,
    )
    return str(page.locator("#chat").inner_text() + page.locator("#sources").inner_text())


def test_a_firm_user_and_staff_see_different_things(browser: Any, app_url: str, note: str) -> None:
    shown: dict[str, tuple[str, str]] = {}
    for user in ("browser-firm", "browser-staff"):
        page = _session(browser, app_url, user)
        assert user in page.locator("#signed-in").inner_text()
        chat = _ask(page, QUESTIONS[0])
        screenshot(page, f"10-{user}-asks-about-the-council-note")
        open_tab(page, "文書管理")
        page.locator("#documents-table table").wait_for(state="visible")
        documents = page.locator("#documents-table").inner_text()
        screenshot(page, f"11-{user}-documents")
        shown[user] = (chat, documents)
        page.locator("#sign-out").click()
        page.locator("#signin-name").wait_for(state="visible")
        page.context.close()
    firm_chat, firm_documents = shown["browser-firm"]
    staff_chat, staff_documents = shown["browser-staff"]
    assert not mentions(firm_chat) and note not in firm_documents
    assert mentions(staff_chat) and note in staff_documents
    assert "職員のみ" in staff_documents


def test_a_signed_out_browser_gets_the_sign_in_page(browser: Any, app_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="ja-JP")
    page = context.new_page()
    page.goto(app_url, wait_until="load")
    assert page.url.endswith("/signin")
    page.locator("#signin-name").fill("browser-firm")
    page.locator("#signin-password").fill("wrong password!")
    page.locator("#signin-submit").click()
    assert "正しくありません" in page.locator("#signin-error").inner_text()
    screenshot(page, "12-sign-in-refused")
    context.close()
