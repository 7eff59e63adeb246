"""Fixtures for the access tests: a cheap argon2 hasher, a clock the test moves, real SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from assistant.access.passwords import Passwords
from assistant.access.users import USERS_FILE, UserStore

PASSWORD = "correct horse battery"


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def passwords() -> Passwords:
    """Real argon2id with the smallest parameters: same code path, milliseconds per hash."""
    return Passwords(
        min_length=12, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture()
def users(tmp_path: Path, passwords: Passwords, clock: Clock) -> UserStore:
    return UserStore(tmp_path / "data" / USERS_FILE, passwords, clock)
