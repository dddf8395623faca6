"""Per-operation request rates AWS enforces, enforced here too (per account and region).

SES v1 ``GetIdentityNotificationAttributes`` "is throttled at one request per second"
(https://docs.aws.amazon.com/ses/latest/APIReference/API_GetIdentityNotificationAttributes.html).
SES quotas apply per account in each region, so the limit is kept per (account, region). A
request that comes sooner than the rate allows answers ``Throttling`` (HTTP 400), as SES v1 does;
callers must pace themselves (botocore's retries are a fallback, not a plan).
"""

from __future__ import annotations

import threading
import time
from typing import Final

from .errors import ApiError

# (client name, operation) -> the smallest interval between two requests, in seconds.
LIMITS: Final = {("ses", "GetIdentityNotificationAttributes"): 1.0}


class RateLimits:
    """When each (operation, account, region) was last allowed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[tuple[str, str, str, str], float] = {}

    def reset(self) -> None:
        """Forget every past request."""
        with self._lock:
            self._last.clear()

    def check(self, service: str | None, operation: str | None, account_id: str, region: str) -> None:
        """Raise ``Throttling`` if this request comes sooner than its operation's rate allows."""
        interval = LIMITS.get((service or "", operation or ""))
        if interval is None:
            return
        key = (service or "", operation or "", account_id, region)
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < interval:
                raise ApiError("Throttling", "Rate exceeded", 400)
            self._last[key] = now
