"""A bounded least-recently-used cache of what a vector store has read, by chunk id.

A chunk id names its text, metadata and embedding model, so a value read for an id stays true
for as long as the id exists; the store only has to forget an id it deletes. Keeping everything
ever read would grow with the index (a 384-dimension vector as a list of Python floats is about
12 kB; at 100,000 chunks, gigabytes), so the cache holds at most ``capacity`` ids and drops the
least recently used first. Thread-safe: Gradio answers on several threads at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")


class ReadCache(Generic[V]):
    """At most ``capacity`` values by id, least recently used dropped first (0: keep none)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 0:
            raise ValueError("the cache capacity must be 0 (no cache) or positive")
        self.capacity = capacity
        self._values: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def get_many(self, keys: Sequence[str]) -> dict[str, V]:
        """The cached values among ``keys`` (each found one becomes the most recently used)."""
        found: dict[str, V] = {}
        with self._lock:
            for key in keys:
                value = self._values.get(key)
                if value is not None:
                    self._values.move_to_end(key)
                    found[key] = value
        return found

    def put_many(self, values: Mapping[str, V]) -> None:
        """Keep ``values``, dropping the least recently used beyond the capacity."""
        if self.capacity == 0:
            return
        with self._lock:
            for key, value in values.items():
                self._values[key] = value
                self._values.move_to_end(key)
            while len(self._values) > self.capacity:
                self._values.popitem(last=False)

    def discard_many(self, keys: Iterable[str]) -> None:
        """Forget ``keys`` (deleted chunks); unknown keys are ignored."""
        with self._lock:
            for key in keys:
                self._values.pop(key, None)
