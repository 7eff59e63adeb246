"""The read cache: bounded, least recently used dropped first, deleted ids forgotten."""

import pytest

from assistant.index.read_cache import ReadCache


def test_it_drops_the_least_recently_used_beyond_its_capacity() -> None:
    cache: ReadCache[int] = ReadCache(3)
    cache.put_many({"a": 1, "b": 2, "c": 3})
    assert cache.get_many(["a"]) == {"a": 1}  # a is now the most recent
    cache.put_many({"d": 4})
    assert len(cache) == 3 and "b" not in cache
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": 1, "c": 3, "d": 4}


def test_discarded_ids_are_gone_and_zero_capacity_keeps_nothing() -> None:
    cache: ReadCache[str] = ReadCache(5)
    cache.put_many({"a": "x", "b": "y"})
    cache.discard_many(["a", "unknown"])
    assert cache.get_many(["a", "b"]) == {"b": "y"}
    empty: ReadCache[str] = ReadCache(0)
    empty.put_many({"a": "x"})
    assert len(empty) == 0
    with pytest.raises(ValueError):
        ReadCache(-1)
