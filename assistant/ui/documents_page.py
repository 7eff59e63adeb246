"""The documents page: upload files into the index, see what is indexed, delete a document.

Nothing here is rendered once for everyone: the table, the delete list and the visibility
choices are filled on every page load (``refresh``) for the signed-in user, so a fresh page is
current and shows only what that user may read. Every handler asks the server who is signed in.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.access.rights import can_upload
from assistant.access.visibility import parse_visibility
from assistant.errors import VisibilityError
from assistant.index.writer import IngestWatch
from assistant.ingest import SUPPORTED_SUFFIXES
from assistant.ui.documents import Outcome, visibility_choices
from assistant.ui.services import Services

# Asked in the browser before a delete: the handler receives None when the user cancels.
# The confirmation is a convenience only; the server checks the right to delete.
CONFIRM_DELETE_JS = "(source) => (source && confirm('選択した文書を索引から削除します。よろしいですか？')) ? source : null"
MAX_UPLOAD_MB = 50
MAX_UPLOAD = f"{MAX_UPLOAD_MB}mb"
UPLOAD_LIMIT_NOTE = (
    f"1ファイル{MAX_UPLOAD_MB}MBまで。大きな文書は登録に数分かかります"
    "（進み具合が表示され、「登録を中止」で取り消せます）。"
)


@dataclass
class DocumentsPage:
    """Components whose change other pages react to, and what a page load refreshes."""

    changed: gr.State
    refresh_outputs: list[Any]


def _status_html(outcomes: list[Outcome]) -> str:
    blocks: list[str] = []
    for outcome in outcomes:
        css = "status-ok" if outcome.ok else "status-error"
        warnings = "".join(
            f"<div class='status-warning'>注意：{html.escape(w)}</div>" for w in outcome.warnings
        )
        blocks.append(f"<div class='{css}'>{html.escape(outcome.message)}{warnings}</div>")
    return "".join(blocks)


def _refreshed(services: Services, request: gr.Request, outcomes: list[Outcome]) -> tuple[Any, ...]:
    principal = services.gate.require(request)
    return (
        _status_html(outcomes),
        services.library.table_html(principal),
        gr.update(choices=services.library.deletable(principal), value=None),
        time.time_ns(),  # a new value on every change, so listeners always fire
    )


def refresh(services: Services, request: gr.Request) -> tuple[Any, ...]:
    """The page as the signed-in user should see it now (run on every page load)."""
    principal = services.gate.require(request)
    allowed = can_upload(principal)
    choices = visibility_choices(principal)
    return (
        services.library.table_html(principal),
        gr.update(choices=services.library.deletable(principal), value=None),
        gr.update(choices=choices, value=choices[0][1] if choices else None, visible=allowed),
        gr.update(visible=allowed),
    )


class UploadCancels:
    """One cancel flag per browser session's running upload.

    Cancelling a Gradio event stops only what Gradio waits on, not an ingest already running
    in a worker thread; the flag is what the writer checks between slices of chunks.
    """

    def __init__(self) -> None:
        self._flags: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def start(self, session: str) -> IngestWatch:
        """A fresh flag for ``session``'s upload, and the watch that reads it."""
        flag = threading.Event()
        with self._lock:
            self._flags[session] = flag
        return IngestWatch(cancelled=flag.is_set)

    def cancel(self, session: str) -> None:
        """Ask ``session``'s running upload to stop."""
        with self._lock:
            flag = self._flags.get(session)
        if flag is not None:
            flag.set()

    def finish(self, session: str) -> None:
        """Forget ``session``'s flag once its upload is over."""
        with self._lock:
            self._flags.pop(session, None)


def build_documents_page(services: Services) -> DocumentsPage:
    """Lay out the documents page inside the current Blocks context and wire its events."""
    changed = gr.State(0)
    cancels = UploadCancels()
    with gr.Row(equal_height=False):
        with gr.Column(scale=3) as upload_column:
            gr.HTML("<div class='panel-heading'>文書を追加</div>")
            gr.HTML(f"<div class='small' id='upload-limit'>{UPLOAD_LIMIT_NOTE}</div>")
            visibility = gr.Dropdown(
                [], label="公開範囲", elem_id="upload-visibility", allow_custom_value=True
            )
            upload = gr.File(
                label="PDF・Markdown・テキスト・HTML（複数可）",
                file_count="multiple",
                file_types=list(SUPPORTED_SUFFIXES),
                type="filepath",
                elem_id="upload",
                height=140,
            )
            cancel = gr.Button("登録を中止", size="sm", elem_id="upload-cancel")
        with gr.Column(scale=2):
            gr.HTML("<div class='panel-heading'>文書を削除</div>")
            # Choices are filled per user on load; the value is checked on the server (rights),
            # so a name typed by an API client reaches that check rather than Gradio's list.
            target = gr.Dropdown(
                [],
                value=None,
                label="削除する文書",
                elem_id="delete-choice",
                allow_custom_value=True,
            )
            delete = gr.Button("索引から削除", variant="stop", size="sm", elem_id="delete")
    status = gr.HTML("", elem_id="documents-status")
    gr.HTML("<div class='panel-heading'>登録されている文書</div>")
    table = gr.HTML("", elem_id="documents-table")

    def on_upload(
        paths: list[str] | None,
        tag: str | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's injection idiom
    ) -> Iterator[tuple[Any, ...]]:
        principal = services.gate.require(request)
        try:
            chosen = parse_visibility(tag)
        except VisibilityError as exc:
            yield (None, *_refreshed(services, request, [Outcome(False, str(exc))]))
            return
        outcomes: list[Outcome] = []
        files = [Path(p) for p in paths or []]
        session = request.session_hash or ""
        try:
            for path in files:
                watch = cancels.start(session)

                def report(done: int, total: int, name: str = path.name) -> None:
                    progress((done, total), desc=f"「{name}」を登録しています", unit="区画")

                watch = IngestWatch(cancelled=watch.cancelled, progress=report)
                outcomes.append(services.library.add(path, principal, chosen, watch))
                if watch.cancelled():  # the rest of a multi-file upload is skipped too
                    break
        finally:
            cancels.finish(session)
        yield (None, *_refreshed(services, request, outcomes))

    def on_cancel(request: gr.Request) -> None:
        services.gate.require(request)
        cancels.cancel(request.session_hash or "")

    def on_delete(source: str | None, request: gr.Request) -> tuple[Any, ...]:
        principal = services.gate.require(request)
        if not source:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return _refreshed(services, request, [services.library.remove(source, principal)])

    outputs = [upload, status, table, target, changed]
    upload.upload(on_upload, [upload, visibility], outputs, api_name="upload")
    # The flag stops the ingest between slices; the uploaded file is then removed and the
    # page refreshed by the upload handler itself, so the event is not cancelled in Gradio.
    cancel.click(on_cancel, None, None, api_visibility="private")
    delete.click(
        on_delete,
        target,
        [status, table, target, changed],
        js=CONFIRM_DELETE_JS,
        api_name="delete",
    )
    return DocumentsPage(
        changed=changed, refresh_outputs=[table, target, visibility, upload_column]
    )
