"""build_embedder picks the backend from the settings; a missing package is named."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from assistant.config import load_settings
from assistant.embedding import SentenceTransformerEmbedder, TokenEmbedder, build_embedder
from assistant.embedding.onnx_export import build_onnx_model, onnx_folder_for
from assistant.embedding.onnx_runtime import OnnxEmbedder
from assistant.errors import ConfigError, ModelError


def test_torch_is_the_default_backend() -> None:
    embedder = build_embedder(load_settings())
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert isinstance(embedder, TokenEmbedder)


def test_onnx_backend_is_chosen_by_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "onnx")
    embedder = build_embedder(load_settings())
    assert isinstance(embedder, OnnxEmbedder)
    assert embedder.name.endswith("@onnx-qint8")  # a different index fingerprint than torch's


def test_unknown_backend_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "tensorrt")
    with pytest.raises(ConfigError, match="EMBEDDING_BACKEND"):
        load_settings()


def test_export_folder_sits_beside_the_model() -> None:
    assert onnx_folder_for(Path("/m/multilingual-e5-small")) == Path(
        "/m/multilingual-e5-small-onnx-qint8"
    )


def test_export_without_onnxscript_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    (tmp_path / "model.safetensors").write_bytes(b"")
    real_import = builtins.__import__

    def without_onnxscript(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "onnxscript":
            raise ImportError("No module named 'onnxscript'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_onnxscript)
    with pytest.raises(ModelError, match=r"onnxscript.*\[onnx\]"):
        build_onnx_model(tmp_path)


def test_onnx_backend_refuses_a_hub_name() -> None:
    with pytest.raises(ModelError, match="local model folder"):
        OnnxEmbedder("intfloat/multilingual-e5-small").embed_query("x")
