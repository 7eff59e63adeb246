"""Who is acting: a role, a name and the groups it belongs to, as retrieval and rights see it.

A ``Principal`` is what the rest of the assistant receives; it never carries a password hash,
and it is a plain value so that a test or a script can build one without a database.
The CLI acts as ``LOCAL_ADMIN`` unless ``--user`` names a stored user: whoever can run the
CLI can read the data folder anyway, so a password there would protect nothing, while
``--user`` lets a script act with a narrower role and be named in the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.errors import UserError

USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
GROUP_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LOCAL_ADMIN_NAME = "local-admin"


class Role(StrEnum):
    """What a user may do; visibility.py and rights.py give each role its meaning."""

    FIRM = "firm"
    STAFF = "staff"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """The user a request acts for: name, role and groups (for example ``council``)."""

    name: str
    role: Role
    groups: frozenset[str] = frozenset()

    def in_group(self, group: str) -> bool:
        """Whether this user is a member of ``group``."""
        return group in self.groups


LOCAL_ADMIN = Principal(LOCAL_ADMIN_NAME, Role.ADMIN)


def check_user_name(name: str) -> str:
    """Return ``name`` if it is a valid user name, else raise UserError saying what is allowed."""
    if not USER_NAME.fullmatch(name):
        raise UserError(
            f"invalid user name {name!r}: use 1-64 ASCII letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_group_name(name: str) -> str:
    """Return ``name`` if it is a valid group name, else raise UserError saying what is allowed.

    Group names become visibility tags (``group:NAME``) stored on every chunk, so they are
    kept to lower-case ASCII that reads the same in catalog.yaml, a filter and a log.
    """
    if not GROUP_NAME.fullmatch(name):
        raise UserError(
            f"invalid group name {name!r}: use 1-64 lower-case ASCII letters, digits, '_' or '-'"
        )
    return name


def parse_role(text: str) -> Role:
    """The role named ``text``, or UserError listing the roles."""
    try:
        return Role(text)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise UserError(f"unknown role {text!r}; roles are {known}") from None
