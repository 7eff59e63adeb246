"""Browser-test fixtures: the real app on a free 127.0.0.1 port, driven by Debian's chromium.

The app runs in this process (a Gradio server thread) over a real Assistant with the real
embedding model. Its index lives in artifacts/ui-index (git-ignored) so that only the first run
on a machine pays for embedding the corpus; ingestion is idempotent, so later runs only check
hashes. Feedback, uploads and the glossary cache go to a fresh temporary data folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, ROOT, free_port, make_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
UI_INDEX = ROOT / "artifacts" / "ui-index"
VIEWPORT = {"width": 1440, "height": 1000}


@pytest.fixture(scope="module")
def shared_fake_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One fast fake-embedder Assistant per module; tests that add documents remove them."""
    from assistant.embedding import HashingEmbedder
    from assistant.service import Assistant

    tmp = tmp_path_factory.mktemp("fake")
    assistant = Assistant(make_settings(tmp), HashingEmbedder())
    assistant.ingest([CORPUS])
    yield assistant


def remove_uploads(assistant: Any) -> None:
    """Drop every indexed document that is not part of the shipped corpus."""
    corpus = str(CORPUS.resolve())
    for entry in assistant.all_documents():
        if not entry.path.startswith(corpus):
            assistant.remove_document(entry.source)


@pytest.fixture(scope="session")
def ui_assistant(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real Assistant over the shipped corpus, its index reused between runs."""
    from assistant.service import Assistant

    os.environ["HF_HUB_OFFLINE"] = "1"
    data = tmp_path_factory.mktemp("ui-data")
    assistant = Assistant(make_settings(data, index_dir=UI_INDEX, data_dir=data))
    report = assistant.ingest([CORPUS])
    assert report.ok, report.failed
    remove_uploads(assistant)  # left by an interrupted earlier run
    return assistant


# Accounts of the browser tests: the page fixture signs in as the admin, so the older tests
# (uploads, deletes) keep every right; the access tests sign in as the firm and staff users.
BROWSER_USERS = {"browser-admin": "admin", "browser-firm": "firm", "browser-staff": "staff"}
BROWSER_PASSWORD = "browser test password"


@pytest.fixture(scope="session")
def app_url(ui_assistant: Any) -> Iterator[str]:
    """The product app, launched as `assistant serve` launches it, on a free local port."""
    from argon2 import PasswordHasher

    from assistant.access.passwords import Passwords
    from assistant.access.principal import Role
    from assistant.access.users import USERS_FILE, UserStore
    from assistant.ui.server import launch

    cheap = Passwords(hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    users = UserStore(ui_assistant.settings.data_dir / USERS_FILE, cheap)
    for name, role in BROWSER_USERS.items():
        if users.find(name) is None:
            users.add(name, Role(role), BROWSER_PASSWORD)
    port = free_port()
    server = launch(ui_assistant, "127.0.0.1", port, block=False)
    assert server is not None
    yield f"http://127.0.0.1:{port}/"
    server.close()


def sign_in(page: Any, app_url: str, name: str) -> None:
    """Sign in through the sign-in page and wait until the chat is ready."""
    page.goto(app_url, wait_until="load")  # redirected to the sign-in page
    page.locator("#signin-name").fill(name)
    page.locator("#signin-password").fill(BROWSER_PASSWORD)
    page.locator("#signin-submit").click()
    page.locator("#question textarea").wait_for(state="visible")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright (Playwright's own browser download is not used)."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: run scripts/install-browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh browser session on the app, loaded and ready for input."""
    context = browser.new_context(viewport=VIEWPORT, locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, app_url, "browser-admin")
    yield page
    context.close()


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    """Save a screenshot under artifacts/screenshots (git-ignored) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
