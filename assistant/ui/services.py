"""The server-side objects one running app shares between all sessions and pages."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.feedback import FEEDBACK_FILE, FeedbackStore
from assistant.glossary import Glossary
from assistant.ui.chat import ChatHandler
from assistant.ui.documents import DocumentLibrary
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

    @classmethod
    def create(cls, assistant: Assistant) -> Services:
        """Wire the UI's helpers to one Assistant; data goes under its settings' data_dir."""
        store = FeedbackStore(assistant.settings.data_dir / FEEDBACK_FILE)
        return cls(
            assistant=assistant,
            chat=ChatHandler(assistant),
            library=DocumentLibrary(assistant),
            glossary=Glossary(assistant),
            feedback=FeedbackRecorder(store),
        )

    def warm_up(self) -> threading.Thread:
        """Build the glossary in the background so the onboarding page opens at once."""

        def build() -> None:
            try:
                self.glossary.entries()
            except AssistantError as exc:
                log.warning("glossary not built: %s", exc)

        thread = threading.Thread(target=build, name="glossary-warm-up", daemon=True)
        thread.start()
        return thread
