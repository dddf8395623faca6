"""Values known only symbolically: the template text an unresolved value comes from.

``reply@${var.domain}`` is unknown, but it is certainly an address, its domain is whatever
``${var.domain}`` is (so a domain identity ``${var.domain}`` in the same set is its domain), and it is
certainly set. :class:`~sesguard.model.Unknown` carries that as ``symbol`` and ``exists``.
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


def address_domain(value: Any) -> Any:
    """The domain of an address that may be symbolic (``reply@${var.d}`` gives ``${var.d}``'s Unknown)."""
    if isinstance(value, str):
        return value.rsplit("@", 1)[1] if "@" in value else None
    if isinstance(value, Unknown) and value.symbol is not None and "@" in _literal(value.symbol):
        tail = value.symbol.rsplit("@", 1)[1]
        return Unknown(
            f"the domain of {value.symbol} is unresolved ({value.reason})", symbol=tail, exists=bool(_literal(tail))
        )
    return None


def _literal(symbol: str) -> str:
    """A symbol's literal text (unresolved ``${...}`` parts removed)."""
    out, depth = [], 0
    index = 0
    while index < len(symbol):
        if symbol.startswith("${", index):
            depth += 1
            index += 2
            continue
        if depth and symbol[index] == "}":
            depth -= 1
        elif not depth:
            out.append(symbol[index])
        index += 1
    return "".join(out)
