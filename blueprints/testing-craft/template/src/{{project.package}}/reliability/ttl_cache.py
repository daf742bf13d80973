"""A cache whose entries expire: at most ``max_entries``, each for ``ttl`` seconds."""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """Values kept for ``ttl`` seconds after they are set, the least recently used
    dropped first when the cache is full.

    ``clock`` gives the current time in seconds (``time.monotonic`` by default): a
    test passes a clock it moves by hand.
    """

    def __init__(
        self,
        ttl: float,
        max_entries: int = 128,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0:
            raise ValueError(f"ttl must be positive, not {ttl}")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries}")
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K, default: V | None = None) -> V | None:
        """The value stored under ``key``, or ``default`` when it is absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return default
        expires, value = entry
        if self._clock() >= expires:
            del self._entries[key]
            return default
        self._entries.move_to_end(key)
        return value

    def set(self, key: K, value: V) -> None:
        """Stores ``value`` under ``key`` for ``ttl`` seconds from now."""
        self._entries[key] = (self._clock() + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __contains__(self, key: K) -> bool:
        entry = self._entries.get(key)
        return entry is not None and self._clock() < entry[0]

    def __len__(self) -> int:
        """The number of entries that have not expired."""
        now = self._clock()
        return sum(1 for expires, _ in self._entries.values() if now < expires)
