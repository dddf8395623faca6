"""DMARC look-ups: the ``p=`` of ``_dmarc.<domain>`` (DNS TXT), only when DNS look-ups are enabled.

A resolver is a function from a DNS name to its TXT strings: ``[]`` means no record (NXDOMAIN or no
TXT answer); any exception means the look-up failed (the policy then becomes Unknown). The default
resolver uses dnspython when it is installed. When ``_dmarc.<domain>`` has no DMARC record, the
parent domains are tried (RFC 7489 organizational-domain fallback, using ``sp=`` when present),
down to two labels (:mod:`sesguard.dmarc`, the same rule as for template records).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sesguard.dmarc import Tags, dmarc_tags, effective_policy
from sesguard.model import Unknown

__all__ = ["DmarcChecker", "Resolver", "default_resolver", "dmarc_tags"]

Resolver = Callable[[str], list[str]]

_MISSING: Any = object()


def default_resolver() -> Resolver | None:
    """A dnspython-backed resolver, or None when dnspython is not installed."""
    try:
        import dns.resolver
    except ImportError:
        return None

    def resolve(name: str) -> list[str]:
        try:
            answer = dns.resolver.resolve(name, "TXT", lifetime=5.0)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]

    return resolve


class DmarcChecker:
    """Looks up DMARC policies once per domain (thread-safe cache shared by the whole scan)."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _tags(self, domain: str) -> Tags | None:
        with self._lock:
            cached = self._cache.get(domain, _MISSING)
        if cached is _MISSING:
            cached = dmarc_tags(self._resolver(f"_dmarc.{domain}"))
            with self._lock:
                self._cache[domain] = cached
        return cached  # type: ignore[no-any-return]

    def policy(self, domain: str) -> str | Unknown | None:
        """The effective DMARC policy (``none``/``quarantine``/``reject``), None without a record."""
        domain = domain.strip(".").lower()
        try:
            return effective_policy(domain, self._tags)
        except Exception as exc:  # a resolver may raise anything; the value becomes Unknown
            return Unknown(f"DNS TXT _dmarc.{domain}: {type(exc).__name__}: {exc}")
