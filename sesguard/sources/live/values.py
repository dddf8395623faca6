"""Normalizing AWS values: ISO-8601 UTC timestamps, upper-case enumerations, policy documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from sesguard.model import Unknown


def iso(value: datetime | str | None) -> str | None:
    """An ISO-8601 UTC string (seconds precision) for a datetime or an ISO string; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text or text.upper() in {"N/A", "NO_INFORMATION", "NOT_SUPPORTED"}:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def upper(value: Any) -> str | None:
    """An enumeration value in upper case (``Require`` -> ``REQUIRE``); None stays None."""
    return None if value is None else str(value).upper()


def upper_list(values: Any) -> list[str]:
    """A list of enumeration values in upper case, sorted and without duplicates."""
    return sorted({str(v).upper() for v in values or []})


def policy_document(raw: Any, what: str) -> Any:
    """A policy document as a dict: decoded from JSON (URL-encoded or not), or Unknown when unreadable."""
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        for text in (raw, unquote(raw)):
            try:
                parsed = json.loads(text)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                return parsed
    return Unknown(f"{what}: the policy document is not valid JSON")
