"""UI sign-in sessions: a random token maps to a user until it expires or is revoked.

Only a SHA-256 of each token is stored, so a copy of the database cannot be replayed as a
cookie. Sessions live in the users database (a table of their own) and are checked against
the account on every lookup: disabling a user or changing their password ends their sessions
at once, with no list of sessions to keep in step. The expiry is fixed at creation
(``ASSISTANT_SESSION_TTL_MINUTES``); a user signs in again after it.

Every request is checked (Gradio's auth dependency, then the handler: three lookups per API
question), and two database reads per lookup cost about 2 ms. Lookups are therefore kept in
memory, but only for as long as the database is unchanged: SQLite's ``data_version`` changes
with every commit of any other connection, in this process or another (``assistant users
disable`` from a shell), and any change empties the memory before the next lookup answers.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from assistant.access.principal import Principal
from assistant.access.timestamps import from_text, to_text, utc_now
from assistant.access.users import User, UserStore
from assistant.errors import UserError
from assistant.sqlite_files import connect, hold_open, open_private_database

TOKEN_BYTES = 32

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
"""


@dataclass(frozen=True)
class Session:
    """A new session: the token goes to the browser (a cookie) and is never stored as such."""

    token: str
    user_name: str
    created_at: datetime
    expires_at: datetime


class SessionStore:
    """Sessions of the accounts in one UserStore."""

    def __init__(
        self, users: UserStore, ttl: timedelta, clock: Callable[[], datetime] = utc_now
    ) -> None:
        if ttl <= timedelta(0):
            raise ValueError("the session lifetime must be positive")
        self.users = users
        self.ttl = ttl
        self._clock = clock
        try:
            open_private_database(users.path, _SCHEMA)
            # Only reads data_version: every write is another connection's, so each one shows.
            self._watch = hold_open(users.path)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(f"cannot open the sessions in {users.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._version = -1
        self._known: dict[str, tuple[Principal, datetime]] = {}  # digest -> (who, expiry)

    def create(self, user: User) -> Session:
        """Open a session for an account that has just proved its password."""
        now = self._clock()
        session = Session(secrets.token_urlsafe(TOKEN_BYTES), user.name, now, now + self.ttl)
        with connect(self.users.path) as db:
            db.execute(
                "INSERT INTO sessions (token_sha256, user_name, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (_digest(session.token), user.name, to_text(now), to_text(session.expires_at)),
            )
        return session

    def lookup(self, token: str) -> Principal | None:
        """The principal a token signs in, or None if it is unknown, expired or revoked.

        None also when the account was disabled or its password changed after the session
        began, so the caller has one answer to act on: show the sign-in page.
        """
        if not token:
            return None
        digest = _digest(token)
        with self._lock:
            version = self._data_version()
            if version != self._version:
                self._known.clear()
                self._version = version
            known = self._known.get(digest)
        if known is not None:
            return known[0] if known[1] > self._clock() else None
        principal, expires_at = self._read(digest)
        if principal is not None:
            with self._lock:
                # Kept only if nothing changed since ``version`` was read before the reads: a
                # change in between leaves it to the next lookup to read again.
                if self._version == version:
                    self._known[digest] = (principal, expires_at)
        return principal

    def _data_version(self) -> int:
        return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    def _read(self, digest: str) -> tuple[Principal | None, datetime]:
        """The principal of a token digest from the database, and the session's expiry."""
        with connect(self.users.path) as db:
            row = db.execute(
                "SELECT user_name, created_at, expires_at FROM sessions WHERE token_sha256 = ?",
                (digest,),
            ).fetchone()
        if row is None:
            return None, self._clock()
        expires_at = from_text(row[2])
        if expires_at <= self._clock():
            return None, expires_at
        user = self.users.find(row[0])
        if user is None or user.disabled or from_text(row[1]) < user.password_changed_at:
            return None, expires_at
        return user.principal, expires_at

    def revoke(self, token: str) -> None:
        """End a session (sign-out); an unknown token is already ended."""
        with connect(self.users.path) as db:
            db.execute("DELETE FROM sessions WHERE token_sha256 = ?", (_digest(token),))

    def expire(self) -> int:
        """Delete sessions past their expiry and return how many; lookups ignore them anyway."""
        with connect(self.users.path) as db:
            cursor = db.execute(
                "DELETE FROM sessions WHERE expires_at <= ?", (to_text(self._clock()),)
            )
            return cursor.rowcount


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
