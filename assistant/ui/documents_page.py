"""The documents page: upload files into the index, see what is indexed, delete a document."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.ingest import SUPPORTED_SUFFIXES
from assistant.ui.documents import Outcome
from assistant.ui.services import Services

# Asked in the browser before a delete: the handler receives None when the user cancels.
CONFIRM_DELETE_JS = "(source) => (source && confirm('選択した文書を索引から削除します。よろしいですか？')) ? source : null"


@dataclass
class DocumentsPage:
    """Components whose change other pages react to."""

    changed: gr.State


def _status_html(outcomes: list[Outcome]) -> str:
    blocks: list[str] = []
    for outcome in outcomes:
        css = "status-ok" if outcome.ok else "status-error"
        warnings = "".join(
            f"<div class='status-warning'>注意：{html.escape(w)}</div>" for w in outcome.warnings
        )
        blocks.append(f"<div class='{css}'>{html.escape(outcome.message)}{warnings}</div>")
    return "".join(blocks)


def _refreshed(services: Services, outcomes: list[Outcome]) -> tuple[Any, ...]:
    choices = services.library.choices()
    return (
        _status_html(outcomes),
        services.library.table_html(),
        gr.update(choices=choices, value=None),
        time.time_ns(),  # a new value on every change, so listeners always fire
    )


def build_documents_page(services: Services) -> DocumentsPage:
    """Lay out the documents page inside the current Blocks context and wire its events."""
    changed = gr.State(0)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            gr.HTML("<div class='panel-heading'>文書を追加</div>")
            upload = gr.File(
                label="PDF・Markdown・テキスト・HTML（複数可）",
                file_count="multiple",
                file_types=list(SUPPORTED_SUFFIXES),
                type="filepath",
                elem_id="upload",
                height=140,
            )
        with gr.Column(scale=2):
            gr.HTML("<div class='panel-heading'>文書を削除</div>")
            target = gr.Dropdown(
                services.library.choices(),
                value=None,
                label="削除する文書",
                elem_id="delete-choice",
            )
            delete = gr.Button("索引から削除", variant="stop", size="sm", elem_id="delete")
    status = gr.HTML("", elem_id="documents-status")
    gr.HTML("<div class='panel-heading'>登録されている文書</div>")
    table = gr.HTML(services.library.table_html(), elem_id="documents-table")

    def on_upload(paths: list[str] | None) -> tuple[Any, ...]:
        outcomes = [services.library.add(Path(p)) for p in paths or []]
        return (None, *_refreshed(services, outcomes))

    def on_delete(source: str | None) -> tuple[Any, ...]:
        if not source:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return _refreshed(services, [services.library.remove(source)])

    upload.upload(on_upload, upload, [upload, status, table, target, changed])
    delete.click(on_delete, target, [status, table, target, changed], js=CONFIRM_DELETE_JS)
    return DocumentsPage(changed=changed)
