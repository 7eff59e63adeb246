"""Rights on actions: uploads, replacements, deletions, exports and accounts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.access.principal import Principal, Role
from assistant.access.rights import (
    can_assign_visibility,
    can_delete,
    can_export,
    can_ingest,
    can_manage_users,
    can_replace,
    can_upload,
    require,
)
from assistant.access.visibility import PUBLIC, STAFF, Visibility
from assistant.errors import ForbiddenError

ADMIN = Principal("admin1", Role.ADMIN)
STAFF_MEMBER = Principal("tanaka", Role.STAFF, frozenset({"council"}))
FIRM = Principal("acme", Role.FIRM, frozenset({"council"}))


def test_admins_and_staff_upload_firms_do_not() -> None:
    assert can_upload(ADMIN) and can_upload(STAFF_MEMBER)
    assert not can_upload(FIRM)


@pytest.mark.parametrize("check", [can_delete, can_replace])
def test_staff_change_only_their_own_uploads_and_admins_any(
    check: Callable[[Principal, str | None, bool], bool],
) -> None:
    assert check(STAFF_MEMBER, "tanaka", False)
    assert not check(STAFF_MEMBER, "suzuki", False)
    assert not check(STAFF_MEMBER, None, False)
    assert check(ADMIN, "suzuki", False) and check(ADMIN, None, False)
    assert not check(FIRM, "acme", False)


@pytest.mark.parametrize("principal", [ADMIN, STAFF_MEMBER, FIRM])
def test_nobody_replaces_or_deletes_a_catalogued_document_from_the_ui(principal: Principal) -> None:
    assert not can_delete(principal, principal.name, True)
    assert not can_replace(principal, None, True)


def test_only_admins_ingest_export_and_manage_users() -> None:
    for check in (can_ingest, can_export, can_manage_users):
        assert [check(p) for p in (ADMIN, STAFF_MEMBER, FIRM)] == [True, False, False]


def test_an_uploader_restricts_a_document_only_to_an_audience_they_are_in() -> None:
    council, board = Visibility("group", "council"), Visibility("group", "board")
    assert can_assign_visibility(STAFF_MEMBER, STAFF)
    assert can_assign_visibility(STAFF_MEMBER, council)
    assert not can_assign_visibility(STAFF_MEMBER, board)
    assert can_assign_visibility(ADMIN, board)
    assert not can_assign_visibility(FIRM, PUBLIC)  # firms cannot upload at all


def test_require_names_the_user_role_and_action() -> None:
    require(True, FIRM, "export the audit log")
    with pytest.raises(ForbiddenError, match=r"user 'acme' \(role firm\) may not export the audit"):
        require(False, FIRM, "export the audit log")
