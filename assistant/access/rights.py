"""Who may change the corpus, export records and manage accounts (issue #17, rights on actions).

These are pure rules on a ``Principal``: every Gradio event, API route and CLI command asks
them on the server, so a client that skips the page's buttons gains nothing. The rules:

- ``admin`` and ``staff`` may upload; staff may replace or delete only their own uploads,
  admins any upload.
- Catalogued corpus documents (listed in catalog.yaml) are never replaced or deleted from the
  UI, by anyone: they change only through ``assistant ingest``, which only an admin runs.
  This is what stops an upload named like 外為法's file from rewriting the law.
- Only ``admin`` exports feedback and the audit log, and manages users.
"""

from __future__ import annotations

from assistant.access.principal import Principal, Role
from assistant.access.visibility import Visibility, can_see
from assistant.errors import ForbiddenError


def can_upload(principal: Principal) -> bool:
    """Whether ``principal`` may add a new, uncatalogued document."""
    return principal.role in (Role.ADMIN, Role.STAFF)


def can_delete(principal: Principal, document_owner: str | None, catalogued: bool) -> bool:
    """Whether ``principal`` may delete (or replace) a document from the UI.

    ``document_owner`` is the name of the user who uploaded it (None for corpus files);
    ``catalogued`` whether catalog.yaml lists its file name.
    """
    if catalogued:
        return False
    if principal.role is Role.ADMIN:
        return True
    return principal.role is Role.STAFF and document_owner == principal.name


def can_replace(principal: Principal, document_owner: str | None, catalogued: bool) -> bool:
    """Whether ``principal`` may upload a file over an existing document of the same name."""
    return can_delete(principal, document_owner, catalogued)


def can_ingest(principal: Principal) -> bool:
    """Whether ``principal`` may (re)index the corpus, catalogued documents included."""
    return principal.role is Role.ADMIN


def can_export(principal: Principal) -> bool:
    """Whether ``principal`` may export feedback or the audit log (they hold others' questions)."""
    return principal.role is Role.ADMIN


def can_manage_users(principal: Principal) -> bool:
    """Whether ``principal`` may add, disable or reset the password of accounts."""
    return principal.role is Role.ADMIN


def can_assign_visibility(principal: Principal, visibility: Visibility) -> bool:
    """Whether ``principal`` may give an upload this visibility.

    An uploader may only restrict a document to an audience they belong to, so nobody can
    hide a document from themselves or place one in a group they cannot read.
    """
    return can_upload(principal) and can_see(principal, visibility)


def require(allowed: bool, principal: Principal, action: str) -> None:
    """Raise ForbiddenError naming the action and the role when ``allowed`` is false."""
    if not allowed:
        raise ForbiddenError(
            f"user {principal.name!r} (role {principal.role.value}) may not {action}"
        )
