"""Who is asking, on the server, for every Gradio event and API call.

The browser holds only a random session token in an HttpOnly cookie (``SignIn`` stores its
hash). Every handler resolves that cookie to a ``Principal`` here, again on each event, rather
than trusting anything the page sends: a client that calls ``/gradio_api/...`` directly with no
cookie, or with an expired or revoked one, is refused the same way a page without a session is.
Gradio's own ``auth_dependency`` uses the same lookup, so its routes refuse such a client too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.access.principal import Principal
from assistant.access.sign_in import SignIn

SESSION_COOKIE = "assistant_session"
SIGNED_OUT = "サインインしていないか、サインインの有効期限が切れています。ページを再読み込みしてサインインしてください。"


class AccessGate:
    """Resolves requests to principals through one ``SignIn``."""

    def __init__(self, sign_in: SignIn) -> None:
        self.sign_in = sign_in

    def principal_of(self, cookies: Mapping[str, str] | None) -> Principal | None:
        """The principal whose live session token is in ``cookies``, else None."""
        token = (cookies or {}).get(SESSION_COOKIE, "")
        return self.sign_in.principal(token) if token else None

    def user_name(self, request: Any) -> str | None:
        """Gradio's ``auth_dependency``: the signed-in user's name, or None (401)."""
        principal = self.principal_of(request.cookies)
        return principal.name if principal else None

    def require(self, request: Any) -> Principal:
        """The principal of a Gradio request (``gr.Request``), or ``gr.Error`` (the page and
        an API client both receive it as the event's error).

        ``request`` is None when Gradio calls a handler outside an HTTP request; that is
        refused like a request without a session.
        """
        import gradio as gr

        principal = self.principal_of(getattr(request, "cookies", None)) if request else None
        if principal is None:
            raise gr.Error(SIGNED_OUT)
        return principal

    def forbid(self, message: str) -> Exception:
        """The error a handler raises when the signed-in user may not do something."""
        import gradio as gr

        return gr.Error(message)
