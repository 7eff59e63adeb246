"""Signing in and out: sessions opened, every attempt in the audit log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from assistant.access.audit import AUDIT_FILE, AuditLog
from assistant.access.audit_events import EventKind
from assistant.access.principal import Role
from assistant.access.sessions import SessionStore
from assistant.access.sign_in import SignIn
from assistant.access.users import UserStore
from assistant.errors import AuthenticationError
from tests.access.conftest import PASSWORD, Clock


@pytest.fixture()
def gate(users: UserStore, clock: Clock, tmp_path: Path) -> SignIn:
    users.add("tanaka", Role.FIRM, PASSWORD)
    audit = AuditLog(tmp_path / "data" / AUDIT_FILE, clock=clock)
    return SignIn(SessionStore(users, timedelta(hours=8), clock), audit)


def test_a_successful_sign_in_opens_a_session_and_is_audited(gate: SignIn) -> None:
    session = gate.sign_in("tanaka", PASSWORD, detail="127.0.0.1")
    principal = gate.principal(session.token)
    assert principal is not None and principal.name == "tanaka"
    [record] = gate.audit.records()
    assert (record.kind, record.user, record.succeeded, record.detail) == (
        EventKind.SIGN_IN,
        "tanaka",
        True,
        "127.0.0.1",
    )


def test_a_failed_sign_in_is_audited_under_the_name_typed(gate: SignIn) -> None:
    with pytest.raises(AuthenticationError):
        gate.sign_in("tanaka", "wrong password!")
    with pytest.raises(AuthenticationError):
        gate.sign_in("x" * 500, PASSWORD)
    records = list(gate.audit.records())
    assert [(r.user, r.succeeded) for r in records] == [("tanaka", False), ("x" * 100, False)]


def test_signing_out_ends_the_session(gate: SignIn) -> None:
    session = gate.sign_in("tanaka", PASSWORD)
    gate.sign_out(session.token)
    assert gate.principal(session.token) is None
