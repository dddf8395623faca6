"""Values known only symbolically: the template text an unresolved value comes from.

``reply@${var.domain}`` is unknown, but it is certainly an address, its domain is whatever
``${var.domain}`` is (so a domain identity ``${var.domain}`` in the same set is its domain), and it is
certainly set. :class:`~sesguard.model.Unknown` carries that as ``symbol`` and ``exists``; an
address's domain part is read by :func:`sesguard.model.identity.address_domain`.
"""

from __future__ import annotations

from typing import Any

from sesguard.model import Unknown


def symbolic(reason: str, parts: list[Any]) -> Unknown:
    """An Unknown for text joined from literal parts and Unknowns; symbolic when every Unknown part is."""
    if any(isinstance(p, Unknown) and p.symbol is None for p in parts):
        return Unknown(reason)
    symbol = "".join(p.symbol if isinstance(p, Unknown) and p.symbol is not None else str(p) for p in parts)
    literal = any(isinstance(p, str) and p for p in parts) or any(isinstance(p, Unknown) and p.exists for p in parts)
    return Unknown(reason, symbol=symbol, exists=literal)
