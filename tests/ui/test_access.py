"""The UI's gate: a session cookie resolves to its principal on every event until it ends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest
from argon2 import PasswordHasher

from assistant.access.audit import AuditLog
from assistant.access.passwords import Passwords
from assistant.access.principal import Role
from assistant.access.sessions import SessionStore
from assistant.access.sign_in import SignIn
from assistant.access.users import UserStore
from assistant.ui.access import SESSION_COOKIE, AccessGate
from tests.access.conftest import PASSWORD, Clock


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def users(tmp_path: Path, clock: Clock) -> UserStore:
    cheap = Passwords(hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    return UserStore(tmp_path / "users.sqlite3", cheap, clock)


def _gate(users: UserStore, clock: Clock, tmp_path: Path) -> AccessGate:
    sessions = SessionStore(users, timedelta(minutes=30), clock)
    return AccessGate(SignIn(sessions, AuditLog(tmp_path / "audit.sqlite3", clock=clock)))


def _request(token: str | None) -> SimpleNamespace:
    return SimpleNamespace(cookies={SESSION_COOKIE: token} if token else {})


def test_a_session_works_until_it_expires_or_is_signed_out(
    users: UserStore, clock: Clock, tmp_path: Path
) -> None:
    users.add("staff1", Role.STAFF, PASSWORD)
    gate = _gate(users, clock, tmp_path)
    session = gate.sign_in.sign_in("staff1", PASSWORD)
    assert gate.require(_request(session.token)).role is Role.STAFF
    assert gate.user_name(_request(session.token)) == "staff1"
    clock.advance(minutes=31)
    with pytest.raises(gr.Error):
        gate.require(_request(session.token))
    assert gate.user_name(_request(session.token)) is None
    fresh = gate.sign_in.sign_in("staff1", PASSWORD)
    gate.sign_in.sign_out(fresh.token)
    with pytest.raises(gr.Error):
        gate.require(_request(fresh.token))


def test_no_cookie_a_forged_cookie_or_no_request_is_refused(
    users: UserStore, clock: Clock, tmp_path: Path
) -> None:
    gate = _gate(users, clock, tmp_path)
    for request in (_request(None), _request("forged-token"), None):
        with pytest.raises(gr.Error):
            gate.require(request)


def test_disabling_an_account_ends_its_open_session_at_once(
    users: UserStore, clock: Clock, tmp_path: Path
) -> None:
    users.add("firm1", Role.FIRM, PASSWORD)
    gate = _gate(users, clock, tmp_path)
    session = gate.sign_in.sign_in("firm1", PASSWORD)
    users.disable("firm1")
    with pytest.raises(gr.Error):
        gate.require(_request(session.token))
