"""The sign-in and sign-out pages, served beside the Gradio app by the same FastAPI server.

A page of our own rather than Gradio's ``auth=`` hook: Gradio keeps its tokens in process
memory with no expiry, while ``SignIn`` keeps hashed tokens in SQLite that expire after
``ASSISTANT_SESSION_TTL_MINUTES``, end when the account is disabled or its password changes,
and audit every attempt. The cookie is HttpOnly and SameSite=Strict, so page scripts cannot
read it and another site cannot make the browser send it.
"""

from __future__ import annotations

import html
from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from assistant.errors import AuthenticationError, UserError
from assistant.ui.access import SESSION_COOKIE, AccessGate

SIGN_IN_PATH = "/signin"
SIGN_OUT_PATH = "/signout"
_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>サインイン｜経済安全保障 コンプライアンス・アシスタント</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: "Noto Sans CJK JP", sans-serif; background: #f4f6f9; margin: 0; }}
main {{ max-width: 380px; margin: 12vh auto; background: #fff; padding: 32px;
        border: 1px solid #d7dde6; border-radius: 8px; }}
h1 {{ font-size: 18px; color: #1d3557; }}
label {{ display: block; margin-top: 14px; font-size: 14px; }}
input {{ width: 100%; padding: 8px; margin-top: 4px; box-sizing: border-box; }}
button {{ margin-top: 20px; width: 100%; padding: 10px; background: #1d3557; color: #fff;
          border: 0; border-radius: 4px; font-size: 15px; }}
.error {{ color: #b00020; margin-top: 12px; font-size: 14px; }}
</style></head>
<body><main>
<h1>経済安全保障 コンプライアンス・アシスタント</h1>
<p>利用者名とパスワードを入力してサインインしてください。</p>
<form method="post" action="{action}">
<label>利用者名<input name="name" id="signin-name" autocomplete="username" required></label>
<label>パスワード<input name="password" id="signin-password" type="password"
 autocomplete="current-password" required></label>
<button type="submit" id="signin-submit">サインイン</button>
</form>{error}
</main></body></html>
"""
WRONG = "利用者名またはパスワードが正しくありません。"


def sign_in_html(error: str = "") -> str:
    """The sign-in page, with an error line when the last attempt failed."""
    shown = f'<div class="error" id="signin-error">{html.escape(error)}</div>' if error else ""
    return _PAGE.format(action=SIGN_IN_PATH, error=shown)


def add_sign_in_routes(app: Any, gate: AccessGate, secure_cookie: bool = False) -> None:
    """Add /signin and /signout to the FastAPI app, and send signed-out page loads to /signin."""
    ttl_s = int(gate.sign_in.sessions.ttl.total_seconds())

    @app.middleware("http")
    async def send_to_sign_in(request: Request, call_next: Any) -> Any:
        # Only the page itself is redirected; API calls without a session get Gradio's 401.
        page = request.method == "GET" and request.url.path == "/"
        if page and gate.principal_of(request.cookies) is None:
            return RedirectResponse(SIGN_IN_PATH, status_code=303)
        return await call_next(request)

    @app.get(SIGN_IN_PATH, response_class=HTMLResponse)
    def sign_in_form() -> HTMLResponse:
        return HTMLResponse(sign_in_html())

    @app.post(SIGN_IN_PATH)
    def sign_in(request: Request, name: str = Form(""), password: str = Form("")) -> Any:
        client = request.client.host if request.client else ""
        try:
            session = gate.sign_in.sign_in(name.strip(), password, detail=f"ui {client}")
        except (AuthenticationError, UserError):
            return HTMLResponse(sign_in_html(WRONG), status_code=401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session.token,
            max_age=ttl_s,
            httponly=True,
            samesite="strict",
            secure=secure_cookie,
            path="/",
        )
        return response

    @app.get(SIGN_OUT_PATH)
    def sign_out(request: Request) -> Any:
        token = request.cookies.get(SESSION_COOKIE, "")
        if token:
            gate.sign_in.sign_out(token)
        response = RedirectResponse(SIGN_IN_PATH, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
