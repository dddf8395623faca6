"""The account-level suppression list: ``sesv2:ListSuppressedDestinations`` paged over the window.

Counts by reason and day (the day an address was added or last updated), and by recipient domain;
a sudden jump in BOUNCE additions is the signature of a bad list import. Addresses are reduced to
their domains as they are read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .errors import error_code
from .tally import domain_of

PAGE_SIZE = 1000


@dataclass
class SuppressionEvidence:
    """Suppression-list additions in the window, by (day, reason) and (reason, domain)."""

    status: str = "not read"  # ok | error | not read
    reason: str = ""
    daily: Counter[tuple[str, str]] = field(default_factory=Counter)
    domains: Counter[tuple[str, str]] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    pages: int = 0

    def jump(self, reason: str = "BOUNCE") -> tuple[str, int, float] | None:
        """The day with the most ``reason`` additions, its count, and the median of the other days."""
        days = {day: n for (day, r), n in self.daily.items() if r == reason}
        if not days:
            return None
        top = max(sorted(days), key=lambda d: days[d])
        others = sorted(n for d, n in days.items() if d != top)
        median = float(others[len(others) // 2]) if others else 0.0
        return top, days[top], median


def read_suppression(sesv2: Any, start: dt.datetime, end: dt.datetime) -> SuppressionEvidence:
    """Read the additions to the suppression list between ``start`` and ``end``."""
    evidence = SuppressionEvidence()
    token: str | None = None
    try:
        while True:
            page = sesv2.list_suppressed_destinations(
                StartDate=start, EndDate=end, PageSize=PAGE_SIZE, **({"NextToken": token} if token else {})
            )
            evidence.pages += 1
            for item in page.get("SuppressedDestinationSummaries") or []:
                reason = str(item.get("Reason"))
                stamp = item.get("LastUpdateTime")
                day = (
                    stamp.astimezone(dt.UTC).date().isoformat()
                    if isinstance(stamp, dt.datetime)
                    else "unknown"
                )
                evidence.daily[(day, reason)] += 1
                evidence.domains[(reason, domain_of(str(item.get("EmailAddress") or "")))] += 1
                evidence.totals[reason] += 1
            token = page.get("NextToken")
            if not token:
                break
    except Exception as error:
        evidence.status = "error"
        evidence.reason = (
            f"ListSuppressedDestinations failed after {evidence.pages} page(s): {error_code(error)}"
        )
        return evidence
    evidence.status = "ok"
    return evidence
