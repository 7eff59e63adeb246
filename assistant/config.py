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
    # prepare-model; needs the [onnx] extra), see assistant/embedding/onnx_runtime.py; openvino
    # its OpenVINO IR (the [openvino] extra), see assistant/embedding/openvino_runtime.py.
    embedding_backend: Literal["torch", "onnx", "openvino"] = "torch"
    # How ingest embeds each sentence for the reranker and the answerer: on its own, alone and
    # after its header (separate), or pooled from its chunk's single pass (late); see
    # assistant/sentences.py SentenceIndexer.
    sentence_vectors: Literal["separate", "late"] = "separate"

    vector_store: Literal["chroma", "memory"] = "chroma"
    chroma_mode: Literal["persistent", "http"] = "persistent"
    index_follow_s: float = Field(2.0, ge=0.0, le=3600.0)
    chroma_host: str = "127.0.0.1"
    chroma_port: int = Field(8000, ge=1, le=65535)
    # Chunks (text, metadata and vector) the Chroma adapter keeps once read, least recently
    # used dropped first: a bound on its memory whatever the index's size (0 = keep none).
    index_cache_chunks: int = Field(10_000, ge=0, le=10_000_000)

    chunk_size: int = Field(450, ge=100, le=4000)
    chunk_overlap: int = Field(80, ge=0, le=1000)

    top_k: int = Field(5, ge=1, le=50)
    candidate_k: int = Field(40, ge=5, le=500)

    # Retrieval: BM25's parameters, and the weights of the standardized dense, word-BM25 and
    # bigram-BM25 scores.
    bm25_k1: float = Field(0.9, gt=0.0, le=5.0)
    bm25_b: float = Field(0.4, ge=0.0, le=1.0)
    fusion_dense_weight: float = Field(0.5, ge=0.0, le=5.0)
    fusion_words_weight: float = Field(0.2, ge=0.0, le=5.0)
    fusion_bigrams_weight: float = Field(0.3, ge=0.0, le=5.0)

    # Ranking: the steps, in order, and each step's weights (README: configuration).
    ranking_steps: str = "boosts,conversation,sentences,quotes,primary,provisions,delegation,references,subjects,cues,sanctioned,changes,applies"
    boost_named_source: float = Field(1.0, ge=0.0, le=10.0)
    boost_implementing_source: float = Field(0.5, ge=0.0, le=10.0)
    boost_definition: float = Field(1.0, ge=0.0, le=10.0)
    provisions_pinned: int = Field(3, ge=0, le=20)
    subjects_after: int = Field(1, ge=0, le=50)
    conversation_anchors: int = Field(3, ge=0, le=20)
    conversation_bonus: float = Field(1.0, ge=0.0, le=10.0)
    rerank_pool_weight: float = Field(1.0, ge=0.0, le=5.0)
    rerank_depth: int = Field(15, ge=0, le=200)
    rerank_weight: float = Field(0.2, ge=0.0, le=5.0)
    rerank_lexical_weight: float = Field(0.1, ge=0.0, le=5.0)
    primary_depth: int = Field(15, ge=0, le=200)
    cues_depth: int = Field(5, ge=0, le=50)
    changes_depth: int = Field(10, ge=0, le=50)
    applies_depth: int = Field(10, ge=0, le=50)
    delegation_parents: int = Field(2, ge=0, le=20)
    delegation_links: int = Field(2, ge=1, le=10)
    delegation_tie: float = Field(0.02, ge=0.0, le=1.0)
    reference_parents: int = Field(3, ge=0, le=20)
    reference_links: int = Field(1, ge=1, le=10)
    reference_tie: float = Field(0.03, ge=0.0, le=1.0)

    # Answering and abstention.
    answerer: Literal["auto", "extractive", "llm"] = "auto"
    abstain_threshold: float = Field(0.27, ge=0.0, le=1.0)
    abstain_threshold_en: float = Field(0.15, ge=0.0, le=1.0)
    evidence_dense_floor: float = Field(0.80, ge=-1.0, le=1.0)
    evidence_dense_ceiling: float = Field(0.94, ge=-1.0, le=1.0)
    evidence_dense_floor_en: float = Field(0.75, ge=-1.0, le=1.0)
    evidence_dense_ceiling_en: float = Field(0.85, ge=-1.0, le=1.0)
    answer_sentences: int = Field(5, ge=1, le=10)
    answer_decisive_sentences: int = Field(3, ge=1, le=10)
    answer_semantic_weight: float = Field(0.1, ge=0.0, le=5.0)
    answer_rank_prior: tuple[float, ...] = (0.30, 0.18, 0.10, 0.05, 0.0)
    answer_cue_bonus: float = Field(0.3, ge=0.0, le=5.0)
    answer_bare_item_weight: float = Field(0.7, ge=0.0, le=1.0)
    answer_referent_weight: float = Field(0.5, ge=0.0, le=1.0)
    answer_diverse_passages: int = Field(2, ge=0, le=10)
    answer_passages: int = Field(5, ge=1, le=50)
    # Query understanding: add the documents' terms for everyday words (corpus/thesaurus.yaml).
    thesaurus: bool = True
    english_terms_vector: bool = True
    max_question_chars: int = Field(1000, ge=10, le=100_000)

    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout_s: float = Field(60.0, gt=0)

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    # Events the server runs at once per listener (chosen from evals/benchmarks/load.py).
    queue_concurrency: int = Field(8, ge=1, le=256)

    # Access (assistant.access): how long a UI sign-in lasts, the shortest password accepted,
    # and how many days audit records are kept before `assistant audit purge` may delete them
    # (0 = forever: nothing can be purged).
    session_ttl_minutes: int = Field(480, ge=1, le=43_200)
    password_min_length: int = Field(12, ge=8, le=128)
    audit_retention_days: int = Field(0, ge=0, le=36_500)

    @property
    def llm_enabled(self) -> bool:
        """Whether an OpenAI-compatible endpoint is configured for fluent answers."""
        return bool(self.llm_base_url and self.llm_model)

    @property
    def steps(self) -> tuple[str, ...]:
        """The ranking steps, in order (``ranking_steps`` is comma-separated; empty = none)."""
        return tuple(s.strip() for s in self.ranking_steps.split(",") if s.strip())


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
    from assistant.pipeline import RANKING_STEPS  # the registry lives with the composition

    unknown_steps = [s for s in settings.steps if s not in RANKING_STEPS]
    if unknown_steps:
        raise ConfigError(
            f"{ENV_PREFIX}RANKING_STEPS: unknown step(s) {', '.join(unknown_steps)}; "
            f"known: {', '.join(RANKING_STEPS)}"
        )
    if settings.answerer == "llm" and not settings.llm_enabled:
        raise ConfigError(
            f"{ENV_PREFIX}ANSWERER=llm needs {ENV_PREFIX}LLM_BASE_URL and {ENV_PREFIX}LLM_MODEL"
        )
    if settings.chunk_overlap >= settings.chunk_size // 2:
        raise ConfigError(
            f"{ENV_PREFIX}CHUNK_OVERLAP ({settings.chunk_overlap}) must be less than half of "
            f"{ENV_PREFIX}CHUNK_SIZE ({settings.chunk_size})"
        )
    return settings
