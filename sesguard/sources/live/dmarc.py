"""DMARC look-ups: the ``p=`` of ``_dmarc.<domain>`` (DNS TXT), only when DNS look-ups are enabled.

A resolver is a function from a DNS name to its TXT strings: ``[]`` means no record (NXDOMAIN or no
TXT answer); any exception means the look-up failed (the policy then becomes Unknown). The default
resolver uses dnspython when it is installed. When ``_dmarc.<domain>`` has no DMARC record, the
parent domains are tried (RFC 7489 organizational-domain fallback, using ``sp=`` when present),
down to two labels; the public-suffix list is not consulted. More than one DMARC record at a name
counts as none (RFC 7489 6.6.3).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sesguard.model import Unknown

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


def dmarc_tags(records: list[str]) -> dict[str, str] | None:
    """The tags of the single ``v=DMARC1`` record among ``records``, or None (none, or several)."""
    found = [r for r in records if r.strip().upper().startswith("V=DMARC1")]
    if len(found) != 1:
        return None
    tags: dict[str, str] = {}
    for part in found[0].split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags[key.strip().lower()] = value.strip()
    return tags


class DmarcChecker:
    """Looks up DMARC policies once per domain (thread-safe cache shared by the whole scan)."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _tags(self, domain: str) -> dict[str, str] | None:
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
            tags = self._tags(domain)
            if tags is not None:
                return tags.get("p", "").lower() or None
            labels = domain.split(".")
            for start in range(1, len(labels) - 1):
                parent = ".".join(labels[start:])
                tags = self._tags(parent)
                if tags is not None:
                    return (tags.get("sp") or tags.get("p") or "").lower() or None
        except Exception as exc:  # a resolver may raise anything; the value becomes Unknown
            return Unknown(f"DNS TXT _dmarc.{domain}: {type(exc).__name__}: {exc}")
        return None
