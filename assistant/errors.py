"""The project's one error tree.

The library raises these; only the CLI and the UI turn them into a one-line message (and exit
code 1 for the CLI). Every message names the thing that is wrong (a file, a setting, a question)
so that a user can act on it without reading a traceback.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the assistant raises on purpose."""


class ConfigError(AssistantError):
    """A setting is unknown, malformed or points to something that does not exist."""


class ModelError(AssistantError):
    """The embedding model (or an LLM endpoint) cannot be loaded or used."""


class IngestError(AssistantError):
    """One input file cannot be read, parsed or indexed; the rest of a batch still goes on."""


class IngestCancelledError(IngestError):
    """The user cancelled an ingest (an upload) before its file was committed."""


class IndexStoreError(AssistantError):
    """The index (Chroma or the keyword index) is missing, unreachable or inconsistent."""


class QuestionError(AssistantError):
    """The question itself is unusable: empty, or far longer than any real question.

    ``length`` and ``limit`` are set for an over-long question so that the UI can say the
    same thing in the user's language instead of showing this English message.
    """

    def __init__(self, message: str, *, length: int = 0, limit: int = 0) -> None:
        super().__init__(message)
        self.length = length
        self.limit = limit


class AccessError(AssistantError):
    """Base of the errors about who may do what (accounts, sign-in, rights)."""


class UserError(AccessError):
    """A user account cannot be created, found or changed: bad name, weak password, unknown."""


class AuthenticationError(AccessError):
    """A sign-in failed; the message never says whether the name or the password was wrong."""


class ForbiddenError(AccessError):
    """The signed-in user's role or groups do not allow this action."""


class VisibilityError(AssistantError):
    """A document's visibility (in catalog.yaml or at upload) is not one the assistant knows."""


class AuditError(AssistantError):
    """The audit log cannot be opened, written or purged."""
