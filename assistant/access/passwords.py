"""Password policy and hashing (argon2id through argon2-cffi).

Argon2id is memory-hard, so a stolen users database costs an attacker far more per guess than
a fast hash would. Verification is argon2's own comparison, and a sign-in for a name that does
not exist still verifies against a fixed hash, so the time taken does not tell which names exist.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from assistant.errors import UserError

MAX_PASSWORD_CHARS = 1024  # argon2 hashes any length; this bounds the work one request causes


@dataclass(frozen=True)
class Passwords:
    """Checks new passwords against the policy, hashes them and verifies sign-ins."""

    min_length: int = 12
    hasher: PasswordHasher = field(default_factory=PasswordHasher)

    def __post_init__(self) -> None:
        if self.min_length < 1:
            raise ValueError("min_length must be at least 1")

    def check(self, password: str, user_name: str) -> None:
        """Raise UserError naming the rule a new password breaks."""
        if len(password) < self.min_length:
            raise UserError(f"the password must have at least {self.min_length} characters")
        if len(password) > MAX_PASSWORD_CHARS:
            raise UserError(f"the password must have at most {MAX_PASSWORD_CHARS} characters")
        if not password.strip():
            raise UserError("the password must not be only spaces")
        if password.casefold() == user_name.casefold():
            raise UserError("the password must not be the user name")

    def hash(self, password: str, user_name: str) -> str:
        """The stored form of a new password, after checking it against the policy."""
        self.check(password, user_name)
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored``; ``None`` (no such user) costs the same time."""
        if len(password) > MAX_PASSWORD_CHARS:
            return False
        try:
            matched = self.hasher.verify(stored or self._decoy(), password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return matched and stored is not None

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with weaker parameters than the hasher's current ones."""
        return self.hasher.check_needs_rehash(stored)

    def _decoy(self) -> str:
        hasher = self.hasher
        return _decoy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism)


@functools.cache
def _decoy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """A hash of a random password with these parameters, made once per process."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    return hasher.hash(secrets.token_urlsafe(32))
