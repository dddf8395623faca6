"""An email identity's kind and domain, the same for every source (templates and live accounts).

The domain of an identity is the part after the last ``@`` of an address, else the name itself,
lower-cased and without a trailing dot (DNS names are case-insensitive: ``Ops@Mail.Example.COM`` is
in ``mail.example.com`` whichever source read it). Names are not IDNA-encoded: ``Bücher.Example`` is
``bücher.example``. A name known only symbolically (``reply@${var.domain}``) is certainly an address
and its domain is whatever ``${var.domain}`` is (:mod:`sesguard.symbolic`).
"""

from __future__ import annotations

from typing import Any, Final

from sesguard.model.resource import Unknown

DOMAIN: Final = "DOMAIN"
EMAIL_ADDRESS: Final = "EMAIL_ADDRESS"


def identity_domain(name: str) -> str:
    """The domain of an identity name: after the last ``@`` of an address, else the name; lower-cased,
    without a trailing dot."""
    return name.rsplit("@", 1)[-1].strip(".").lower()


def identity_kind(identity: Any) -> Any:
    """``EMAIL_ADDRESS`` for a name with ``@`` (what SES decides by), else ``DOMAIN``; Unknown when the
    name is (unless it is symbolically an address)."""
    if isinstance(identity, str):
        return EMAIL_ADDRESS if "@" in identity else DOMAIN
    if isinstance(identity, Unknown):
        return EMAIL_ADDRESS if address_domain(identity) is not None else identity
    return Unknown(f"the identity {identity!r} is not a string")


def identity_facts(identity: Any, kind: Any = None) -> dict[str, Any]:
    """The ``identity``, ``identity_type`` and ``domain`` properties of an identity named ``identity``
    (a string, or an Unknown); ``kind`` is the type when the source states it (a v1 domain identity,
    AWS's answer), else it is told from the name."""
    if kind is None:
        kind = identity_kind(identity)
    if isinstance(identity, str):
        domain: Any = identity_domain(identity)
    elif isinstance(identity, Unknown):
        symbolic = address_domain(identity) if kind == EMAIL_ADDRESS else None
        domain = identity if symbolic is None else symbolic
    else:
        domain = Unknown(f"the identity {identity!r} is not a string")
    return {"identity": identity, "identity_type": kind, "domain": domain}


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
