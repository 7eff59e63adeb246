"""The server's API routes beside the page: ask, export the audit log, export feedback.

Scripts and the load benchmark call these over HTTP (``/gradio_api/call/<name>``) with the
session cookie of a signed-in user, exactly as the page's events are called. Each checks the
session and the role on the server: Gradio's auth dependency already refuses a request without
a session, and these checks would refuse it again if that ever changed.
"""

from __future__ import annotations

import io
import time
from typing import Any

import gradio as gr

from assistant.access.audit_events import question_event
from assistant.access.audit_export import export_records
from assistant.access.rights import can_export
from assistant.errors import AssistantError
from assistant.feedback import export_cases
from assistant.present.answer import answer_to_dict
from assistant.ui.messages import japanese_message
from assistant.ui.services import Services

MODES = ("hybrid", "dense", "keyword")


def add_api_routes(services: Services) -> None:
    """Register the API-only routes inside the current Blocks context."""

    def ask(question: str, mode: str, request: gr.Request) -> dict[str, Any]:
        """Answer a question as the signed-in user; the answer is audited under ``answer_id``."""
        principal = services.gate.require(request)
        if mode not in MODES:
            raise gr.Error(f"mode は {', '.join(MODES)} のいずれかです。")
        started = time.perf_counter()
        try:
            answer = services.assistant.ask(question, mode=mode, principal=principal)
        except AssistantError as exc:
            raise gr.Error(japanese_message(exc)) from None
        latency_ms = round((time.perf_counter() - started) * 1000)
        answer_id = services.audit.record(
            question_event(answer, principal.name, f"api:{mode}", latency_ms)
        )
        return {"answer_id": answer_id, **answer_to_dict(answer)}

    def export_audit(fmt: str, request: gr.Request) -> str:
        """The whole audit log as CSV or JSON Lines (admins only)."""
        principal = services.gate.require(request)
        if not can_export(principal):
            raise gr.Error("監査ログを出力する権限がありません（管理者のみ）。")
        if fmt not in ("csv", "jsonl"):
            raise gr.Error("fmt は csv か jsonl です。")
        out = io.StringIO()
        export_records(services.audit.records(), out, "csv" if fmt == "csv" else "jsonl")
        return out.getvalue()

    def export_feedback(request: gr.Request) -> str:
        """Disliked answers as evaluation cases, JSON Lines (admins only)."""
        principal = services.gate.require(request)
        if not can_export(principal):
            raise gr.Error("ご意見を出力する権限がありません（管理者のみ）。")
        out = io.StringIO()
        export_cases(services.feedback.store, out)
        return out.getvalue()

    gr.api(ask, api_name="ask")
    gr.api(export_audit, api_name="export_audit")
    gr.api(export_feedback, api_name="export_feedback")
