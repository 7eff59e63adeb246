"""The LLM answerer: fluent answers from an OpenAI-compatible endpoint, never less grounded.

The LLM only ever sees the passages the extractive answerer already chose, and only runs when
that answerer did not abstain. Its output is checked sentence by sentence: each sentence must
cite a listed passage with [n] and be supported by it (character-trigram overlap, or embedding
similarity for a cross-language answer). Unsupported sentences are dropped; if nothing
survives, or the endpoint fails, the extractive answer is returned unchanged with a note.
LangChain's chat model type stays inside this module.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.support import GENERATED_SUPPORT_THRESHOLD, support_score
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.index.snapshot import Snapshot
from assistant.japanese import split_sentences
from assistant.types import Answer, AnswerSentence, Hit, Query

log = logging.getLogger(__name__)

_MARKERS = re.compile(r"\[(\d+)\]")
SYSTEM_PROMPT = (
    "あなたは経済安全保障関連法令の照会に答える補助者です。与えられた資料の記述だけを使い、"
    "質問と同じ言語で簡潔に答えてください。各文の末尾に根拠資料の番号を [1] のように付けてください。"
    "資料にないことは書かないでください。推測、一般知識、資料にない数字や日付は禁止です。"
)


def build_prompt(answer: Answer) -> str:
    """The user message: numbered passages, the question and the extractive draft."""
    passages = "\n\n".join(
        f"[{c.marker}] {c.chunk.title} {c.chunk.location}\n{c.chunk.text}" for c in answer.citations
    )
    return f"資料:\n{passages}\n\n質問: {answer.question}\n\n抜粋による回答案:\n{answer.text}"


def check_sentences(
    text: str, answer: Answer, similarity: Callable[[str, str], float] | None = None
) -> tuple[AnswerSentence, ...]:
    """Keep the generated sentences that cite a listed passage which supports them."""
    passages = {c.marker: c.chunk.text for c in answer.citations}
    kept: list[AnswerSentence] = []
    for sentence in split_sentences(text):
        markers = [int(m) for m in _MARKERS.findall(sentence)]
        body = _MARKERS.sub("", sentence).strip()
        cited = [m for m in markers if m in passages]
        if not body or not cited:
            continue
        marker = cited[0]
        score = max(support_score(body, passages[m]) for m in cited)
        if score < GENERATED_SUPPORT_THRESHOLD and similarity is not None:
            score = max(score, max(similarity(body, passages[m]) for m in cited))
        if score >= GENERATED_SUPPORT_THRESHOLD:
            kept.append(AnswerSentence(body, marker))
    return tuple(kept)


def _call_llm(prompt: str, settings: Settings) -> str:
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
        model=settings.llm_model,
        timeout=settings.llm_timeout_s,
        temperature=0,
        max_retries=1,
    )
    reply = model.invoke([SystemMessage(SYSTEM_PROMPT), HumanMessage(prompt)])
    return str(reply.content)


def rewrite_with_llm(
    answer: Answer,
    settings: Settings,
    similarity: Callable[[str, str], float] | None = None,
) -> Answer:
    """A fluent version of a grounded answer, or the answer itself if that cannot be had."""
    try:
        generated = _call_llm(build_prompt(answer), settings)
    except Exception as exc:  # noqa: BLE001 - any endpoint failure falls back to extractive
        log.warning("LLM endpoint failed, using the extractive answer: %s", exc)
        return _with_note(answer, "LLM endpoint unavailable; showing quoted passages")
    sentences = check_sentences(generated, answer, similarity)
    if not sentences:
        return _with_note(answer, "LLM output was not supported by the sources; showing quotes")
    used = {s.marker for s in sentences}
    return Answer(
        question=answer.question,
        searched_query=answer.searched_query,
        text="\n".join(f"{s.text} [{s.marker}]" for s in sentences),
        abstained=False,
        sentences=sentences,
        citations=tuple(c for c in answer.citations if c.marker in used),
        nearest=answer.nearest,
        language=answer.language,
        notes=answer.notes,
        generated=True,
        evidence=answer.evidence,
    )


def _with_note(answer: Answer, note: str) -> Answer:
    return Answer(**{**answer.__dict__, "notes": (*answer.notes, note)})


class LLMAnswerer:
    """Answers extractively first, then has the configured LLM say it fluently.

    The extractive answer decides whether to answer and which passages count; the LLM only
    rephrases what they say, and every sentence it writes is checked against them.
    """

    def __init__(
        self, extractive: ExtractiveAnswerer, settings: Settings, embedder: Embedder
    ) -> None:
        self._extractive = extractive
        self._settings = settings
        self._embedder = embedder

    def answer(self, query: Query, hits: Sequence[Hit], snapshot: Snapshot) -> Answer:
        """The extractive answer, rewritten by the LLM when it did not abstain."""
        grounded = self._extractive.answer(query, hits, snapshot)
        if grounded.abstained:
            return grounded
        return rewrite_with_llm(grounded, self._settings, self.semantic_support)

    def semantic_support(self, sentence: str, passage: str) -> float:
        """Cross-language support in [0, 1]: e5 cosine 0.80 maps to 0, 0.90 to 1 (0.85 = 0.5)."""
        vectors = self._embedder.embed_passages([sentence, passage])
        cosine = sum(a * b for a, b in zip(vectors[0], vectors[1], strict=True))
        return min(1.0, max(0.0, (cosine - 0.80) / 0.10))
