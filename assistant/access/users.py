"""The user store: accounts with argon2 password hashes, roles and groups, in SQLite.

Accounts are never deleted, only disabled: the audit log names users, and a name that came
back as someone else would make those records lie. ``password_changed_at`` lets sessions.py
end every session opened before a password change without tracking them here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assistant.access.passwords import Passwords
from assistant.access.principal import (
    LOCAL_ADMIN,
    LOCAL_ADMIN_NAME,
    Principal,
    Role,
    check_group_name,
    check_user_name,
)
from assistant.access.timestamps import from_text, to_text, utc_now
from assistant.errors import AuthenticationError, UserError
from assistant.sqlite_files import connect, hold_open, open_private_database

USERS_FILE = "users.sqlite3"

# "groups" is an SQL keyword (window frames), hence member_of.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('firm', 'staff', 'admin')),
    member_of TEXT NOT NULL DEFAULT '[]',
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class User:
    """One stored account, without its password hash."""

    name: str
    role: Role
    groups: tuple[str, ...]
    disabled: bool
    created_at: datetime
    password_changed_at: datetime

    @property
    def principal(self) -> Principal:
        """The value retrieval and rights checks receive for this user."""
        return Principal(self.name, self.role, frozenset(self.groups))


class UserStore:
    """Accounts in one SQLite file under the data folder (created 0600, WAL)."""

    def __init__(
        self,
        path: Path,
        passwords: Passwords | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.path = path
        self.passwords = passwords or Passwords()
        self._clock = clock
        try:
            open_private_database(path, _SCHEMA)
            self._held = hold_open(path)  # the sessions share this file, and this connection
        except (OSError, sqlite3.Error) as exc:
            raise UserError(f"cannot open the users database {path}: {exc}") from exc

    def add(self, name: str, role: Role, password: str, groups: Iterable[str] = ()) -> User:
        """Create an account, or raise UserError (bad name or group, weak password, taken)."""
        check_user_name(name)
        if name == LOCAL_ADMIN_NAME:
            raise UserError(f"{name!r} is reserved for the command line's local administrator")
        members = sorted({check_group_name(g) for g in groups})
        password_hash = self.passwords.hash(password, name)
        now = to_text(self._clock())
        try:
            with connect(self.path) as db:
                db.execute(
                    "INSERT INTO users (name, role, member_of, password_hash, created_at, "
                    "password_changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (name, role.value, json.dumps(members), password_hash, now, now),
                )
        except sqlite3.IntegrityError:
            raise UserError(f"user {name!r} already exists") from None
        return self.get(name)

    def find(self, name: str) -> User | None:
        """The account called ``name``, if there is one."""
        with connect(self.path) as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM users WHERE name = ?", (name,)).fetchone()
        return _to_user(row) if row else None

    def get(self, name: str) -> User:
        """The account called ``name``, or UserError."""
        user = self.find(name)
        if user is None:
            raise UserError(f"no user called {name!r} (see `assistant users list`)")
        return user

    def list_users(self) -> list[User]:
        """Every account, enabled or not, by name."""
        with connect(self.path) as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name").fetchall()
        return [_to_user(row) for row in rows]

    def disable(self, name: str) -> User:
        """Stop an account from signing in; its open sessions stop working at once."""
        self._update(name, "UPDATE users SET disabled = 1 WHERE name = ?", (name,))
        return self.get(name)

    def set_password(self, name: str, password: str) -> User:
        """Replace a password (policy checked); sessions opened before it end."""
        self.get(name)
        password_hash = self.passwords.hash(password, name)
        self._update(
            name,
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?",
            (password_hash, to_text(self._clock()), name),
        )
        return self.get(name)

    def authenticate(self, name: str, password: str) -> User:
        """The enabled account whose password this is, or AuthenticationError.

        Unknown names, wrong passwords and disabled accounts get the same message, and an
        unknown name still costs one argon2 verification, so neither the message nor the
        time taken tells a stranger which names exist.
        """
        with connect(self.path) as db:
            row = db.execute(
                f"SELECT {_COLUMNS}, password_hash FROM users WHERE name = ?", (name,)
            ).fetchone()
        stored: str | None = row[-1] if row else None
        if not self.passwords.verify(stored, password) or row is None or stored is None:
            raise AuthenticationError("the user name or the password is wrong")
        user = _to_user(row[:-1])
        if user.disabled:
            raise AuthenticationError("the user name or the password is wrong")
        if self.passwords.needs_rehash(stored):
            # Parameters were raised since this hash was made; the password is known right now.
            with connect(self.path) as db:
                db.execute(
                    "UPDATE users SET password_hash = ? WHERE name = ?",
                    (self.passwords.hasher.hash(password), name),
                )
        return user

    def _update(self, name: str, sql: str, args: tuple[object, ...]) -> None:
        with connect(self.path) as db:
            changed = db.execute(sql, args).rowcount
        if not changed:
            raise UserError(f"no user called {name!r} (see `assistant users list`)")


def resolve_cli_principal(store: Callable[[], UserStore], name: str | None) -> Principal:
    """Who a CLI command acts as: ``LOCAL_ADMIN`` without ``--user``, else that enabled user.

    ``store`` is called only when a name is given, so commands run without ``--user`` never
    create a users database.
    """
    if name is None or name == LOCAL_ADMIN_NAME:
        return LOCAL_ADMIN
    user = store().get(name)
    if user.disabled:
        raise UserError(f"user {name!r} is disabled")
    return user.principal


_COLUMNS = "name, role, member_of, disabled, created_at, password_changed_at"


def _to_user(row: tuple[object, ...]) -> User:
    name, role, member_of, disabled, created_at, changed_at = row
    return User(
        name=str(name),
        role=Role(str(role)),
        groups=tuple(json.loads(str(member_of))),
        disabled=bool(disabled),
        created_at=from_text(str(created_at)),
        password_changed_at=from_text(str(changed_at)),
    )
