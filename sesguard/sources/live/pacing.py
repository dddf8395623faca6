"""Pacing calls to an operation AWS rate-limits, so the scan respects the limit by design.

A :class:`Pacer` hands out start times at least ``interval`` seconds apart, across threads; callers
sleep until theirs. The reader keeps one per (account, region, operation) that has a documented
rate (SES v1 ``GetIdentityNotificationAttributes``: one request per second). botocore's adaptive
retries remain the fallback for throttling nobody documented.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """Spaces calls ``interval`` seconds apart (the first goes at once)."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = float("-inf")
        self.waited = 0.0

    def wait(self) -> None:
        """Return when the next call may start."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
            self.waited += start - now
        if start > now:
            self._sleep(start - now)
