"""A plain Gradio chat over the Assistant (the product UI replaces it)."""

from __future__ import annotations

import os
from typing import Any

from assistant.errors import AssistantError
from assistant.presentation import render_answer_text


def build_app(assistant: Any) -> Any:
    """A ChatInterface that answers with citations."""
    import gradio as gr

    def respond(message: str, history: list[dict[str, Any]]) -> str:
        try:
            return render_answer_text(assistant.ask(message))
        except AssistantError as exc:
            return f"エラー: {exc}"

    return gr.ChatInterface(respond, title="経済安全保障 コンプライアンス・アシスタント")


def launch(assistant: Any, host: str, port: int) -> None:
    """Serve the app (analytics off)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    build_app(assistant).launch(server_name=host, server_port=port)
