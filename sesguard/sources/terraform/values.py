"""Runtime values of evaluated Terraform expressions, and the placeholders for deploy-time context.

Values are plain Python (str, int, float, bool, None, list, dict) or :class:`~sesguard.model.Unknown`.
``jsonencode(...)`` and ``data.aws_iam_policy_document.x.json`` give a :class:`JsonText`: the JSON
string Terraform would produce, kept as its structure so a document with an unknown part stays a
document with an Unknown leaf.

The deploying account, region and partition cannot be known from a template, but their role is
certain; they become the visible placeholders below (never a guessed value), so an ARN built from
them is still recognizably an identity / topic / policy ARN. Plausible ARNs are built the same way
(see :mod:`.attributes`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sesguard.model import Unknown, is_unknown

ACCOUNT_PLACEHOLDER: Final = "<account-id>"
REGION_PLACEHOLDER: Final = "<region>"
PARTITION_PLACEHOLDER: Final = "<partition>"


@dataclass(frozen=True)
class EvalError(Unknown):
    """An Unknown caused by an expression that would fail in Terraform (``try()`` moves past it)."""


@dataclass(frozen=True)
class JsonText:
    """A JSON string whose structure is kept (it may contain Unknown leaves)."""

    data: Any

    def text(self) -> str | Unknown:
        """The JSON text, or the first Unknown inside it."""
        missing = first_unknown(self.data)
        if missing is not None:
            return missing
        return json.dumps(self.data, separators=(",", ":"), sort_keys=True)


class ObjectValue(dict[str, Any]):
    """An object (a resource instance, a module call's outputs) whose items are its known arguments
    and whose other attributes are computed on demand when an expression asks for them."""

    def __init__(self, items: dict[str, Any], lookup: Callable[[str], Any]) -> None:
        super().__init__(items)
        self._lookup = lookup

    def attribute(self, name: str) -> Any:
        """An attribute: a known item, else what the lookup computes (Unknown when it cannot)."""
        return self[name] if name in self else self._lookup(name)


def first_unknown(value: Any) -> Unknown | None:
    """The first Unknown found inside a value (depth first), or None when it is fully known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, JsonText):
        return first_unknown(value.data)
    if isinstance(value, dict):
        for item in value.values():
            found = first_unknown(item)
            if found is not None:
                return found
    if isinstance(value, list | tuple):
        for item in value:
            found = first_unknown(item)
            if found is not None:
                return found
    return None


def to_text(value: Any) -> str | Unknown:
    """Terraform's string conversion of a primitive (numbers without a trailing ``.0``)."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, JsonText):
        return value.text()
    if value is None:
        return Unknown("null used in a string")
    return Unknown("a collection used in a string")


def plain(value: Any) -> Any:
    """The value with every JsonText replaced by its structure (for documents)."""
    if isinstance(value, JsonText):
        return plain(value.data)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def decode_json(value: Any, what: str) -> Any:
    """A JSON value (str or JsonText) as its structure; Unknown with a reason when it is not JSON."""
    if is_unknown(value):
        return value
    if isinstance(value, JsonText):
        return plain(value.data)
    if isinstance(value, dict | list):
        return plain(value)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return Unknown(f"{what} is not valid JSON")
    if value is None:
        return None
    return Unknown(f"{what} is not a JSON document")
