"""The one settings object, read from ``ASSISTANT_*`` environment variables (or a .env file).

Everything a deployment may change lives here and is checked when ``Settings`` is built, so a
typo in a setting fails at start-up with a message naming it instead of silently using a
default. Code receives a ``Settings`` instance; nothing else reads the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigError

ENV_PREFIX = "ASSISTANT_"
DEFAULT_MODEL_DIR = Path("models") / "multilingual-e5-small"


class Settings(BaseSettings):
    """All settings of the assistant; see the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="forbid", frozen=True
    )

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    data_dir: Path = Path("data")
    collection: str = Field("assistant", min_length=3, max_length=512, pattern=r"^[A-Za-z0-9._-]+$")

    embedding_model: str = str(DEFAULT_MODEL_DIR)
    embedding_batch_size: int = Field(16, ge=1, le=256)
    embedding_dtype: Literal["auto", "float32", "bfloat16"] = "auto"
    # torch runs the model folder in embedding_dtype; onnx runs its int8 export (built by
    # prepare-model; needs the [onnx] extra), see assistant/embedding/onnx_runtime.py.
    embedding_backend: Literal["torch", "onnx"] = "torch"

    chroma_mode: Literal["persistent", "http"] = "persistent"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = Field(8000, ge=1, le=65535)

    chunk_size: int = Field(450, ge=100, le=4000)
    chunk_overlap: int = Field(80, ge=0, le=1000)

    top_k: int = Field(5, ge=1, le=50)
    candidate_k: int = Field(40, ge=5, le=500)
    # Second stage (assistant.rerank): how much each candidate's best-sentence score counts
    # (z-score units) over the whole candidate pool, and again among the first rerank_depth
    # hits (both weights 0 turn it off); and how much the share of the question's words in a
    # sentence adds to its e5 similarity (0 = similarity only).
    rerank_pool_weight: float = Field(1.0, ge=0.0, le=5.0)
    rerank_depth: int = Field(15, ge=0, le=200)
    rerank_weight: float = Field(0.2, ge=0.0, le=5.0)
    rerank_lexical_weight: float = Field(0.1, ge=0.0, le=5.0)
    # Calibrated with evals/calibrate_abstention.py on the domain dataset (see README).
    abstain_threshold: float = Field(0.38, ge=0.0, le=1.0)
    abstain_threshold_en: float = Field(0.15, ge=0.0, le=1.0)
    answer_sentences: int = Field(4, ge=1, le=10)
    # How much the e5 similarity of a sentence to the question counts when choosing the
    # sentences to quote, next to the share of question words it contains (0 = words only).
    answer_semantic_weight: float = Field(0.1, ge=0.0, le=5.0)
    max_question_chars: int = Field(1000, ge=10, le=100_000)

    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout_s: float = Field(60.0, gt=0)

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)

    @property
    def llm_enabled(self) -> bool:
        """Whether an OpenAI-compatible endpoint is configured for fluent answers."""
        return bool(self.llm_base_url and self.llm_model)


def _unknown_env_settings() -> list[str]:
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    return sorted(k for k in os.environ if k.startswith(ENV_PREFIX) and k not in known)


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment plus explicit overrides, or raise ConfigError.

    pydantic-settings ignores unknown environment variables even with ``extra="forbid"``, so
    they are checked here: a misspelt ``ASSISTANT_TOPK`` must not be silently ignored.
    """
    unknown = _unknown_env_settings()
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(ENV_PREFIX + n.upper() for n in Settings.model_fields)}"
        )
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{ENV_PREFIX}{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid setting: {problems}") from exc
    if settings.chunk_overlap >= settings.chunk_size // 2:
        raise ConfigError(
            f"{ENV_PREFIX}CHUNK_OVERLAP ({settings.chunk_overlap}) must be less than half of "
            f"{ENV_PREFIX}CHUNK_SIZE ({settings.chunk_size})"
        )
    return settings
