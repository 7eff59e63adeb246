"""Who may read a document: public, ministry staff, or the members of one named group.

A visibility is written the same way in catalog.yaml, at upload and on every stored chunk::

    visibility: public          # everyone signed in (the default)
    visibility: staff           # staff and admins
    visibility: group:council   # members of the council group, and admins

The written form is also the tag stored in each chunk's metadata: one flat string, because
Chroma metadata values must be scalars and ``where={"visibility": {"$in": tags}}`` is the
filter it can apply inside the vector search, before ranking. A document therefore belongs to
at most one group; a document for two groups' members calls for a group holding both.

``can_see`` is the rule; ``visibility_scope`` is the same rule turned into the set of tags a
principal may read, which retrieval gives to both the vector and the keyword search.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.access.principal import GROUP_NAME, Principal, Role
from assistant.errors import VisibilityError

PUBLIC_TAG = "public"
STAFF_TAG = "staff"
GROUP_PREFIX = "group:"


@dataclass(frozen=True)
class Visibility:
    """A document's audience; ``group`` is set only for a group-restricted document."""

    level: str  # "public", "staff" or "group"
    group: str = ""

    def __post_init__(self) -> None:
        if self.level not in {PUBLIC_TAG, STAFF_TAG, "group"}:
            raise VisibilityError(f"unknown visibility level {self.level!r}")
        if (self.level == "group") != bool(self.group):
            raise VisibilityError("a group visibility needs a group name, and only it has one")

    @property
    def tag(self) -> str:
        """The written form, stored on every chunk: ``public``, ``staff`` or ``group:NAME``."""
        return GROUP_PREFIX + self.group if self.group else self.level


PUBLIC = Visibility(PUBLIC_TAG)
STAFF = Visibility(STAFF_TAG)
DEFAULT_VISIBILITY = PUBLIC


def parse_visibility(text: str | None, where: str = "") -> Visibility:
    """The visibility written as ``text``; empty or None means public.

    ``where`` names the place it was read from (``catalog.yaml: gaitameho.md``) so that the
    error message points at the line to fix.
    """
    value = (text or "").strip()
    if not value or value == PUBLIC_TAG:
        return PUBLIC
    if value == STAFF_TAG:
        return STAFF
    if value.startswith(GROUP_PREFIX) and GROUP_NAME.fullmatch(value[len(GROUP_PREFIX) :]):
        return Visibility("group", value[len(GROUP_PREFIX) :])
    place = f"{where}: " if where else ""
    raise VisibilityError(
        f"{place}unknown visibility {value!r}; write public, staff or group:NAME "
        "(NAME in lower-case ASCII letters, digits, '_' or '-')"
    )


def can_see(principal: Principal, visibility: Visibility) -> bool:
    """Whether ``principal`` may read a document with this visibility.

    Admins read everything; staff read public, staff and their own groups' documents; firms
    read public documents and their own groups'. A firm never reads a staff document.
    """
    if principal.role is Role.ADMIN or visibility.level == PUBLIC_TAG:
        return True
    if visibility.level == STAFF_TAG:
        return principal.role is Role.STAFF
    return principal.in_group(visibility.group)


@dataclass(frozen=True)
class VisibilityScope:
    """The chunk visibility tags a principal may read; ``everything`` for admins.

    An admin's scope cannot be a finite list (groups are named only in documents), so
    retrieval applies no visibility filter when ``everything`` is set and filters on
    ``tags`` otherwise.
    """

    everything: bool
    tags: tuple[str, ...] = ()

    def admits(self, tag: str | None) -> bool:
        """Whether a chunk with this stored tag may be shown.

        A chunk without a tag (indexed before visibility existed) is shown to admins only,
        as Chroma's ``$in`` filter would also leave it out: failing closed keeps the keyword
        and the vector search in agreement, and a re-ingest tags it.
        """
        return self.everything or (tag is not None and tag in self.tags)

    def store_filter(self) -> tuple[str, ...] | None:
        """The tags a vector store filters on, or None for no filter (an admin's scope)."""
        return None if self.everything else self.tags


def visibility_scope(principal: Principal) -> VisibilityScope:
    """The tags ``principal`` may read, in the same terms as ``can_see``."""
    if principal.role is Role.ADMIN:
        return VisibilityScope(everything=True)
    tags = {PUBLIC_TAG, *(GROUP_PREFIX + g for g in principal.groups)}
    if principal.role is Role.STAFF:
        tags.add(STAFF_TAG)
    return VisibilityScope(everything=False, tags=tuple(sorted(tags)))


def public_scope() -> VisibilityScope:
    """The scope of someone whose identity is not known: public documents only."""
    return VisibilityScope(everything=False, tags=(PUBLIC_TAG,))
