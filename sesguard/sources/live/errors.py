"""Turning AWS failures into data: error codes, ``Unknown`` values and ``SourceError`` rows.

The live reader fails closed: nothing it could not read is left out silently. A failure that blocks
whole resource types becomes a :class:`~sesguard.model.SourceError` (its ``affects`` names exactly
those types); a failure that blocks some properties of one resource becomes ``Unknown`` values on
that resource. Every failure is also recorded as a :class:`ReadFailure` in ``meta["live"]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from sesguard.aws_fixes import OPT_IN_CODES, fix_for
from sesguard.model import (
    ACCOUNT,
    CONFIGURATION_SET,
    EMAIL_IDENTITY,
    RECEIPT_RULE,
    Location,
    Resource,
    SetRef,
    SourceError,
    Unknown,
)

SOURCE: Final = "live"

# Resource types read per region (IAM is global and read once per account).
REGIONAL_TYPES: Final = (ACCOUNT, EMAIL_IDENTITY, CONFIGURATION_SET, RECEIPT_RULE)

# Errors meaning the whole region cannot be read with these credentials: a disabled opt-in region
# (unknown token / client), no route to the endpoint. One error then stands for the region.
REGION_LEVEL_CODES: Final = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "AuthFailure",
        "OptInRequired",
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ConnectionClosedError",
        "ProxyConnectionError",
    }
)

# Exceptions a read may raise that are AWS's or the network's doing (everything else is a bug).
# botocore's ResponseParserError (an answer it cannot parse: a malformed GetCallerIdentity) is not a
# BotoCoreError; it is the answer's fault all the same, so it becomes error rows, not an abort.
AWS_ERRORS: Final = (ClientError, BotoCoreError, ResponseParserError)


def error_code(exc: BaseException) -> str:
    """The AWS error code (``AccessDeniedException``, ``Throttling``, ``403``) or the botocore error name."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code")
        if code:
            return str(code)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return str(status) if status else "ClientError"
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) and code else type(exc).__name__


def error_text(exc: BaseException) -> str:
    """A one-line, credential-free description of the failure (AWS messages carry no secrets)."""
    if isinstance(exc, ClientError):
        message = str(exc.response.get("Error", {}).get("Message") or "").strip()
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if message.lstrip().startswith("<"):  # an HTML error page (e.g. an emulator's 404)
            message = ""
        detail = f"HTTP {status}" if status else ""
        text = "; ".join(p for p in (message.splitlines()[0] if message else "", detail) if p)
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    code = error_code(exc)
    if code in OPT_IN_CODES:
        text += " (an opt-in region that is not enabled for this account answers this way)"
    return text


def attempt(fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, BaseException | None]:
    """Call ``fn``; return ``(response, None)``, or ``(None, error)`` when AWS or the network failed."""
    try:
        return fn(**kwargs), None
    except AWS_ERRORS as exc:
        return None, exc


def unknown(operation: str, exc: BaseException) -> Unknown:
    """The ``Unknown`` that stands for a property a failed call would have provided."""
    return Unknown(f"{operation}: {error_code(exc)}")


@dataclass(frozen=True)
class ReadFailure:
    """One failed call: where, which operation, the code, and what it blocked."""

    set_name: str
    operation: str
    code: str
    message: str
    blocked: str  # resource types or a resource (``email_identity:a@example.com``)

    def as_dict(self) -> dict[str, str]:
        """The JSON-ready form kept in ``inventory.meta``."""
        return {
            "set": self.set_name,
            "operation": self.operation,
            "code": self.code,
            "message": self.message,
            "blocked": self.blocked,
        }


@dataclass
class Collected:
    """What one task read: resources, whole-type errors, and every failure (for ``meta``)."""

    resources: list[Resource] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    failures: list[ReadFailure] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)

    def merge(self, other: Collected) -> None:
        """Add another task's results."""
        self.resources.extend(other.resources)
        self.errors.extend(other.errors)
        self.failures.extend(other.failures)
        for key, value in other.notes.items():
            if isinstance(value, list):
                self.notes.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                self.notes.setdefault(key, {}).update(value)
            else:
                self.notes[key] = value

    def fail_types(
        self,
        exc: BaseException,
        *,
        operation: str,
        set_ref: SetRef,
        location: Location,
        affects: tuple[str, ...],
        fix: str | None = None,
    ) -> None:
        """Record a failure that blocks whole resource types in one set (a ``SourceError``)."""
        code = error_code(exc)
        text = error_text(exc)
        fix = fix or fix_for(code)
        self.errors.append(
            SourceError(
                message=f"{operation} failed in {set_ref.name}: {code}: {text}" + (f"; fix: {fix}" if fix else ""),
                set_ref=set_ref,
                location=location,
                affects=affects,
                code=code,
            )
        )
        self.failures.append(ReadFailure(set_ref.name, operation, code, text, ",".join(affects)))

    def fail_props(self, exc: BaseException, *, operation: str, set_name: str, blocked: str) -> Unknown:
        """Record a failure that blocks some properties of one resource; returns their ``Unknown``."""
        self.failures.append(ReadFailure(set_name, operation, error_code(exc), error_text(exc), blocked))
        return unknown(operation, exc)
