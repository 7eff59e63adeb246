"""Document visibility: the written form, the rule, and the tags retrieval filters on."""

from __future__ import annotations

import pytest

from assistant.access.principal import Principal, Role
from assistant.access.visibility import (
    PUBLIC,
    STAFF,
    Visibility,
    can_see,
    parse_visibility,
    visibility_scope,
)
from assistant.errors import VisibilityError

COUNCIL = Visibility("group", "council")
ADMIN = Principal("admin1", Role.ADMIN)
STAFF_MEMBER = Principal("tanaka", Role.STAFF)
STAFF_ON_COUNCIL = Principal("suzuki", Role.STAFF, frozenset({"council"}))
FIRM = Principal("acme", Role.FIRM)
FIRM_ON_COUNCIL = Principal("maker", Role.FIRM, frozenset({"council"}))
EVERYONE = (ADMIN, STAFF_MEMBER, STAFF_ON_COUNCIL, FIRM, FIRM_ON_COUNCIL)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, PUBLIC),
        ("", PUBLIC),
        ("public", PUBLIC),
        (" staff ", STAFF),
        ("group:council", COUNCIL),
        ("group:sc-2025_a", Visibility("group", "sc-2025_a")),
    ],
)
def test_written_visibilities_parse(text: str | None, expected: Visibility) -> None:
    assert parse_visibility(text) == expected


@pytest.mark.parametrize(
    "text", ["Public", "secret", "group:", "group:Council", "groups:x", "協議会"]
)
def test_unknown_visibilities_name_the_place_and_the_forms(text: str) -> None:
    with pytest.raises(
        VisibilityError, match=r"catalog.yaml: a.md: unknown visibility .*group:NAME"
    ):
        parse_visibility(text, where="catalog.yaml: a.md")


def test_the_tag_is_the_written_form() -> None:
    for text in ("public", "staff", "group:council"):
        assert parse_visibility(text).tag == text


def test_a_visibility_value_is_checked_when_built() -> None:
    with pytest.raises(VisibilityError):
        Visibility("group")
    with pytest.raises(VisibilityError):
        Visibility("staff", "council")
    with pytest.raises(VisibilityError):
        Visibility("secret")


@pytest.mark.parametrize(
    ("visibility", "readers"),
    [
        (PUBLIC, set(EVERYONE)),
        (STAFF, {ADMIN, STAFF_MEMBER, STAFF_ON_COUNCIL}),
        (COUNCIL, {ADMIN, STAFF_ON_COUNCIL, FIRM_ON_COUNCIL}),
        (Visibility("group", "board"), {ADMIN}),
    ],
)
def test_who_can_see_what(visibility: Visibility, readers: set[Principal]) -> None:
    assert {p for p in EVERYONE if can_see(p, visibility)} == readers


def test_scopes_list_the_tags_each_role_may_read() -> None:
    assert visibility_scope(ADMIN).everything
    assert visibility_scope(FIRM).tags == ("public",)
    assert visibility_scope(FIRM_ON_COUNCIL).tags == ("group:council", "public")
    assert visibility_scope(STAFF_MEMBER).tags == ("public", "staff")
    assert visibility_scope(STAFF_ON_COUNCIL).tags == ("group:council", "public", "staff")


@pytest.mark.parametrize("principal", EVERYONE)
@pytest.mark.parametrize(
    "visibility", [PUBLIC, STAFF, COUNCIL, Visibility("group", "board")], ids=lambda v: v.tag
)
def test_the_scope_agrees_with_can_see(principal: Principal, visibility: Visibility) -> None:
    assert visibility_scope(principal).admits(visibility.tag) == can_see(principal, visibility)


def test_an_untagged_chunk_is_shown_to_admins_only() -> None:
    assert visibility_scope(ADMIN).admits(None)
    assert not any(visibility_scope(p).admits(None) for p in EVERYONE if p is not ADMIN)
