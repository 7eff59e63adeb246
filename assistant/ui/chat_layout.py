"""The components of the assistant page, laid out; chat_page wires their events.

Kept apart from the handlers so that the layout (what a user sees, in which order) reads top
to bottom without event plumbing in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.glossary import STARTER_QUESTIONS
from assistant.ui.draft import DRAFT_PLACEHOLDER
from assistant.ui.labels import KIND_LABELS, MODE_HINTS, Mode
from assistant.ui.onboarding import GLOSSARY_LOADING
from assistant.ui.sources import EMPTY_PANEL

CHAT_PLACEHOLDER = (
    "<div class='chat-placeholder'><h3>ご質問をどうぞ</h3>"
    "経済安全保障推進法・外為法などの登録文書から該当箇所を探し、出典を付けて回答します。<br>"
    "根拠が見つからない場合は、推測で答えずにその旨をお知らせします。</div>"
)
EMPTY_SOURCES = f'<div class="sources-panel">{EMPTY_PANEL}</div>'


@dataclass
class ModeBar:
    """The mode switch and the line that explains the chosen mode."""

    mode: gr.Radio
    hint: gr.HTML


@dataclass
class ChatColumn:
    """The conversation, its input, the feedback comment box and the search filters."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    comment_group: gr.Column
    comment: gr.Textbox
    comment_send: gr.Button
    kinds: gr.CheckboxGroup
    documents: gr.Dropdown


@dataclass
class SideColumn:
    """The mode panels (reply draft, onboarding) above the sources panel."""

    draft_panel: gr.Column
    draft: gr.Textbox
    docx: gr.DownloadButton
    markdown: gr.DownloadButton
    onboarding_panel: gr.Column
    starters: list[gr.Button]
    glossary: gr.HTML
    sources: gr.HTML


def build_mode_bar() -> ModeBar:
    """The three modes as a segmented switch, 相談 first."""
    with gr.Row(equal_height=False, elem_id="mode-row"):
        mode = gr.Radio(
            [m.value for m in Mode],
            value=Mode.CONSULT.value,
            show_label=False,
            elem_classes=["mode-switch"],
            container=False,
            elem_id="mode",
            scale=0,
            min_width=420,
        )
        hint = gr.HTML(f"<div class='mode-hint'>{MODE_HINTS[Mode.CONSULT]}</div>")
    return ModeBar(mode, hint)


def _feedback_box() -> tuple[gr.Column, gr.Textbox, gr.Button]:
    with gr.Column(visible=False, elem_id="feedback-comment", elem_classes=["side-panel"]) as group:
        comment = gr.Textbox(label="ご意見（任意）", lines=2, elem_id="feedback-text")
        send = gr.Button("ご意見を送信", size="sm", variant="primary", elem_id="feedback-send")
    return group, comment, send


def _filters(document_choices: list[tuple[str, str]]) -> tuple[gr.CheckboxGroup, gr.Dropdown]:
    with gr.Accordion("検索対象の絞り込み", open=False, elem_id="filters"):
        kinds = gr.CheckboxGroup(
            [(label, kind.value) for kind, label in KIND_LABELS.items()],
            label="文書の種別（未選択ならすべて）",
            elem_id="filter-kinds",
        )
        documents = gr.Dropdown(
            document_choices,
            multiselect=True,
            label="文書（未選択ならすべて）",
            elem_id="filter-documents",
        )
    return kinds, documents


def build_chat_column(document_choices: list[tuple[str, str]]) -> ChatColumn:
    """The chat with its input row, feedback box and filters."""
    chatbot = gr.Chatbot(
        show_label=False,
        height=620,
        placeholder=CHAT_PLACEHOLDER,
        buttons=["copy", "copy_all"],  # no "share": answers stay on this server
        elem_id="chat",
    )
    with gr.Row():
        question = gr.Textbox(
            placeholder="例：供給確保計画の認定を受けるには何が必要ですか？",
            show_label=False,
            lines=1,
            max_lines=6,
            scale=8,
            elem_id="question",
            autofocus=True,
        )
        send = gr.Button("送信", variant="primary", scale=1, min_width=90, elem_id="send")
    group, comment, comment_send = _feedback_box()
    kinds, documents = _filters(document_choices)
    return ChatColumn(chatbot, question, send, group, comment, comment_send, kinds, documents)


def _draft_panel() -> tuple[gr.Column, gr.Textbox, gr.DownloadButton, gr.DownloadButton]:
    with gr.Column(visible=False, elem_id="draft-panel", elem_classes=["side-panel"]) as panel:
        gr.HTML("<div class='panel-heading'>回答案（編集できます）</div>")
        draft = gr.Textbox(
            placeholder=DRAFT_PLACEHOLDER,
            show_label=False,
            lines=16,
            max_lines=40,
            elem_id="draft",
            elem_classes=["draft-box"],
        )
        with gr.Row():
            docx = gr.DownloadButton(
                "Word（.docx）で保存", elem_id="download-docx", variant="primary", size="sm"
            )
            markdown = gr.DownloadButton("Markdown（.md）で保存", elem_id="download-md", size="sm")
    return panel, draft, docx, markdown


def _onboarding_panel() -> tuple[gr.Column, list[gr.Button], gr.HTML]:
    with gr.Column(visible=False, elem_id="onboarding-panel", elem_classes=["side-panel"]) as panel:
        gr.HTML("<div class='panel-heading'>最初の質問例</div>")
        starters = [gr.Button(q, size="sm", elem_classes=["starter"]) for q in STARTER_QUESTIONS]
        gr.HTML("<div class='panel-heading'>重要用語集</div>")
        glossary = gr.HTML(GLOSSARY_LOADING, elem_id="glossary")
    return panel, starters, glossary


def build_side_column() -> SideColumn:
    """The mode panels (hidden until their mode is chosen) and the sources panel."""
    draft_panel, draft, docx, markdown = _draft_panel()
    onboarding_panel, starters, glossary = _onboarding_panel()
    gr.HTML("<div class='panel-heading'>出典</div>")
    sources = gr.HTML(EMPTY_SOURCES, elem_id="sources")
    return SideColumn(
        draft_panel, draft, docx, markdown, onboarding_panel, starters, glossary, sources
    )
