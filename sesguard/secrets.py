"""Finding literal credentials in template values, and masking secrets so they are never printed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from sesguard.model import Unknown

ACCESS_KEY_ID: Final = re.compile(r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b")
# A secret access key / SMTP password: 40 (secret key) or 44 (SMTP v4 password) base64-ish characters.
SECRET_SHAPED: Final = re.compile(r"^[A-Za-z0-9/+=]{40}$|^[A-Za-z0-9/+=]{44}$")
CREDENTIAL_FIELD: Final = re.compile(
    r"(secret|password|passwd|smtp_?pass|access_?key|credential|token)", re.IGNORECASE
)
# Field names that mention credentials but hold references, not secrets.
NON_SECRET_FIELD: Final = re.compile(r"(arn|name|id$|_id$|length|policy|rotation|ttl|type)", re.IGNORECASE)


# Keys that hold the value of the field named just before them (a parameter's Default, a tag's Value).
GENERIC_LEAVES: Final = frozenset({"default", "value"})


# Name/value pairs: a value named by its sibling (ECS ``Environment: [{Name, Value}]``, tags
# ``[{Key, Value}]``, stack parameters ``[{ParameterKey, ParameterValue}]``, option settings).
PAIR_NAME_KEYS: Final = frozenset({"name", "key", "parameterkey", "optionname"})
PAIR_VALUE_KEYS: Final = frozenset({"value", "parametervalue"})


def pair_name(keys: dict[str, object]) -> tuple[str, str] | None:
    """(value key, the name its sibling gives it) when ``keys`` (key → literal or None) is a
    name/value pair, else None."""
    lowered = {k.lower(): k for k in keys}
    name_key = next((lowered[k] for k in PAIR_NAME_KEYS if k in lowered), None)
    value_key = next((lowered[k] for k in PAIR_VALUE_KEYS if k in lowered), None)
    name = keys.get(name_key) if name_key is not None else None
    if value_key is None or not isinstance(name, str) or not name:
        return None
    return value_key, name


@dataclass(frozen=True)
class LiteralCredential:
    """A credential written literally in a template; ``masked`` is safe to print, the secret is not kept."""

    kind: str
    masked: str
    field: str


def mask(key_id: str) -> str:
    """Keep the first four characters of an access key ID (its type, ``AKIA``) and hide the rest."""
    if len(key_id) <= 4:
        return "*" * len(key_id)
    return key_id[:4] + "*" * (len(key_id) - 4)


def mask_secret(_secret: str) -> str:
    """A secret shows nothing of itself, not even its length."""
    return "********"


def find_literal_credentials(field: str, value: str) -> list[LiteralCredential]:
    """Literal credentials in one string value found at ``field`` (a dotted property path)."""
    found = [
        LiteralCredential("access key ID", mask(m.group(0)), field) for m in ACCESS_KEY_ID.finditer(value)
    ]
    parts = field.split(".")
    leaf = parts[-1]
    if leaf.lower() in GENERIC_LEAVES and len(parts) > 1:
        leaf = parts[-2]
    if (
        CREDENTIAL_FIELD.search(leaf)
        and not NON_SECRET_FIELD.search(leaf)
        and SECRET_SHAPED.match(value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    ):
        kind = "SMTP password" if len(value) == 44 else "secret access key"
        found.append(LiteralCredential(kind, mask_secret(value), field))
    return found


def unless_unread(found: list[Any], unread: list[str]) -> list[Any] | Unknown:
    """A set's secrets finding: what was found stands (it fails), but "none found" cannot be said of a
    set whose files were not all read (``unread``: why each was not); that is Unknown."""
    if found or not unread:
        return found
    more = f" and {len(unread) - 1} more" if len(unread) > 1 else ""
    return Unknown(f"not every file of the set was read: {unread[0]}{more}")
