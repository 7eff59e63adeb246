"""The HTTP server: the sign-in pages and the Gradio app on one FastAPI app, run by uvicorn.

Gradio is mounted with ``auth_dependency`` (``AccessGate.user_name``), so every Gradio route,
``/gradio_api/...`` included, answers 401 to a request without a live session, before any
handler runs; the handlers then check the session and the role again themselves.

The queue's concurrency (``ASSISTANT_QUEUE_CONCURRENCY``) is how many events run at once per
listener. Answering is CPU-bound and short (tens of milliseconds), so more slots than cores
mostly add contention; the value was chosen from ``evals/benchmarks/load.py`` (README).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.ui.api_sessions import install as install_api_sessions
from assistant.ui.app import build_app
from assistant.ui.documents_page import MAX_UPLOAD
from assistant.ui.services import Services
from assistant.ui.sign_in_page import add_sign_in_routes

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger(__name__)
_START_TIMEOUT_S = 60.0
_STOP_TIMEOUT_S = 60.0
# Gradio's queue keeps timings of its last GRADIO_ANALYTICS_MAX_EVENTS events (10,000) and, by
# default, rebuilds a pandas table of all of them after every event (GRADIO_ANALYTICS_CACHE_
# FREQUENCY=1): 9 % of the server's time under load, for a monitoring page this app does not
# enable. A thousand events, summarized once per thousand, keep the page's figures meaningful.
_GRADIO_QUEUE_ANALYTICS = {
    "GRADIO_ANALYTICS_MAX_EVENTS": "1000",
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000",
}


def _without_missing_matplotlib() -> None:
    """Make ``import matplotlib`` fail at once when it is not installed.

    Gradio imports it around every event (to switch its backend while a handler runs), and a
    failed import is not remembered: each one searched the whole module path again (3 % of the
    server's time under load, on the event loop). ``None`` in ``sys.modules`` is Python's own
    way to say a module is absent; it is set only when the module cannot be found.
    """
    import importlib.util
    import sys

    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]


def build_server(assistant: Assistant, services: Services) -> Any:
    """The FastAPI app: /signin, /signout and the Gradio app at /."""
    import gradio as gr
    from fastapi import FastAPI

    from assistant.ui.theme import CSS, HEAD_SCRIPT, build_theme

    for name, value in _GRADIO_QUEUE_ANALYTICS.items():
        os.environ.setdefault(name, value)  # read when the queue is made, below
    _without_missing_matplotlib()
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    add_sign_in_routes(server, services.gate)
    blocks = build_app(assistant, services)
    blocks.queue(default_concurrency_limit=assistant.settings.queue_concurrency)
    gr.mount_gradio_app(
        server,
        blocks,
        path="",
        auth_dependency=services.gate.user_name,
        footer_links=[],
        theme=build_theme(),
        css=CSS,
        head=HEAD_SCRIPT,
        ssr_mode=False,
        mcp_server=False,
        max_file_size=MAX_UPLOAD,
    )
    install_api_sessions(server)  # no kept session (10 ms, 0.1 MB) per API call
    return server


@dataclass
class RunningServer:
    """A server started in a background thread (tests, the load benchmark)."""

    server: Any
    thread: threading.Thread
    services: Services
    warm_up: threading.Thread | None = None

    def close(self) -> None:
        """Stop serving, wait for the background warm-up (glossary, words), and remove the
        drafts written meanwhile.

        Nothing of the server may still run when the interpreter exits: a daemon thread
        inside the model's native code then aborts the whole process (exit code 134,
        "terminate called without an active exception").
        """
        self.server.should_exit = True
        self.thread.join(timeout=_STOP_TIMEOUT_S)
        if self.thread.is_alive():
            log.warning("the server did not stop within %.0f s", _STOP_TIMEOUT_S)
        _finish(self.warm_up)
        self.services.drafts.close()


def _finish(warm_up: threading.Thread | None) -> None:
    """Wait for the glossary's warm-up (a few seconds once the sentence vectors are stored)."""
    if warm_up is not None:
        warm_up.join(timeout=_STOP_TIMEOUT_S)
        if warm_up.is_alive():
            log.warning("the glossary warm-up did not finish within %.0f s", _STOP_TIMEOUT_S)


def launch(
    assistant: Assistant, host: str, port: int, *, block: bool = True
) -> RunningServer | None:
    """Serve on host:port; with block=False return the running server (call ``close``)."""
    import uvicorn

    services = Services.create(assistant)
    removed = services.library.remove_orphans()
    if removed:
        log.warning("removed %d upload(s) no document comes from: %s", len(removed), removed)
    warm_up = services.warm_up()
    app = build_server(assistant, services)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if block:
        server.run()
        _finish(warm_up)
        services.drafts.close()
        return None
    thread = threading.Thread(target=server.run, name="assistant-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError(f"the server did not start on {host}:{port}")
    return RunningServer(server, thread, services, warm_up)
