"""The server-side objects one running app shares between all sessions and pages."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from assistant.access.audit import AUDIT_FILE, AuditLog
from assistant.access.passwords import Passwords
from assistant.access.sessions import SessionStore
from assistant.access.sign_in import SignIn
from assistant.access.users import USERS_FILE, UserStore
from assistant.errors import AssistantError
from assistant.feedback import FEEDBACK_FILE, FeedbackStore
from assistant.glossary import Glossary
from assistant.ui.access import AccessGate
from assistant.ui.chat import ChatHandler
from assistant.ui.documents import DocumentLibrary
from assistant.ui.draft import DraftFiles
from assistant.ui.feedback import FeedbackRecorder

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """The Assistant (the same object the CLI uses) and what the UI builds around it."""

    assistant: Assistant
    chat: ChatHandler
    library: DocumentLibrary
    glossary: Glossary
    feedback: FeedbackRecorder
    gate: AccessGate
    audit: AuditLog
    drafts: DraftFiles

    @classmethod
    def create(cls, assistant: Assistant, passwords: Passwords | None = None) -> Services:
        """Wire the UI's helpers to one Assistant; data goes under its settings' data_dir.

        The users, sessions and audit databases are the ones the CLI's ``users`` and
        ``audit`` commands manage (same files under the data folder).
        """
        settings = assistant.settings
        store = FeedbackStore(settings.data_dir / FEEDBACK_FILE)
        audit = AuditLog(settings.data_dir / AUDIT_FILE, settings.audit_retention_days)
        users = UserStore(
            settings.data_dir / USERS_FILE, passwords or Passwords(settings.password_min_length)
        )
        sessions = SessionStore(users, timedelta(minutes=settings.session_ttl_minutes))
        return cls(
            assistant=assistant,
            chat=ChatHandler(assistant, audit),
            library=DocumentLibrary(assistant, audit),
            glossary=Glossary(assistant),
            feedback=FeedbackRecorder(store),
            gate=AccessGate(SignIn(sessions, audit)),
            audit=audit,
            drafts=DraftFiles(),
        )

    def warm_up(self) -> threading.Thread:
        """Build the glossary and read the indexed sentences' words in the background, so the
        page opens at once (the first questions tokenize what they need meanwhile)."""

        def build() -> None:
            try:
                self.glossary.entries()
            except AssistantError as exc:
                log.warning("glossary not built: %s", exc)
            self.assistant.warm_words()

        thread = threading.Thread(target=build, name="glossary-warm-up", daemon=True)
        thread.start()
        return thread
