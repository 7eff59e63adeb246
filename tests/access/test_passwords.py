"""The password policy and argon2id hashing, with real argon2 at small parameters."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from assistant.access.passwords import MAX_PASSWORD_CHARS, Passwords
from assistant.errors import UserError
from tests.access.conftest import PASSWORD


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short", "at least 12"),
        ("x" * (MAX_PASSWORD_CHARS + 1), "at most"),
        (" " * 20, "only spaces"),
        ("Suzuki.Hanako", "user name"),
    ],
)
def test_the_policy_names_the_rule_a_password_breaks(
    passwords: Passwords, password: str, rule: str
) -> None:
    with pytest.raises(UserError, match=rule):
        passwords.hash(password, "suzuki.hanako")


def test_a_hash_is_argon2id_salted_and_verifies_only_its_password(passwords: Passwords) -> None:
    first, second = passwords.hash(PASSWORD, "sato"), passwords.hash(PASSWORD, "sato")
    assert first.startswith("$argon2id$") and first != second  # a fresh salt each time
    assert passwords.verify(first, PASSWORD)
    assert not passwords.verify(first, PASSWORD + "!")
    assert not passwords.verify("not a hash", PASSWORD)


def test_an_unknown_user_never_verifies(passwords: Passwords) -> None:
    assert not passwords.verify(None, PASSWORD)
    assert not passwords.verify(None, "")


def test_a_hash_made_with_weaker_parameters_needs_a_rehash(passwords: Passwords) -> None:
    stronger = Passwords(hasher=PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert stronger.needs_rehash(passwords.hash(PASSWORD, "sato"))
    assert not passwords.needs_rehash(passwords.hash(PASSWORD, "sato"))
