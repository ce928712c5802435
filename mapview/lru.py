"""A least-recently-used cache bounded by its number of entries and by a total weight.

One lock guards it: the app's caches are shared by every session's script thread.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

MISSING = object()


class BoundedLRU:
    """Entries ``key -> (value, weight)``; the least recently used go beyond ``size`` entries
    or ``budget`` total weight, and a value heavier than ``budget`` is never kept.

    >>> cache = BoundedLRU(size=10, budget=100)
    >>> cache.store("a", 1, weight=60); cache.store("b", 2, weight=60)
    >>> cache.lookup("a") is MISSING, cache.lookup("b"), cache.weight
    (True, 2, 60)
    """

    def __init__(self, size: int, budget: int):
        self.size, self.budget, self.weight = size, budget, 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def lookup(self, key):
        """The value kept for ``key`` (now the most recently used), or :data:`MISSING`."""
        with self.lock:
            hit = self.items.get(key, MISSING)
            if hit is MISSING:
                return MISSING
            self.items.move_to_end(key)
            return hit[0]

    def store(self, key, value, weight: int = 1) -> None:
        if weight > self.budget:
            return
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.weight -= old[1]
            self.items[key] = (value, weight)
            self.weight += weight
            while len(self.items) > self.size or self.weight > self.budget:
                _, (_, dropped) = self.items.popitem(last=False)
                self.weight -= dropped

    def cached(self, key, compute, weight: int = 1):
        """The value kept for ``key``, else ``compute()``, kept. The computation runs outside
        the lock, so other threads are not held up meanwhile."""
        value = self.lookup(key)
        if value is MISSING:
            value = compute()
            self.store(key, value, weight)
        return value
