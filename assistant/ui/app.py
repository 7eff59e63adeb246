"""The product UI: a Gradio Blocks app over the same Assistant object the CLI uses.

Privacy defaults are set here: Gradio's analytics are off (environment and Blocks flag), the
server binds to whatever the settings say (127.0.0.1 unless configured), the footer with its
API page link is hidden, and fonts are local so the page makes no third-party requests.
"""

from __future__ import annotations

import html
import os
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.ui.services import Services
from assistant.ui.sign_in_page import SIGN_OUT_PATH

if TYPE_CHECKING:
    from assistant.service import Assistant

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

ROLE_LABELS = {"firm": "事業者", "staff": "職員", "admin": "管理者"}
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


def _who_html(services: Services, request: gr.Request) -> str:
    """Who is signed in, with a sign-out link (filled on every page load)."""
    principal = services.gate.require(request)
    role = ROLE_LABELS.get(principal.role.value, principal.role.value)
    return (
        f'<div class="signed-in" id="signed-in">{html.escape(principal.name)}（{role}）'
        f' <a href="{SIGN_OUT_PATH}" id="sign-out">サインアウト</a></div>'
    )


def build_app(assistant: Assistant, services: Services | None = None) -> gr.Blocks:
    """The Blocks app: an assistant page (three modes), a documents page and the API routes.

    Nothing user-specific is rendered at build time: a page load fills the signed-in user's
    name, the documents they may read and what they may do, so each load is current.
    """
    from assistant.ui.api import add_api_routes
    from assistant.ui.chat_page import build_chat_page
    from assistant.ui.documents_page import build_documents_page

    services = services or Services.create(assistant)
    # Gradio's own copies of downloads and uploads are removed after an hour.
    with gr.Blocks(
        title=TITLE, analytics_enabled=False, fill_width=True, delete_cache=(3600, 3600)
    ) as app:
        who = gr.HTML("", elem_id="who")
        gr.HTML(HEADER)
        with gr.Tabs():
            with gr.Tab("アシスタント", id="assistant", elem_id="tab-assistant"):
                chat = build_chat_page(services)
            with gr.Tab("文書管理", id="documents", elem_id="tab-documents"):
                documents = build_documents_page(services)
        gr.HTML(FOOTER)
        add_api_routes(services)
        _wire_page_loads(services, app, who, documents, chat.documents)
    return app


def _wire_page_loads(
    services: Services, app: gr.Blocks, who: gr.HTML, documents: Any, chosen: gr.Dropdown
) -> None:
    """Fill what depends on the signed-in user on every page load, and keep the chat's
    document filter in step with the documents page."""
    from assistant.ui.documents_page import refresh

    def on_change(_changed: int, picked: list[str] | None, request: gr.Request) -> Any:
        return _refresh_filter(services, picked, request)

    def who_is_signed_in(request: gr.Request) -> str:
        return _who_html(services, request)

    def page_refresh(request: gr.Request) -> tuple[Any, ...]:
        return refresh(services, request)

    def filter_refresh(request: gr.Request) -> Any:
        return _refresh_filter(services, [], request)

    private: Any = {"api_visibility": "private"}
    documents.changed.change(on_change, [documents.changed, chosen], chosen, **private)
    app.load(who_is_signed_in, None, who, **private)
    app.load(page_refresh, None, documents.refresh_outputs, **private)
    app.load(filter_refresh, None, chosen, **private)


def _refresh_filter(services: Services, chosen: list[str] | None, request: gr.Request) -> Any:
    """The chat filter's document choices for the signed-in user, keeping chosen ones that
    still exist."""
    principal = services.gate.require(request)
    choices = services.library.choices(principal)
    existing = {source for _, source in choices}
    return gr.update(choices=choices, value=[s for s in chosen or [] if s in existing])
