"""Signing in and out of the UI: check the password, open a session, audit the attempt.

One object so that the UI's login page (or Gradio's auth hook) cannot forget a step: every
attempt, failed or not, is in the audit log before the caller learns the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.access.audit import AuditLog
from assistant.access.audit_events import SignInEvent
from assistant.access.principal import Principal
from assistant.access.sessions import Session, SessionStore
from assistant.errors import AuthenticationError

MAX_NAME_IN_LOG = 100  # a name typed at the sign-in page is untrusted input


@dataclass(frozen=True)
class SignIn:
    """Sign-in, session lookup and sign-out over one session store and audit log."""

    sessions: SessionStore
    audit: AuditLog

    def sign_in(self, name: str, password: str, detail: str = "") -> Session:
        """A new session for ``name``, or AuthenticationError; both outcomes are audited.

        ``detail`` is what the caller knows of the client (for example its address).
        """
        try:
            user = self.sessions.users.authenticate(name, password)
        except AuthenticationError:
            self.audit.record(SignInEvent(name[:MAX_NAME_IN_LOG], succeeded=False, detail=detail))
            raise
        self.audit.record(SignInEvent(user.name, succeeded=True, detail=detail))
        return self.sessions.create(user)

    def principal(self, token: str) -> Principal | None:
        """The signed-in principal of a session token, or None (show the sign-in page)."""
        return self.sessions.lookup(token)

    def sign_out(self, token: str) -> None:
        """End the session of ``token``."""
        self.sessions.revoke(token)
