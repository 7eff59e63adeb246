"""Answers as text and as JSON: one rendering shared by the CLI, the UI and the evaluation."""

from __future__ import annotations

from typing import Any

from assistant.law.lines import quoted_provision
from assistant.types import Answer, Chunk, Citation, DefinedTerm


def citation_label(chunk: Chunk) -> str:
    """'Title 第N条' or 'Title p.N': how a source is named to users."""
    return f"{chunk.title} {chunk.location}".strip()


def _provision(citation: Citation) -> dict[str, str]:
    """The 項 and 号 a citation's quote comes from (第一条 "第三号" for 「三 永久磁石」)."""
    paragraph, item = quoted_provision(citation.chunk, citation.quote)
    return {"paragraph": paragraph, "item": item}


def provision_label(chunk: Chunk) -> str:
    """'Title 第四十五条第三項第二号': a linked provision as the sources panel names it."""
    return f"{chunk.title} {chunk.citation or chunk.location}".strip()


def _linked(chunks: tuple[Chunk, ...]) -> list[dict[str, str]]:
    return [
        {
            "source": c.source,
            "title": c.title,
            "provision": c.citation,
            "chunk_id": c.chunk_id,
        }
        for c in chunks
    ]


def _definition(defined: DefinedTerm) -> dict[str, str]:
    return {
        "term": defined.term,
        "source": defined.chunk.source,
        "title": defined.chunk.title,
        "provision": defined.provision,
        "chunk_id": defined.chunk.chunk_id,
        "text": defined.text,
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The JSON shape of ``assistant ask --json``."""
    return {
        "question": answer.question,
        "searched_query": answer.searched_query,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {
                "marker": c.marker,
                "source": c.chunk.source,
                "title": c.chunk.title,
                "article": c.chunk.article,
                **_provision(c),
                "page": c.chunk.page,
                "heading": c.chunk.heading,
                "chunk_id": c.chunk.chunk_id,
                "quote": c.quote,
                "superseded_by": c.chunk.superseded_by,
                "references": _linked(c.references),
                "referenced_by": _linked(c.referenced_by),
            }
            for c in answer.citations
        ],
        "definitions": [_definition(d) for d in answer.definitions],
        "nearest": [
            {
                "source": h.chunk.source,
                "title": h.chunk.title,
                "article": h.chunk.article,
                "page": h.chunk.page,
                "chunk_id": h.chunk.chunk_id,
                "score": round(h.score, 4),
                "text": h.chunk.text,
            }
            for h in (answer.nearest[:3] if answer.abstained else ())
        ],
    }


def render_answer_text(answer: Answer) -> str:
    """Plain-text rendering for the terminal: answer, then numbered sources."""
    lines = [answer.text, ""]
    if answer.abstained:
        lines.append("最も近い箇所 / Nearest passages:")
        for i, hit in enumerate(answer.nearest, start=1):
            lines.append(f"  ({i}) {citation_label(hit.chunk)}")
            lines.append(f"      {hit.chunk.text[:200]}")
        return "\n".join(lines).rstrip()
    lines.append("出典 / Sources:")
    for citation in answer.citations:
        note = (
            f"（新版あり: {citation.chunk.superseded_by}）" if citation.chunk.superseded_by else ""
        )
        lines.append(f"  [{citation.marker}] {citation_label(citation.chunk)}{note}")
        lines.append(f"      「{citation.quote}」")
        for name, linked in (("参照", citation.references), ("被参照", citation.referenced_by)):
            if linked:
                lines.append(f"      {name}: " + "、".join(provision_label(c) for c in linked))
    if answer.definitions:
        lines.append("用語の定義 / Definitions:")
        for defined in answer.definitions:
            where = f"{defined.chunk.title} {defined.provision}".strip()
            lines.append(f"  {defined.term}（{where}）: {defined.text}")
    return "\n".join(lines).rstrip()
