"""The vocabulary of ``findings.json`` (docs/findings-format.md), importing only the severity names,
so that any reader or report can use it without loading the engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypedDict

from sesguard.severity import SEVERITIES

FORMAT: Final = "sesguard-findings"
VERSION: Final = 1
FILE: Final = "findings.json"

STATUSES: Final = ("pass", "fail", "error", "skip", "waived")
"""Every row status, in the order ``summary.by_status`` counts them."""
FAILING: Final = frozenset({"fail", "error"})
"""The statuses of the rows counted in ``summary.failing_rows`` (when at or above ``fail_on``)."""
_URGENCY: Final = {"fail": 0, "error": 1, "waived": 2, "skip": 3, "pass": 4}
STATUSES_BY_URGENCY: Final = tuple(sorted(STATUSES, key=_URGENCY.__getitem__))
"""The statuses as reports show them: what needs attention first (a new status needs an urgency)."""
SEVERITIES_MOST_FIRST: Final = tuple(reversed(SEVERITIES))
"""The severities as ``summary.by_severity`` and the reports list them: ``critical`` first."""

LOCATION_FIELDS: Final = ("file", "line", "account", "region", "arn")
"""Where a resource or an input problem is: a file and a 1-based line, or an account and region."""


class RowResource(TypedDict):
    """``resource`` of a row: what was checked and where it lives."""

    type: str
    id: str
    key: str
    native_type: str | None
    source: str
    set: str
    file: str | None
    line: int | None
    account: str | None
    region: str | None
    arn: str | None


class FindingRow(TypedDict):
    """One row of ``findings``: one policy on one resource (one pytest test)."""

    id: str
    policy_id: str
    title: str
    severity: str
    status: str
    fails_build: bool
    message: str
    observed: Any
    expected: Any
    remediation: dict[str, str]
    resource: RowResource
    waiver: dict[str, Any] | None


def where(resource: Mapping[str, Any] | None, text: Callable[[object], str] = str) -> str:
    """Where a resource lives, as a user finds it: ``file:line``, ``account/region`` or its set.

    ``resource`` has the :data:`LOCATION_FIELDS` (a row's ``resource``, or ``vars()`` of a
    :class:`~sesguard.model.Location`); ``text`` renders each name (the terminal escapes and cuts them).
    """
    if not resource:
        return ""
    if resource.get("file"):
        line = resource.get("line")
        return f"{text(resource['file'])}:{line}" if line else text(resource["file"])
    parts = [text(resource[k]) for k in ("account", "region") if resource.get(k)]
    return "/".join(parts) or (text(resource["set"]) if resource.get("set") else "")


def account_region(resource: Mapping[str, Any] | None) -> str | None:
    """``account/region`` of a live resource (``account/global`` without a region), else None."""
    if not resource or not resource.get("account"):
        return None
    return f"{resource['account']}/{resource.get('region') or 'global'}"
