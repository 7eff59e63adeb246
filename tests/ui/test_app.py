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
from tests.conftest import free_port


def test_app_serves_on_localhost_with_analytics_and_footer_off(shared_fake_assistant: Any) -> None:
    port = free_port()
    app = ui_app.launch(shared_fake_assistant, "127.0.0.1", port, block=False)
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
        config = httpx.get(f"http://127.0.0.1:{port}/config", timeout=30).json()
    finally:
        app.close()
    assert page.status_code == 200 and ui_app.TITLE in page.text
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert app.analytics_enabled is False
    assert config["footer_links"] == []
    assert "fonts.googleapis.com" not in page.text


def test_serve_binds_to_localhost_7860_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, int]] = []
    idle = SimpleNamespace(warm_up=lambda: None)  # serve must not load the model here
    monkeypatch.setattr(cli, "open_assistant", lambda settings=None: idle)
    monkeypatch.setattr(ui_app, "launch", lambda _assistant, host, port: calls.append((host, port)))
    runner = CliRunner()
    assert runner.invoke(cli.main, ["serve"]).exit_code == 0
    assert runner.invoke(cli.main, ["serve", "--host", "0.0.0.0", "--port", "8080"]).exit_code == 0
    assert calls == [("127.0.0.1", 7860), ("0.0.0.0", 8080)]
