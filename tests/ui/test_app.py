"""The served app without a browser: privacy defaults and the `serve` command's defaults."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from assistant import cli
from assistant.ui import app as ui_app
from assistant.ui import server as ui_server
from tests.conftest import free_port


def test_app_serves_on_localhost_with_analytics_and_footer_off(shared_fake_assistant: Any) -> None:
    from assistant.access.principal import Role
    from assistant.access.users import USERS_FILE, UserStore
    from tests.access.conftest import PASSWORD

    users = UserStore(shared_fake_assistant.settings.data_dir / USERS_FILE)
    if users.find("viewer") is None:
        users.add("viewer", Role.FIRM, PASSWORD)
    port = free_port()
    server = ui_server.launch(shared_fake_assistant, "127.0.0.1", port, block=False)
    assert server is not None
    try:
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        signed_out = http.get("/", follow_redirects=True)
        http.post("/signin", data={"name": "viewer", "password": PASSWORD})
        page = http.get("/")
        config = http.get("/config").json()
    finally:
        server.close()
    assert "サインイン" in signed_out.text and "fonts.googleapis.com" not in signed_out.text
    assert page.status_code == 200 and ui_app.TITLE in page.text
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert config["footer_links"] == [] and config["username"] == "viewer"
    assert "fonts.googleapis.com" not in page.text


def test_serve_binds_to_localhost_7860_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, int]] = []
    # serve must not load the model here
    idle = SimpleNamespace(warm_up=lambda words=True: None, own_index=lambda: None)
    monkeypatch.setattr(cli, "open_assistant", lambda settings=None: idle)
    monkeypatch.setattr(
        ui_server, "launch", lambda _assistant, host, port: calls.append((host, port))
    )
    runner = CliRunner()
    assert runner.invoke(cli.main, ["serve"]).exit_code == 0
    assert runner.invoke(cli.main, ["serve", "--host", "0.0.0.0", "--port", "8080"]).exit_code == 0
    assert calls == [("127.0.0.1", 7860), ("0.0.0.0", 8080)]


def test_closing_the_server_waits_for_the_glossary_warm_up(
    fake_assistant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm-up thread still inside the model when the interpreter exits aborts the process
    (exit code 134, "terminate called without an active exception", seen after the browser
    tests): closing the server waits for it."""
    import threading
    import time

    from assistant import glossary

    looked_up: list[str] = []

    def slow_look_up(_assistant: Any, term: glossary.Term) -> glossary.GlossaryEntry:
        time.sleep(0.2)
        looked_up.append(term.name)
        return glossary.GlossaryEntry(term.name, term.aliases)

    monkeypatch.setattr(glossary, "look_up", slow_look_up)
    server = ui_server.launch(fake_assistant, "127.0.0.1", free_port(), block=False)
    assert server is not None
    server.close()
    assert not [t for t in threading.enumerate() if t.name == "glossary-warm-up"]
    assert len(looked_up) == len(glossary.TERMS)
