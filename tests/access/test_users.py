"""The user store in real SQLite under a temporary folder."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from assistant.access.passwords import Passwords
from assistant.access.principal import LOCAL_ADMIN, Principal, Role
from assistant.access.users import UserStore, resolve_cli_principal
from assistant.errors import AuthenticationError, UserError
from tests.access.conftest import PASSWORD, Clock


def test_an_added_user_reads_back_with_role_groups_and_creation_time(
    users: UserStore, clock: Clock
) -> None:
    added = users.add("tanaka", Role.STAFF, PASSWORD, ["council", "council", "board"])
    assert added == users.get("tanaka")
    assert (added.role, added.groups, added.disabled) == (Role.STAFF, ("board", "council"), False)
    assert added.created_at == clock.now
    assert added.principal == Principal("tanaka", Role.STAFF, frozenset({"board", "council"}))


def test_only_an_argon2_hash_is_stored_and_the_file_is_private(users: UserStore) -> None:
    users.add("tanaka", Role.FIRM, PASSWORD)
    with sqlite3.connect(users.path) as db:
        (stored,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert stat.S_IMODE(users.path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("name", "groups", "message"),
    [
        ("", (), "invalid user name"),
        ("山田", (), "invalid user name"),
        ("a b", (), "invalid user name"),
        ("local-admin", (), "reserved"),
        ("tanaka", ("Council",), "invalid group name"),
        ("tanaka", ("group:council",), "invalid group name"),
    ],
)
def test_bad_names_and_groups_are_refused_with_the_rule(
    users: UserStore, name: str, groups: tuple[str, ...], message: str
) -> None:
    with pytest.raises(UserError, match=message):
        users.add(name, Role.FIRM, PASSWORD, groups)
    assert users.list_users() == []


def test_a_taken_name_and_a_weak_password_are_refused(users: UserStore) -> None:
    users.add("tanaka", Role.FIRM, PASSWORD)
    with pytest.raises(UserError, match="already exists"):
        users.add("tanaka", Role.ADMIN, PASSWORD)
    with pytest.raises(UserError, match="at least 12"):
        users.add("sato", Role.FIRM, "short")
    assert [u.name for u in users.list_users()] == ["tanaka"]
    assert users.get("tanaka").role is Role.FIRM


def test_authenticate_returns_the_user_for_the_right_password(users: UserStore) -> None:
    users.add("tanaka", Role.STAFF, PASSWORD)
    assert users.authenticate("tanaka", PASSWORD).name == "tanaka"


@pytest.mark.parametrize(
    ("name", "password"), [("tanaka", "wrong password!"), ("nobody", PASSWORD)]
)
def test_wrong_password_and_unknown_name_fail_alike(
    users: UserStore, name: str, password: str
) -> None:
    users.add("tanaka", Role.STAFF, PASSWORD)
    with pytest.raises(AuthenticationError, match=r"^the user name or the password is wrong$"):
        users.authenticate(name, password)


def test_a_disabled_user_cannot_sign_in_but_is_kept(users: UserStore) -> None:
    users.add("tanaka", Role.STAFF, PASSWORD)
    assert users.disable("tanaka").disabled
    with pytest.raises(AuthenticationError, match="user name or the password"):
        users.authenticate("tanaka", PASSWORD)
    assert [u.name for u in users.list_users()] == ["tanaka"]


def test_a_new_password_replaces_the_old_one(users: UserStore, clock: Clock) -> None:
    users.add("tanaka", Role.STAFF, PASSWORD)
    clock.advance(minutes=5)
    changed = users.set_password("tanaka", "another long password")
    assert changed.password_changed_at == clock.now
    users.authenticate("tanaka", "another long password")
    with pytest.raises(AuthenticationError):
        users.authenticate("tanaka", PASSWORD)


def test_changing_an_unknown_user_says_so(users: UserStore) -> None:
    with pytest.raises(UserError, match="no user called 'ghost'"):
        users.disable("ghost")
    with pytest.raises(UserError, match="no user called 'ghost'"):
        users.set_password("ghost", PASSWORD)


def test_a_sign_in_upgrades_a_hash_made_with_weaker_parameters(
    users: UserStore, tmp_path: Path
) -> None:
    users.add("tanaka", Role.STAFF, PASSWORD)
    stronger = Passwords(hasher=PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    upgraded = UserStore(users.path, stronger)
    upgraded.authenticate("tanaka", PASSWORD)
    with sqlite3.connect(users.path) as db:
        (stored,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert "t=2" in stored and not stronger.needs_rehash(stored)
    upgraded.authenticate("tanaka", PASSWORD)


def test_the_cli_acts_as_the_local_admin_unless_a_user_is_named(users: UserStore) -> None:
    def no_store() -> UserStore:
        raise AssertionError("the users database must not be opened without --user")

    assert resolve_cli_principal(no_store, None) is LOCAL_ADMIN
    assert resolve_cli_principal(no_store, "local-admin") is LOCAL_ADMIN
    users.add("tanaka", Role.FIRM, PASSWORD, ["council"])
    assert resolve_cli_principal(lambda: users, "tanaka") == users.get("tanaka").principal
    users.disable("tanaka")
    with pytest.raises(UserError, match="disabled"):
        resolve_cli_principal(lambda: users, "tanaka")
    with pytest.raises(UserError, match="no user called"):
        resolve_cli_principal(lambda: users, "ghost")
