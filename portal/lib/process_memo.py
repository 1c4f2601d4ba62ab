"""What one process remembers for a few seconds, in front of the shared cache.

Some values change rarely but are read on nearly every request: the two-factor policy, Agiler's
region and runtime catalogs, a token's scopes. Each read from Redis is a round trip, and under
load each round trip is also one more wait for the interpreter lock when the answer arrives:
measured through gunicorn, the policy and catalog reads alone cost a list page ~0.9 ms of the
worker's CPU and 9 % of its throughput (issue 14: page cost). A ``ProcessMemo`` keeps such a
value in the process for ``ttl`` seconds; Redis stays the shared copy behind it.

The price is stated where each memo is declared: a change made in another process is seen here
up to ``ttl`` seconds later. The process that makes a change forgets its own copy at once. Only
values for which that delay is harmless belong here (never roles, sessions or tokens: those
must be in force everywhere at once).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

_MISSING = object()
_all: weakref.WeakSet[ProcessMemo[object]] = weakref.WeakSet()
_all_lock = threading.Lock()


class ProcessMemo(Generic[T]):
    """Values by key, each kept in this process for ``ttl`` seconds after it was stored.

    Thread-safe for the way it is used: two threads that miss at once both load and store the
    same value; nothing is ever half-written (one dictionary assignment per store).
    """

    def __init__(
        self,
        ttl: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._values: dict[Hashable, tuple[float, T]] = {}
        with _all_lock:
            _all.add(self)  # type: ignore[arg-type]

    def get(self, key: Hashable, default: T | None = None) -> T | None:
        """The value stored for ``key`` less than ``ttl`` seconds ago, else ``default``."""
        found = self._values.get(key)
        if found is None:
            return default
        expires, value = found
        if self._clock() >= expires:
            # Not removed here: another thread may have stored a fresh value meanwhile.
            return default
        return value

    def set(self, key: Hashable, value: T) -> None:
        """Keep ``value`` for ``key`` for the next ``ttl`` seconds.

        Past ``max_entries`` keys (people who never came back, tokens since replaced), the
        expired ones are dropped first, and everything if that is not enough."""
        now = self._clock()
        if len(self._values) >= self.max_entries and key not in self._values:
            self._values = {k: v for k, v in list(self._values.items()) if v[0] > now}
            if len(self._values) >= self.max_entries:
                self._values = {}
        self._values[key] = (now + self.ttl, value)

    def forget(self, key: Hashable = _MISSING) -> None:
        """Drop ``key`` (everything when no key is given): the next read asks the source."""
        if key is _MISSING:
            self._values.clear()
        else:
            self._values.pop(key, None)


def forget_all() -> None:
    """Empty every memo of this process (tests: each starts from a cleared cache)."""
    with _all_lock:
        memos = list(_all)
    for memo in memos:
        memo.forget()
