"""Fault injection: answer chosen operations with a chosen AWS error, a number of times or always."""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass
from typing import Any, Final

from .wire import Protocol

# kind -> (query-protocol code, JSON/rest-json code, HTTP status)
FAULT_KINDS: Final[dict[str, tuple[str, str, int]]] = {
    "access-denied": ("AccessDenied", "AccessDeniedException", 403),
    "throttling": ("Throttling", "ThrottlingException", 400),
    "internal": ("InternalFailure", "InternalFailure", 500),
    "opt-in-required": ("OptInRequired", "OptInRequired", 403),
}
# SES v2 reports throttling as TooManyRequestsException with HTTP 429.
_SESV2_THROTTLING = ("TooManyRequestsException", 429)


@dataclass
class FaultRule:
    """One injected fault and how often it has fired."""

    id: int
    service: str
    operation: str
    status: int | None
    code: str | None
    kind: str | None
    message: str
    account_id: str | None
    region: str | None
    remaining: int | None
    hits: int = 0

    def resolve(self, service: str, protocol: Protocol) -> tuple[str, int, str]:
        """The error code, HTTP status and query-protocol code to answer with, per service conventions."""
        if self.code is not None and self.status is not None:
            return self.code, self.status, self.code
        query_code, json_code, status = FAULT_KINDS[self.kind or "internal"]
        if service == "sesv2" and self.kind == "throttling":
            json_code, status = _SESV2_THROTTLING
        code = query_code if protocol is Protocol.QUERY else json_code
        return self.code or code, self.status or status, self.code or query_code


class FaultRegistry:
    """The active fault rules."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._rules: list[FaultRule] = []

    def add(
        self,
        service: str,
        operation: str,
        *,
        kind: str | None = None,
        code: str | None = None,
        status: int | None = None,
        message: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
        count: int | None = None,
    ) -> FaultRule:
        """Register a fault; ``count`` None means always. Give a ``kind`` or a ``code`` and ``status``."""
        if kind is None and (code is None or status is None):
            raise ValueError("give a fault kind, or both an error code and an HTTP status")
        if kind is not None and kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(FAULT_KINDS)}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for always)")
        rule = FaultRule(
            id=next(self._ids),
            service=service,
            operation=operation,
            status=status,
            code=code,
            kind=kind,
            message=message or f"Injected fault for {service}:{operation}",
            account_id=account_id,
            region=region,
            remaining=count,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(
        self, service: str | None, operation: str | None, account_id: str, region: str
    ) -> FaultRule | None:
        """The first rule matching this request, counted as fired; None if no rule matches."""
        if service is None:
            return None
        with self._lock:
            for rule in self._rules:
                if rule.service != service or rule.operation not in ("*", operation):
                    continue
                if rule.account_id not in (None, account_id) or rule.region not in (None, region):
                    continue
                if rule.remaining == 0:
                    continue
                rule.hits += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                return rule
        return None

    def describe(self) -> list[dict[str, Any]]:
        """Every rule with its counters, as JSON-ready dicts."""
        with self._lock:
            return [asdict(rule) for rule in self._rules]

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()
