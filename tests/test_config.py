from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError


def test_defaults_run_offline_on_loopback() -> None:
    settings = load_settings()
    assert settings.host == "127.0.0.1"
    assert settings.chroma_mode == "persistent"
    assert settings.index_dir == Path("index")
    assert not settings.llm_enabled


def test_unknown_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TOPK", "3")
    with pytest.raises(ConfigError, match="ASSISTANT_TOPK"):
        load_settings()


def test_bad_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TOP_K", "zero")
    with pytest.raises(ConfigError, match="ASSISTANT_TOP_K"):
        load_settings()


def test_overlap_must_be_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CHUNK_OVERLAP", "400")
    with pytest.raises(ConfigError, match="CHUNK_OVERLAP"):
        load_settings()


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CHROMA_MODE", "http")
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", "8123")
    settings = load_settings()
    assert (settings.chroma_mode, settings.chroma_port) == ("http", 8123)
