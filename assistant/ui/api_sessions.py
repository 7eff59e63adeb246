"""Gradio's session store, without a kept session for every API call.

Gradio keeps a ``SessionState`` per session hash (up to 10,000), and a call to
``/gradio_api/call/<name>`` that sends no session hash gets its own event id as one. Creating
a ``SessionState`` renders every component's configuration (about 10 ms and 0.1 MB for this
app), so each question from a script cost 10 ms of the server's time and left 0.1 MB behind
until 10,000 of them had piled up: the memory growth under load of issue #17.

``ApiCallSessions`` gives such a call a session without those configurations (Gradio renders
one only for a component the call touches) and forgets it once the call has finished, together
with the queue's bookkeeping for it once its result has been delivered. Sessions of the page
(the browser sends a session hash) are kept exactly as Gradio keeps them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from gradio.state_holder import SessionState, StateHolder


@dataclass
class _WithoutConfigs:
    """What ``SessionState`` reads of a Blocks, with no block whose configuration to render
    ahead: the same default configuration, so the session still knows every block."""

    default_config: Any
    blocks: dict[int, Any] = field(default_factory=dict)


class ApiCallSessions(StateHolder):
    """Gradio's ``StateHolder``, keeping a call's session only while the call runs."""

    def __init__(self) -> None:
        super().__init__()
        self._calls: set[str] = set()  # session ids of running or undelivered API calls
        self._calls_lock = threading.Lock()

    def __getitem__(self, session_id: str) -> SessionState:
        self._forget_finished_calls()
        if session_id not in self.session_data and self._is_sessionless_call(session_id):
            with self.lock:
                self.session_data[session_id] = SessionState(
                    _WithoutConfigs(self.blocks.default_config)  # type: ignore[arg-type]
                )
            with self._calls_lock:
                self._calls.add(session_id)
        return super().__getitem__(session_id)

    @property
    def api_calls_held(self) -> int:
        """API calls whose session or queue bookkeeping is still held (tests, diagnostics)."""
        return len(self._calls)

    def _is_sessionless_call(self, session_id: str) -> bool:
        """A queued event whose session hash is its own id: its client sent none."""
        event = self.blocks._queue.event_ids_to_events.get(session_id)
        return event is not None and event.session_hash == event._id

    def _forget_finished_calls(self) -> None:
        """Drop the sessions of finished calls, and the queue's message box of each call whose
        result its client has read (Gradio keeps both for good otherwise).

        Runs on the server's event loop (Gradio looks sessions up from its async handlers),
        as does the route that delivers a result, so the two never interleave.
        """
        queue = self.blocks._queue
        with self._calls_lock:
            calls = list(self._calls)
        for session_id in calls:
            if session_id in queue.event_ids_to_events:
                continue  # still running
            with self.lock:
                self.session_data.pop(session_id, None)
                self.time_last_used.pop(session_id, None)
            if queue.pending_event_ids_session.get(session_id):
                continue  # finished, its result not read yet
            queue.pending_messages_per_session.pop(session_id, None)
            queue.pending_event_ids_session.pop(session_id, None)
            with self._calls_lock:
                self._calls.discard(session_id)


def mounted_gradio_app(server: Any) -> Any:
    """The Gradio app (``gradio.routes.App``) mounted on a FastAPI app."""
    from gradio.routes import App
    from starlette.routing import Mount

    return next(r.app for r in server.routes if isinstance(r, Mount) and isinstance(r.app, App))


def install(server: Any) -> ApiCallSessions:
    """Replace the session store of the Gradio app mounted on ``server`` (a FastAPI app, before
    it serves its first request)."""
    gradio_app = mounted_gradio_app(server)
    holder = ApiCallSessions()
    holder.set_blocks(gradio_app.get_blocks())
    gradio_app.state_holder = holder
    return holder
