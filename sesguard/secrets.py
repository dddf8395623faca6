"""Finding literal credentials in template values, and masking secrets so they are never printed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

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
