"""A minimal IAM policy evaluation: explicit deny, then allow, else implicit deny.

Supported: ``Action``/``NotAction``, ``Resource``/``NotResource`` with ``*`` and ``?`` wildcards,
and ``Condition`` with the String, Arn, Bool and IpAddress operator families (``...IfExists``
included) over the context keys the endpoint knows (see :class:`Context`). A condition on a key
the request does not carry is false, or true for negated operators and ``...IfExists``, as in IAM.
When the request's resource is unknown (``*``), every ``Resource`` matches.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any, Final


class Decision(Enum):
    """The outcome of an evaluation."""

    ALLOW = "allow"
    EXPLICIT_DENY = "explicit-deny"
    IMPLICIT_DENY = "implicit-deny"


@dataclass(frozen=True)
class Context:
    """The request as IAM sees it."""

    action: str
    resource: str = "*"
    principal_arn: str | None = None
    keys: Mapping[str, str] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@lru_cache(maxsize=1024)
def _glob(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{regex}$", 0 if case_sensitive else re.IGNORECASE)


def _matches_any(patterns: Any, value: str, case_sensitive: bool) -> bool:
    return any(_glob(str(p), case_sensitive).match(value) for p in _as_list(patterns))


def _action_applies(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not _matches_any(statement["NotAction"], action, case_sensitive=False)
    return _matches_any(statement.get("Action"), action, case_sensitive=False)


def _resource_applies(statement: Mapping[str, Any], resource: str) -> bool:
    if resource == "*":
        return True
    if "NotResource" in statement:
        return not _matches_any(statement["NotResource"], resource, case_sensitive=True)
    if "Resource" not in statement:
        return True
    return _matches_any(statement["Resource"], resource, case_sensitive=True)


def _compare(operator: str, actual: str, expected: str) -> bool:
    if operator == "StringEqualsIgnoreCase" or operator == "Bool":
        return actual.lower() == expected.lower()
    if operator in ("StringEquals", "ArnEquals"):
        return actual == expected
    if operator in ("StringLike", "ArnLike"):
        return bool(_glob(expected, True).match(actual))
    if operator == "IpAddress":
        try:
            return ipaddress.ip_address(actual) in ipaddress.ip_network(expected, strict=False)
        except ValueError:
            return False
    raise KeyError(operator)


_NEGATED: Final = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NotIpAddress": "IpAddress",
}


def _condition_holds(operator: str, key: str, expected: Any, keys: Mapping[str, str]) -> bool:
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    negated = base in _NEGATED
    positive = _NEGATED.get(base, base)
    actual = keys.get(key.lower())
    if actual is None:
        return if_exists or negated
    try:
        hit = any(_compare(positive, actual, str(value)) for value in _as_list(expected))
    except KeyError:
        return False  # an operator this evaluation does not know never grants access
    return not hit if negated else hit


def _conditions_hold(statement: Mapping[str, Any], keys: Mapping[str, str]) -> bool:
    for operator, clauses in (statement.get("Condition") or {}).items():
        for key, expected in clauses.items():
            if not _condition_holds(operator, key, expected, keys):
                return False
    return True


def statement_applies(statement: Mapping[str, Any], ctx: Context) -> bool:
    """Whether a statement covers the request (action, resource and conditions)."""
    lowered = {k.lower(): v for k, v in ctx.keys.items()}
    return (
        _action_applies(statement, ctx.action)
        and _resource_applies(statement, ctx.resource)
        and _conditions_hold(statement, lowered)
    )


def evaluate(policies: Iterable[Mapping[str, Any]], ctx: Context) -> Decision:
    """Evaluate identity-based policies for one request."""
    allowed = False
    for policy in policies:
        for statement in _as_list(policy.get("Statement")):
            if not statement_applies(statement, ctx):
                continue
            if statement.get("Effect") == "Deny":
                return Decision.EXPLICIT_DENY
            if statement.get("Effect") == "Allow":
                allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def _principal_matches(principal: Any, arn: str, account_id: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    for value in _as_list(principal.get("AWS")):
        text = str(value)
        if text in ("*", arn, account_id, f"arn:aws:iam::{account_id}:root"):
            return True
        if ":assumed-role/" in arn and text.endswith(f":role/{arn.split('/')[1]}"):
            return True
    return False


def trust_allows(trust_policy: Mapping[str, Any], ctx: Context, caller_account: str) -> bool:
    """Whether a role's trust policy lets the caller assume it."""
    if ctx.principal_arn is None:
        return False
    allowed = False
    lowered = {k.lower(): v for k, v in ctx.keys.items()}
    for statement in _as_list(trust_policy.get("Statement")):
        if not (_action_applies(statement, ctx.action) and _conditions_hold(statement, lowered)):
            continue
        if not _principal_matches(statement.get("Principal"), ctx.principal_arn, caller_account):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed
