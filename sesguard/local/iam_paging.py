"""IAM ``GetAccountAuthorizationDetails`` paged at the ``MaxItems`` the caller asks for, as AWS does.

moto 5.2.5 ignores ``MaxItems`` and ``Marker`` and returns every user, group, role and policy in one
page, so a reader that stops after the first page (or mishandles ``Marker``) would pass every test.
AWS returns at most ``MaxItems`` items (default 100, at most 1,000), ``IsTruncated`` and a
``Marker`` to continue from
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
The endpoint takes moto's full answer and serves the requested slice of it; the items are counted
across the four lists in order (users, groups, roles, policies).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, Final

from .errors import ApiError

OPERATION: Final = "GetAccountAuthorizationDetails"
LISTS: Final = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
DEFAULT_MAX_ITEMS: Final = 100
MAX_ITEMS: Final = 1000
_PREFIX: Final = "sesguard-page:"


def _marker(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def _offset(marker: str | None) -> int:
    if not marker:
        return 0
    try:
        text = base64.urlsafe_b64decode(marker.encode()).decode()
        if text.startswith(_PREFIX):
            return int(text[len(_PREFIX) :])
    except (ValueError, UnicodeDecodeError):
        pass
    raise ApiError("ValidationError", "Invalid Marker", 400)


def page(form: Mapping[str, str], full: Mapping[str, Any]) -> dict[str, Any]:
    """The page of ``full`` (moto's complete answer, parsed) that ``form``'s MaxItems and Marker ask for."""
    try:
        max_items = int(form.get("MaxItems") or DEFAULT_MAX_ITEMS)
    except ValueError:
        raise ApiError("ValidationError", "MaxItems must be a number", 400) from None
    if not 1 <= max_items <= MAX_ITEMS:
        raise ApiError(
            "ValidationError",
            f"1 validation error detected: Value '{max_items}' at 'maxItems' failed to satisfy constraint: "
            f"Member must have value between 1 and {MAX_ITEMS}",
            400,
        )
    offset = _offset(form.get("Marker"))
    items = [(name, item) for name in LISTS for item in full.get(name) or []]
    chunk = items[offset : offset + max_items]
    document: dict[str, Any] = {name: [item for owner, item in chunk if owner == name] for name in LISTS}
    document["IsTruncated"] = offset + max_items < len(items)
    if document["IsTruncated"]:
        document["Marker"] = _marker(offset + max_items)
    return document
