"""HTML for answers in the chat and for the sources panel beside it.

An answer is only as good as the user's ability to check it, so every cited sentence carries a
marker that links to its source card, and every card shows the passage with the cited sentence
highlighted and can open the whole section. Abstentions are styled apart (amber, 回答を控えます)
and their cards are labelled as nearest passages, never as sources. All document text is
escaped: uploaded files are user content.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.access.principal import Principal
from assistant.types import Answer, Chunk, Citation
from assistant.ui.context import surrounding_section
from assistant.ui.labels import KIND_LABELS, chunk_heading, short_title

if TYPE_CHECKING:
    from assistant.service import Assistant

EMPTY_PANEL = (
    '<div class="panel-empty">質問すると、回答の根拠となった条文・資料がここに表示されます。'
    "回答中の番号 <span class='cite-sample'>1</span> を押すと該当する出典に移動します。</div>"
)
PANEL_TURNS = 10


def cite_id(turn: int, marker: int) -> str:
    """The element id of a source card, shared by the marker link and the card."""
    return f"cite-{turn}-{marker}"


def near_id(turn: int, index: int) -> str:
    """The element id of a nearest-passage card of an abstention."""
    return f"near-{turn}-{index}"


def highlight(text: str, sentences: Sequence[str]) -> str:
    """Escape text and wrap each occurrence of the given sentences in <mark>."""
    spans = sorted(
        {(i, i + len(s)) for s in sentences if s for i in _find_all(text, s)},
        key=lambda span: span[0],
    )
    out: list[str] = []
    cursor = 0
    for start, end in spans:
        if start < cursor:
            continue  # overlapping sentences: the first one is already marked
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out).replace("\n", "<br>")


def _find_all(text: str, needle: str) -> list[int]:
    positions: list[int] = []
    start = text.find(needle)
    while start >= 0:
        positions.append(start)
        start = text.find(needle, start + len(needle))
    return positions


def searched_note(answer: Answer) -> str:
    """A line saying what was actually searched for, when it differs from the question."""
    if answer.searched_query == answer.question:
        return ""
    return (
        '<div class="searched-as">前の質問を踏まえて「'
        f"<strong>{html.escape(answer.searched_query)}</strong>」として検索しました</div>"
    )


def _marker_link(assistant: Assistant, turn: int, marker: int, chunk: Chunk) -> str:
    title = html.escape(chunk_heading(assistant.catalog, chunk), quote=True)
    return f'<a class="cite" href="#{cite_id(turn, marker)}" title="{title}">{marker}</a>'


def render_answer_message(
    assistant: Assistant, answer: Answer, turn: int, upto: int | None = None
) -> str:
    """The assistant's chat message: sentences with marker links (the first ``upto`` of them)."""
    if answer.abstained:
        return render_abstention_message(assistant, answer, turn)
    chunks = {c.marker: c.chunk for c in answer.citations}
    parts = [searched_note(answer)]
    for sentence in answer.sentences[:upto]:
        link = _marker_link(assistant, turn, sentence.marker, chunks[sentence.marker])
        parts.append(f'<p class="answer-line">{html.escape(sentence.text)}{link}</p>')
    if upto is None or upto >= len(answer.sentences):
        parts.extend(f'<p class="answer-note">⚠ {html.escape(n)}</p>' for n in answer.notes)
        labels = " ".join(
            f"{_marker_link(assistant, turn, c.marker, c.chunk)}"
            f"{html.escape(chunk_heading(assistant.catalog, c.chunk))}"
            for c in answer.citations
        )
        parts.append(f'<div class="answer-sources">出典 {labels}</div>')
        parts.append(render_definitions(assistant, answer))
    return f'<div class="answer">{"".join(parts)}</div>'


def render_abstention_message(assistant: Assistant, answer: Answer, turn: int) -> str:
    """An abstention: a distinct amber message that links to the nearest passages."""
    links = " ".join(
        f'<a class="near" href="#{near_id(turn, i)}">参考{i}</a>'
        f"{html.escape(chunk_heading(assistant.catalog, hit.chunk))}"
        for i, hit in enumerate(answer.nearest, start=1)
    )
    nearest = f'<div class="answer-sources">最も近い箇所 {links}</div>' if links else ""
    return (
        f'<div class="abstain">{searched_note(answer)}'
        '<div class="abstain-title">回答を控えます</div>'
        f"<p>{html.escape(answer.text)}</p>{nearest}{render_definitions(assistant, answer)}</div>"
    )


def render_pending_message(query: str) -> str:
    """What the chat shows while retrieval runs."""
    return f'<div class="pending">「{html.escape(query)}」について登録文書を検索しています…</div>'


def render_error_message(message: str) -> str:
    """A question the assistant could not take (empty, too long, no index)."""
    return f'<div class="chat-error">ご質問を処理できませんでした：{html.escape(message)}</div>'


def _provision_name(assistant: Assistant, chunk: Chunk) -> str:
    name = short_title(assistant.catalog, chunk.source, chunk.title)
    return f"{name} {chunk.citation or chunk.location}".strip()


def related_provisions(assistant: Assistant, citation: Citation | None) -> str:
    """The provisions a cited one names and those naming it (its penalty, the order filling
    it in), folded under the card: a provision is read with them."""
    if citation is None or not (citation.references or citation.referenced_by):
        return ""
    lists = []
    for label, linked in (
        ("この条文が参照する条文", citation.references),
        ("この条文を参照する条文", citation.referenced_by),
    ):
        if linked:
            items = "".join(
                f'<li title="{html.escape(c.text[:200], quote=True)}">'
                f"{html.escape(_provision_name(assistant, c))}</li>"
                for c in linked
            )
            lists.append(f'<div class="related-group">{label}<ul>{items}</ul></div>')
    counts = f"参照 {len(citation.references)}・被参照 {len(citation.referenced_by)}"
    return (
        f'<details class="related"><summary>関連条文（{counts}）</summary>'
        f"{''.join(lists)}</details>"
    )


def render_definitions(assistant: Assistant, answer: Answer) -> str:
    """The legal definitions of terms the question or answer uses, each with its provision."""
    if not answer.definitions:
        return ""
    items = "".join(
        f"<li><b>{html.escape(d.term)}</b>"
        f'<span class="doc-loc">{html.escape(short_title(assistant.catalog, d.chunk.source, d.chunk.title))}'
        f" {html.escape(d.provision)}</span>"
        f'<div class="definition-text">{html.escape(d.text)}</div></li>'
        for d in answer.definitions
    )
    return (
        '<details class="definitions"><summary>用語の定義（法令上の定義）</summary>'
        f"<ul>{items}</ul></details>"
    )


def _card(
    assistant: Assistant,
    chunk: Chunk,
    element_id: str,
    badge: str,
    marked: Sequence[str],
    principal: Principal | None,
    citation: Citation | None = None,
) -> str:
    name = short_title(assistant.catalog, chunk.source, chunk.title)
    location = (
        f'<span class="doc-loc">{html.escape(chunk.location)}</span>' if chunk.location else ""
    )
    meta = " · ".join(p for p in (KIND_LABELS.get(chunk.kind, ""), chunk.source) if p)
    superseded = (
        f'<div class="superseded">新版があります：{html.escape(chunk.superseded_by)}</div>'
        if chunk.superseded_by
        else ""
    )
    section = surrounding_section(assistant, chunk, principal=principal)
    return (
        f'<article class="source-card" id="{element_id}">'
        f'<header><span class="badge">{badge}</span><div>'
        f'<div class="doc-title">{html.escape(name)}{location}</div>'
        f'<div class="doc-meta" title="{html.escape(chunk.title, quote=True)}">'
        f"{html.escape(meta)}</div></div></header>{superseded}"
        f'<blockquote class="passage">{highlight(chunk.text, marked)}</blockquote>'
        '<details class="section"><summary>前後を含む条文・節の全体を表示</summary>'
        f'<div class="section-text">{highlight(section, marked)}</div></details>'
        f"{related_provisions(assistant, citation)}</article>"
    )


def _turn_cards(
    assistant: Assistant, answer: Answer, turn: int, principal: Principal | None
) -> str:
    if answer.abstained:
        cards = [
            _card(assistant, hit.chunk, near_id(turn, i), f"参考{i}", [], principal)
            for i, hit in enumerate(answer.nearest, start=1)
        ]
        notice = '<div class="nearest-note">回答の根拠ではなく、参考として最も近い箇所です。</div>'
        return notice + "".join(cards)
    return "".join(
        _card(
            assistant,
            c.chunk,
            cite_id(turn, c.marker),
            str(c.marker),
            [s.text for s in answer.sentences if s.marker == c.marker],
            principal,
            c,
        )
        for c in answer.citations
    )


def render_sources_panel(
    assistant: Assistant,
    turns: Sequence[tuple[int, Answer]],
    principal: Principal | None = None,
) -> str:
    """Sources of recent turns, newest first and open; earlier turns folded.

    ``principal`` is who reads the panel: a card's surrounding section shows only passages
    that user may read (None: public ones only).

    Every turn stays in the panel (up to PANEL_TURNS) so that markers in earlier answers still
    have a card to jump to; the cap keeps a long conversation's page light.
    """
    if not turns:
        return f'<div class="sources-panel">{EMPTY_PANEL}</div>'
    sections: list[str] = []
    for index, (turn, answer) in enumerate(reversed(turns[-PANEL_TURNS:])):
        kind = "abstained" if answer.abstained else "answered"
        summary = f"質問{turn}：{html.escape(answer.question)}"
        sections.append(
            f'<details class="turn-sources {kind}"{" open" if index == 0 else ""}>'
            f"<summary>{summary}</summary>{_turn_cards(assistant, answer, turn, principal)}"
            "</details>"
        )
    return f'<div class="sources-panel">{"".join(sections)}</div>'
