"""Pacing calls to an operation AWS rate-limits, so the scan respects the limit by design.

A :class:`Pacer` runs one call at a time and starts each ``interval`` seconds after the previous one
*ended*, across threads: AWS counts a request when it arrives, and the previous request arrived
before its answer came back, so arrivals are at least ``interval`` apart however slow the network or
the machine is. The reader keeps one per (account, region, operation) that has a documented rate
(SES v1 ``GetIdentityNotificationAttributes``: one request per second). botocore's adaptive retries
remain the fallback for throttling nobody documented.

Why not a token bucket spacing the *starts* (one start a second): a request's trip to AWS takes a
varying time, so two requests sent a second apart can arrive closer than that (the first delayed, the
second not), and no client can see when its requests arrive. Spacing from the previous end is the
only pace a client can prove, and costs one call's duration per gap more than a start-to-start pace
with no margin (tens of milliseconds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Pacer:
    """One call at a time, each ``interval`` seconds after the previous one ended (the first at once)."""

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

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this call's turn; the next turn starts ``interval`` after this block ends."""
        with self._lock:
            now = self._clock()
            if self._next > now:
                self.waited += self._next - now
                self._sleep(self._next - now)
            try:
                yield
            finally:
                self._next = self._clock() + self.interval
