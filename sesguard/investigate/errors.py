"""The AWS error code of an exception, for evidence that says why it is missing."""

from __future__ import annotations

from typing import Any


def error_code(error: BaseException) -> str:
    """``AccessDeniedException``-style code of a botocore error, else the exception's type name."""
    response: Any = getattr(error, "response", None)
    if isinstance(response, dict):
        code = (response.get("Error") or {}).get("Code")
        if code:
            return str(code)
    return type(error).__name__
