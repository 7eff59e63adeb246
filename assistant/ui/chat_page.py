"""The assistant page's behaviour: answering, mode switching, feedback, draft files.

All three modes share one conversation: a firm's question, a reply draft and a secondee's
starter question are the same grounded answer seen through a different panel. The side column
always ends with the sources panel, so a citation marker always has a card to jump to.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.glossary import STARTER_QUESTIONS
from assistant.types import DocumentKind, SearchFilter
from assistant.ui.chat import ChatSession
from assistant.ui.chat_layout import (
    EMPTY_SOURCES,
    ChatColumn,
    SideColumn,
    build_chat_column,
    build_mode_bar,
    build_side_column,
)
from assistant.ui.draft import draft_for
from assistant.ui.labels import MODE_HINTS, Mode
from assistant.ui.onboarding import render_glossary
from assistant.ui.services import Services
from assistant.ui.sources import render_sources_panel


@dataclass
class ChatPage:
    """Handles to the page's components that other pages update."""

    documents: gr.Dropdown


def _search_filter(kinds: list[str] | None, sources: list[str] | None) -> SearchFilter:
    return SearchFilter(tuple(DocumentKind(k) for k in kinds or ()), tuple(sources or ()))


def _glossary_html(services: Services) -> str:
    try:
        return render_glossary(services.glossary.entries(), services.assistant.catalog)
    except AssistantError as exc:
        return (
            f'<div class="chat-error">用語集を作成できませんでした：{html.escape(str(exc))}</div>'
        )


def _mode_panels(services: Services, mode: str) -> Iterator[tuple[Any, ...]]:
    """Show the chosen mode's panel at once; the glossary follows when it is ready.

    The first glossary of an index takes seconds to build (it is cached after that), so the
    panel appears first with a loading note instead of the click seeming to do nothing.
    """
    chosen = Mode(mode)
    hint = f"<div class='mode-hint'>{MODE_HINTS[chosen]}</div>"
    draft = gr.update(visible=chosen is Mode.DRAFT)
    onboarding = gr.update(visible=chosen is Mode.ONBOARDING)
    yield draft, onboarding, gr.skip(), hint
    if chosen is Mode.ONBOARDING:
        yield gr.skip(), gr.skip(), _glossary_html(services), gr.skip()


def _submit(services: Services) -> Any:
    def submit(
        question: str,
        messages: list[dict[str, Any]] | None,
        session: ChatSession,
        kinds: list[str] | None,
        sources: list[str] | None,
        mode: str | None,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        principal = services.gate.require(request)
        if not (question or "").strip():
            # Nothing to ask: leave the conversation, the sources and the draft as they are.
            yield gr.skip(), "", gr.skip(), gr.skip(), gr.skip()
            return
        updates = services.chat.respond(
            question,
            messages or [],
            session,
            _search_filter(kinds, sources),
            principal=principal,
            mode=mode or "",
        )
        for update in updates:
            if update.answer is None:
                yield update.messages, "", update.session, gr.skip(), gr.skip()
                continue
            panel = render_sources_panel(services.assistant, session.numbered_answers(), principal)
            yield update.messages, "", update.session, panel, draft_for(update.answer)

    return submit


def _on_like(services: Services) -> Any:
    def on_like(
        session: ChatSession, mode: str, data: gr.LikeData, request: gr.Request
    ) -> tuple[Any, ...]:
        principal = services.gate.require(request)
        turn = services.feedback.rate(session, data.value, data.liked, mode, principal.name)
        if turn is None:
            return session, gr.skip(), gr.skip(), gr.skip()
        verdict = "役に立った" if data.liked is True else "役に立たなかった"
        label = f"回答{turn.number}を「{verdict}」と記録しました。よろしければ理由をお聞かせください（任意）"
        return session, gr.update(visible=True), turn.number, gr.update(label=label, value="")

    return on_like


def _on_comment(services: Services) -> Any:
    def on_comment(
        session: ChatSession, turn_number: int, text: str, request: gr.Request
    ) -> tuple[Any, ...]:
        services.gate.require(request)
        if text.strip() and services.feedback.comment(session, turn_number, text):
            gr.Info("ご意見を記録しました。ありがとうございます。")
        return gr.update(visible=False), ""

    return on_comment


def _reset() -> tuple[Any, ...]:
    return ChatSession(), EMPTY_SOURCES, ""


def _wire_chat(
    services: Services, chat: ChatColumn, side: SideColumn, session: gr.State, mode: gr.Radio
) -> None:
    inputs = [chat.question, chat.chatbot, session, chat.kinds, chat.documents, mode]
    outputs = [chat.chatbot, chat.question, session, side.sources, side.draft]
    submit = _submit(services)
    chat.question.submit(submit, inputs, outputs, api_name="chat")
    chat.send.click(submit, inputs, outputs, api_visibility="private")
    for button, text in zip(side.starters, STARTER_QUESTIONS, strict=True):
        button.click(lambda t=text: t, None, chat.question, api_visibility="private").then(
            submit, inputs, outputs, api_visibility="private"
        )
    chat.chatbot.clear(_reset, None, [session, side.sources, side.draft], api_visibility="private")
    # .change, not .input: it also fires when an answer replaces the draft or text is pasted.
    side.draft.change(
        services.drafts.write, side.draft, [side.docx, side.markdown], trigger_mode="always_last"
    )


def build_chat_page(services: Services) -> ChatPage:
    """Lay out the assistant page inside the current Blocks context and wire its events."""
    session = gr.State(ChatSession())
    feedback_turn = gr.State(0)
    bar = build_mode_bar()
    with gr.Row(equal_height=False):
        with gr.Column(scale=7, min_width=420):
            chat = build_chat_column([])  # filled per user on page load
        with gr.Column(scale=5, min_width=360):
            side = build_side_column()
    _wire_chat(services, chat, side, session, bar.mode)
    panels = [side.draft_panel, side.onboarding_panel, side.glossary, bar.hint]
    bar.mode.change(partial(_mode_panels, services), bar.mode, panels)
    chat.chatbot.like(
        _on_like(services),
        [session, bar.mode],
        [session, chat.comment_group, feedback_turn, chat.comment],
    )
    chat.comment_send.click(
        _on_comment(services),
        [session, feedback_turn, chat.comment],
        [chat.comment_group, chat.comment],
    )
    return ChatPage(documents=chat.documents)
