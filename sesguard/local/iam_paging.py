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

from collections.abc import Mapping
from typing import Any, Final

from .slices import Paging

OPERATION: Final = "GetAccountAuthorizationDetails"
LISTS: Final = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
PAGING: Final = Paging(
    size="MaxItems",
    default=100,
    maximum=1000,
    limit="between 1 and 1000",
    prefix="sesguard-page:",
    bad_token=("ValidationError", "Invalid Marker"),
)


def page(form: Mapping[str, str], full: Mapping[str, Any]) -> dict[str, Any]:
    """The page of ``full`` (moto's complete answer, parsed) that ``form``'s MaxItems and Marker ask for."""
    size = PAGING.page_size(form.get("MaxItems"))
    per_list, following = PAGING.slice(LISTS, full, form.get("Marker"), size)
    document: dict[str, Any] = {**per_list, "IsTruncated": following is not None}
    if following is not None:
        document["Marker"] = PAGING.token(following)
    return document
