"""The product UI: a Gradio Blocks app over the same Assistant object the CLI uses.

Privacy defaults are set here: Gradio's analytics are off (environment and Blocks flag), the
server binds to whatever the settings say (127.0.0.1 unless configured), the footer with its
API page link is hidden, and fonts are local so the page makes no third-party requests.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from assistant.ui.services import Services

if TYPE_CHECKING:
    from assistant.service import Assistant

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

MAX_UPLOAD = "50mb"
TITLE = "経済安全保障 コンプライアンス・アシスタント"
HEADER = f"""
<div class="app-header">
  <div>
    <h1>{TITLE}</h1>
    <div class="subtitle">経済安全保障推進法・外為法・関係政省令などの登録文書から、出典付きで回答します</div>
  </div>
  <div class="notice">回答は登録文書の記載を引用したもので、法的な助言ではありません。
  個別の事案への該当性は、所管の担当課にご確認ください。</div>
</div>
"""
FOOTER = (
    "<div class='app-footer'>入力された質問・ご意見はこのサーバー内にのみ保存され、"
    "外部には送信されません。</div>"
)


def build_app(assistant: Assistant, services: Services | None = None) -> Any:
    """The Blocks app: an assistant page (three modes) and a documents page."""
    import gradio as gr

    from assistant.ui.chat_page import build_chat_page
    from assistant.ui.documents_page import build_documents_page

    services = services or Services.create(assistant)
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as app:
        gr.HTML(HEADER)
        with gr.Tabs():
            with gr.Tab("アシスタント", id="assistant", elem_id="tab-assistant"):
                chat = build_chat_page(services)
            with gr.Tab("文書管理", id="documents", elem_id="tab-documents"):
                documents = build_documents_page(services)
        gr.HTML(FOOTER)
        documents.changed.change(
            lambda _, chosen: _refresh_filter(services, chosen),
            [documents.changed, chat.documents],
            chat.documents,
        )
    return app


def _refresh_filter(services: Services, chosen: list[str] | None) -> Any:
    """New document choices for the chat filter, keeping the chosen ones that still exist."""
    import gradio as gr

    choices = services.library.choices()
    existing = {source for _, source in choices}
    return gr.update(choices=choices, value=[s for s in chosen or [] if s in existing])


def launch(assistant: Assistant, host: str, port: int, *, block: bool = True) -> Any:
    """Serve the app on host:port (analytics off); with block=False return the running app."""
    from assistant.ui.theme import CSS, HEAD_SCRIPT, build_theme

    services = Services.create(assistant)
    services.warm_up()
    app = build_app(assistant, services)
    app.queue(default_concurrency_limit=4)
    app.launch(
        server_name=host,
        server_port=port,
        footer_links=[],
        theme=build_theme(),
        css=CSS,
        head=HEAD_SCRIPT,
        prevent_thread_lock=not block,
        ssr_mode=False,
        mcp_server=False,
        max_file_size=MAX_UPLOAD,
        quiet=not block,
    )
    return app
