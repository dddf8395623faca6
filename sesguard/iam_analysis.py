"""What IAM policy documents allow: SES send permissions, wildcards, NotAction, and their conditions."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import botocore.session

from sesguard.model import Unknown, is_unknown

SEND_ACTIONS: Final = (
    "ses:SendEmail",
    "ses:SendRawEmail",
    "ses:SendTemplatedEmail",
    "ses:SendBulkTemplatedEmail",
    "ses:SendBulkEmail",
)
_SEND_LOWER: Final = frozenset(a.lower() for a in SEND_ACTIONS)
NETWORK_KEYS: Final = frozenset({"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce"})
SENDER_SCOPE_KEYS: Final = frozenset({"ses:fromaddress"})
PRINCIPAL_RESTRICTING_KEYS: Final = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
    }
)


@cache
def ses_actions() -> tuple[str, ...]:
    """Every SES IAM action (``ses:`` covers both API versions), from botocore's service models."""
    session = botocore.session.get_session()
    names: set[str] = set(SEND_ACTIONS)
    for service in ("ses", "sesv2"):
        names.update(f"ses:{op}" for op in session.get_service_model(service).operation_names)
    return tuple(sorted(names))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), str(pattern).lower())


def parse_document(document: Any) -> Mapping[str, Any] | Unknown:
    """A policy document as a dict (JSON strings are parsed); Unknown when it cannot be read."""
    if is_unknown(document):
        result: Unknown = document
        return result
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return Unknown("policy document is not valid JSON")
    if not isinstance(document, Mapping):
        return Unknown("policy document is not an object")
    return document


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any] | Unknown]:
    """The document's statements (a single statement object counts as a list of one)."""
    raw = document.get("Statement")
    if isinstance(raw, Unknown):
        return [raw]
    return [
        s if isinstance(s, Mapping) or is_unknown(s) else Unknown("statement is not an object")
        for s in _as_list(raw)
    ]


def condition_keys(statement: Mapping[str, Any]) -> set[str]:
    """The condition keys a statement tests, lower-cased (``aws:sourceip``)."""
    keys: set[str] = set()
    conditions = statement.get("Condition")
    if isinstance(conditions, Mapping):
        for operator, tests in conditions.items():
            if str(operator).lower().startswith("not") or not isinstance(tests, Mapping):
                continue
            keys.update(str(k).lower() for k in tests)
    return keys


@dataclass
class SendAnalysis:
    """What a set of documents allows regarding SES sending."""

    is_sending: bool | Unknown = False
    beyond_send: list[str] = field(default_factory=list)
    beyond_known: bool = True
    resource_scoped: bool = True
    network_restricted: bool = True
    unknown_reasons: list[str] = field(default_factory=list)
    send_statements: int = 0


def _statement_grants(statement: Mapping[str, Any]) -> tuple[list[str], list[str]] | Unknown:
    """(send actions granted, descriptions of grants beyond send) for one Allow statement."""
    if "NotAction" in statement:
        excluded = _as_list(statement["NotAction"])
        if any(is_unknown(p) for p in excluded):
            return Unknown("NotAction is unknown")
        granted = [a for a in SEND_ACTIONS if not any(_matches(p, a) for p in excluded)]
        return granted, [f"NotAction {excluded} (allows every other action)"]
    actions = _as_list(statement.get("Action"))
    if any(is_unknown(p) for p in actions):
        return Unknown("Action is unknown")
    granted = sorted({a for a in SEND_ACTIONS for p in actions if _matches(str(p), a)})
    beyond: list[str] = []
    for pattern in map(str, actions):
        if pattern == "*":
            beyond.append("*")
            continue
        service = pattern.split(":", 1)[0].lower()
        if service != "ses":
            beyond.append(pattern)
            continue
        extra = [a for a in ses_actions() if _matches(pattern, a) and a.lower() not in _SEND_LOWER]
        if not extra:
            continue
        if pattern.lower() == "ses:*":
            beyond.append("ses:*")
        elif "*" in pattern or "?" in pattern:
            shown = ", ".join(extra[:4]) + (", ..." if len(extra) > 4 else "")
            beyond.append(f"{pattern} (also grants {shown})")
        else:
            beyond.append(pattern)
    return granted, beyond


def analyse_sending(documents: Iterable[Any]) -> SendAnalysis:
    """Effective SES send permission of a principal from all its policy documents."""
    result = SendAnalysis()
    unknown_docs: list[str] = []
    sending = False
    for raw in documents:
        document = parse_document(raw)
        if isinstance(document, Unknown):
            unknown_docs.append(document.reason)
            continue
        for statement in statements(document):
            if isinstance(statement, Unknown):
                unknown_docs.append(statement.reason)
                continue
            if str(statement.get("Effect", "")).lower() != "allow":
                continue
            grants = _statement_grants(statement)
            if isinstance(grants, Unknown):
                unknown_docs.append(grants.reason)
                continue
            granted, beyond = grants
            result.beyond_send.extend(b for b in beyond if b not in result.beyond_send)
            if not granted:
                continue
            sending = True
            result.send_statements += 1
            keys = condition_keys(statement)
            resources = [str(r) for r in _as_list(statement.get("Resource"))]
            scoped_resources = bool(resources) and all(r != "*" and ":identity/" in r for r in resources)
            if "NotResource" in statement or not (scoped_resources or keys & SENDER_SCOPE_KEYS):
                result.resource_scoped = False
            if not keys & NETWORK_KEYS:
                result.network_restricted = False
    result.unknown_reasons = unknown_docs
    if unknown_docs:
        result.beyond_known = False
        result.is_sending = True if sending else Unknown("; ".join(unknown_docs))
    else:
        result.is_sending = sending
    return result


def public_statements(policies: Iterable[Mapping[str, Any]]) -> list[str] | Unknown:
    """``policy/Sid`` of sending-authorization statements that let anyone (``*``) act without a
    restricting condition, over every policy of an identity."""
    found: list[str] = []
    for policy in policies:
        name = str(policy.get("name", "policy"))
        document = parse_document(policy.get("document"))
        if isinstance(document, Unknown):
            return Unknown(f"policy {name}: {document.reason}")
        for index, statement in enumerate(statements(document)):
            if isinstance(statement, Unknown):
                return Unknown(f"policy {name}: {statement.reason}")
            if str(statement.get("Effect", "")).lower() != "allow":
                continue
            if (
                _is_everyone(statement.get("Principal"))
                and not condition_keys(statement) & PRINCIPAL_RESTRICTING_KEYS
            ):
                found.append(f"{name}/{statement.get('Sid', index)}")
    return found


def _is_everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any("*" in [str(v) for v in _as_list(value)] for value in principal.values())
    return False
