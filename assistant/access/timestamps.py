"""Times as stored by the access databases: UTC, ISO 8601 with microseconds and a ``Z``.

One fixed width and zone means text order equals time order, so SQLite compares and indexes
them as plain strings (``WHERE occurred_at >= ?``) without date functions.
"""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """A stored timestamp; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_text(text: str) -> datetime:
    """A stored timestamp read back as an aware UTC datetime."""
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)
