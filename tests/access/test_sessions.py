"""UI sessions in the real users database: create, look up, expire, revoke."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest

from assistant.access.principal import Principal, Role
from assistant.access.sessions import SessionStore
from assistant.access.users import UserStore
from tests.access.conftest import PASSWORD, Clock


@pytest.fixture()
def sessions(users: UserStore, clock: Clock) -> SessionStore:
    users.add("tanaka", Role.STAFF, PASSWORD, ["council"])
    return SessionStore(users, timedelta(minutes=30), clock)


def test_a_token_looks_up_its_user_until_it_expires(sessions: SessionStore, clock: Clock) -> None:
    session = sessions.create(sessions.users.get("tanaka"))
    assert session.expires_at == clock.now + timedelta(minutes=30)
    expected = Principal("tanaka", Role.STAFF, frozenset({"council"}))
    clock.advance(minutes=29)
    assert sessions.lookup(session.token) == expected
    clock.advance(minutes=1)
    assert sessions.lookup(session.token) is None


def test_unknown_and_empty_tokens_sign_in_nobody(sessions: SessionStore) -> None:
    sessions.create(sessions.users.get("tanaka"))
    assert sessions.lookup("") is None
    assert sessions.lookup("forged-token") is None


def test_only_a_digest_of_the_token_is_stored(sessions: SessionStore) -> None:
    session = sessions.create(sessions.users.get("tanaka"))
    with sqlite3.connect(sessions.users.path) as db:
        stored = [row[0] for row in db.execute("SELECT token_sha256 FROM sessions")]
    assert len(stored) == 1 and session.token not in stored[0] and len(stored[0]) == 64


def test_revoking_ends_one_session_and_leaves_the_others(sessions: SessionStore) -> None:
    user = sessions.users.get("tanaka")
    first, second = sessions.create(user), sessions.create(user)
    assert first.token != second.token
    sessions.revoke(first.token)
    assert sessions.lookup(first.token) is None
    assert sessions.lookup(second.token) is not None
    sessions.revoke(first.token)  # signing out twice is harmless


def test_expire_deletes_only_expired_sessions(sessions: SessionStore, clock: Clock) -> None:
    user = sessions.users.get("tanaka")
    old = sessions.create(user)
    clock.advance(minutes=20)
    recent = sessions.create(user)
    clock.advance(minutes=15)
    assert sessions.expire() == 1
    assert sessions.lookup(old.token) is None and sessions.lookup(recent.token) is not None
    assert sessions.expire() == 0


def test_disabling_the_user_ends_their_sessions_at_once(sessions: SessionStore) -> None:
    session = sessions.create(sessions.users.get("tanaka"))
    sessions.users.disable("tanaka")
    assert sessions.lookup(session.token) is None


def test_a_password_change_ends_older_sessions_only(sessions: SessionStore, clock: Clock) -> None:
    before = sessions.create(sessions.users.get("tanaka"))
    clock.advance(seconds=1)
    user = sessions.users.set_password("tanaka", "another long password")
    after = sessions.create(user)
    assert sessions.lookup(before.token) is None
    assert sessions.lookup(after.token) is not None


def test_a_role_change_shows_on_the_next_lookup(sessions: SessionStore) -> None:
    session = sessions.create(sessions.users.get("tanaka"))
    with sqlite3.connect(sessions.users.path) as db:
        db.execute("UPDATE users SET role = 'firm' WHERE name = 'tanaka'")
    principal = sessions.lookup(session.token)
    assert principal is not None and principal.role is Role.FIRM


def test_a_session_lifetime_must_be_positive(users: UserStore) -> None:
    with pytest.raises(ValueError, match="positive"):
        SessionStore(users, timedelta(0))


def test_a_remembered_lookup_ends_at_once_on_any_change_from_any_process(
    sessions: SessionStore, clock: Clock
) -> None:
    """Lookups are remembered while the database is unchanged; a disable, a password change
    or a sign-out, here from another process, is seen by the very next lookup."""
    user = sessions.users.get("tanaka")
    first, second = sessions.create(user), sessions.create(user)
    assert sessions.lookup(first.token) is not None  # read, then remembered
    assert sessions.lookup(second.token) is not None
    other_process = (
        "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
        "db.execute(\"UPDATE users SET disabled = 1 WHERE name = 'tanaka'\"); db.commit()"
    )
    subprocess.run([sys.executable, "-c", other_process, str(sessions.users.path)], check=True)
    assert sessions.lookup(first.token) is None and sessions.lookup(second.token) is None
    with sqlite3.connect(sessions.users.path) as db:
        db.execute("UPDATE users SET disabled = 0 WHERE name = 'tanaka'")
    assert sessions.lookup(first.token) is not None
    sessions.revoke(first.token)
    assert sessions.lookup(first.token) is None and sessions.lookup(second.token) is not None
    clock.advance(minutes=30)  # a remembered session still expires on time
    assert sessions.lookup(second.token) is None


def test_an_unchanged_database_is_not_read_again(
    sessions: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = sessions.create(sessions.users.get("tanaka"))
    expected = sessions.lookup(session.token)
    reads: list[str] = []
    read = sessions._read
    monkeypatch.setattr(sessions, "_read", lambda digest: reads.append(digest) or read(digest))
    assert all(sessions.lookup(session.token) == expected for _ in range(5)) and not reads
    sessions.users.disable("tanaka")
    assert sessions.lookup(session.token) is None and len(reads) == 1
