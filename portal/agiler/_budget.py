"""A per-process retry budget: retries may add at most a fraction of the requests in a window.

Without one, a sustained outage triples the traffic (every call tries three times) exactly when
Agiler is least able to take it. With the budget, retries beyond ``ratio`` of the calls made in
the last ``window`` seconds are not attempted (a small ``floor`` still lets a quiet process
retry); the call then fails with the last error, as when its own retries run out.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RetryBudget:
    """Thread-safe sliding-window budget shared by every client of the process."""

    def __init__(
        self,
        *,
        ratio: float = 0.2,
        window: float = 10.0,
        floor: int = 10,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ratio, self.window, self.floor = ratio, window, floor
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: deque[float] = deque()
        self._retries: deque[float] = deque()

    def reset(self) -> None:
        """Forget the window (tests start each from a quiet process)."""
        with self._lock:
            self._calls.clear()
            self._retries.clear()

    def _trim(self, now: float) -> None:
        for times in (self._calls, self._retries):
            while times and now - times[0] > self.window:
                times.popleft()

    def record_call(self) -> None:
        """A first attempt was made."""
        with self._lock:
            now = self._clock()
            self._trim(now)
            self._calls.append(now)

    def try_retry(self) -> bool:
        """Spend one retry if the budget allows it; False means do not retry."""
        with self._lock:
            now = self._clock()
            self._trim(now)
            allowed = max(self.floor, int(len(self._calls) * self.ratio))
            if len(self._retries) >= allowed:
                return False
            self._retries.append(now)
            return True


#: The process-wide budget (≤ 20 % extra requests per 10 s window).
PROCESS_BUDGET = RetryBudget()
