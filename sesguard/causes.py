"""Error rows that share one cause: an account or region that could not be read, or a template input
that could not be read.

A denied region, an opt-in region that is off, a role that cannot be assumed, credentials that
expired, throttling that outlasted the retries: one AWS failure makes an ``error`` row on every
policy that needed what it blocked. So does a template problem (a file that does not parse, is not a
template, a Terraform module that declares a resource twice) on every policy of its set. Each of
those rows stays an ``error`` in ``findings.json`` (its message names the problem); this module
groups them, live ones by account and AWS code, template ones by input problem, so that the terminal
and the reports say the cause once (where, what, and how many rows it blocked) instead of repeating
it per policy.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sesguard.aws_fixes import fix_for
from sesguard.engine import SET_LEVEL_TYPES, Finding
from sesguard.findings.format import where
from sesguard.model import Inventory, SetRef, SourceError
from sesguard.terminal import safe

MIN_ROWS: Final = 2
"""A cause blocking fewer rows is left to its row's own line."""
TEXT_LIMIT: Final = 400
"""Longest cause text (the AWS message and the fix) kept on a cause."""

# How the live reader names a property it could not read: ``Unknown("GetAccount: ThrottlingException")``,
# shown in a row's message as ``... is unknown (GetAccount: ThrottlingException)``.
_UNKNOWN_CALL: Final = re.compile(r"\(([A-Z][A-Za-z0-9]+): ([A-Z][A-Za-z0-9.]+)\)")


@dataclass
class Cause:
    """One problem and the error rows it blocked: an AWS failure (by ``account`` and code) or a
    template input problem (by ``set_name``, the source it was read by, and its text)."""

    code: str | None
    text: str
    account: str | None = None
    set_name: str | None = None
    source: str | None = None
    places: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready form (``causes`` in findings.json)."""
        where = {"account": self.account} if self.set_name is None else {"set": self.set_name, "source": self.source}
        return {
            **where,
            "code": self.code,
            "places": self.places,
            "text": self.text,
            "policies": self.policies,
            "rows": self.rows,
        }


def place_of(set_ref: SetRef) -> str:
    """The part of an account set an error is in: its region, ``IAM`` (account-wide) or ``all regions``."""
    region = set_ref.region
    if region == "*":
        return "all regions"
    return region or "IAM"


def _blocking(errors: Sequence[SourceError], finding: Finding) -> SourceError | None:
    """The first input problem with an AWS code that made this set-level error row (the engine's
    row for a set it could not read: the set stands in for the resource)."""
    if finding.resource.id != finding.resource.set_name:
        return None
    rtype = finding.resource.type
    for error in errors:
        if error.code and ("*" in error.affects or rtype in error.affects):
            return error
    return None


def _error_text(error: SourceError) -> str:
    text = error.message.replace(f" in {error.set_name}:", ":", 1)
    return text if "; fix: " in text else _with_fix(text, error.code or "")


def _with_fix(text: str, code: str) -> str:
    fix = fix_for(code)
    return f"{text}; fix: {fix}" if fix else text


def _failure_texts(inventory: Inventory) -> dict[tuple[str, str, str], str]:
    """``(set, operation, code)`` -> AWS's message, from the reader's record of failed calls."""
    live = inventory.meta.get("live")
    failures = live.get("read_failures") if isinstance(live, Mapping) else None
    found: dict[tuple[str, str, str], str] = {}
    for failure in failures if isinstance(failures, list) else []:
        if isinstance(failure, Mapping):
            key = (str(failure.get("set")), str(failure.get("operation")), str(failure.get("code")))
            found.setdefault(key, str(failure.get("message") or ""))
    return found


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def group_causes(findings: Iterable[Finding], inventory: Inventory) -> list[Cause]:
    """The causes shared by at least :data:`MIN_ROWS` error rows: live ones (most rows first), then
    template input problems (by set)."""
    rows = list(findings)
    return [*_live_causes(rows, inventory), *_input_causes(rows, inventory)]


def _is_input_problem_row(finding: Finding) -> bool:
    """A template set's row for a policy its input problems left unevaluated (the engine's row keyed
    by the set, ``SET (input problems)`` for a set-level policy, whose own row keeps the set's name)."""
    resource = finding.resource
    if finding.status != "error" or resource.set_ref.in_account or resource.id != resource.set_name:
        return False
    if resource.type in SET_LEVEL_TYPES:
        return finding.key == f"{resource.set_name} (input problems)"
    return finding.key == resource.set_name


def _input_causes(findings: Iterable[Finding], inventory: Inventory) -> list[Cause]:
    """Per template input problem, the rows of its set it left unevaluated (each problem once, however
    many policies needed the set)."""
    errors_by_set: dict[str, list[SourceError]] = defaultdict(list)
    for error in inventory.errors:
        if not error.set_ref.in_account:
            errors_by_set[error.set_name].append(error)
    causes: dict[tuple[str, str], Cause] = {}  # by set and problem: a problem said twice is one
    for finding in findings:
        if not _is_input_problem_row(finding):
            continue
        rtype, set_name = finding.resource.type, finding.resource.set_name
        for error in errors_by_set.get(set_name, ()):
            if "*" not in error.affects and rtype not in error.affects:
                continue
            code = error.code
            text = _cut(error.message if not code or code in error.message else f"{error.message} ({code})")
            cause = causes.get((set_name, text))
            if cause is None:
                place = where(vars(error.location)) or set_name
                cause = causes[(set_name, text)] = Cause(code, text, set_name=set_name, source=error.source, places=[place])
            if finding.policy_id not in cause.policies:
                cause.policies.append(finding.policy_id)
            if finding.id not in cause.rows:
                cause.rows.append(finding.id)
    shared = [c for c in causes.values() if len(c.rows) >= MIN_ROWS]
    return sorted(shared, key=lambda c: str(c.set_name))  # each set's problems in the order they were found


def _live_causes(findings: Iterable[Finding], inventory: Inventory) -> list[Cause]:
    """The causes shared by at least :data:`MIN_ROWS` live error rows, most rows first.

    A row belongs to the cause of the first input problem (with an AWS code) that blocked its set,
    or, for a resource whose properties could not be read, of the first failed call its message
    names (``(GetAccount: ThrottlingException)``).
    """
    errors_by_set: dict[str, list[SourceError]] = defaultdict(list)
    for error in inventory.errors:
        if error.set_ref.in_account:
            errors_by_set[error.set_name].append(error)
    failure_texts: dict[tuple[str, str, str], str] | None = None
    causes: dict[tuple[str, str], Cause] = {}
    for finding in findings:
        resource = finding.resource
        if finding.status != "error" or not resource.set_ref.in_account:
            continue
        set_name = resource.set_name
        account = resource.location.account or str(resource.set_ref.account)
        blocking = _blocking(errors_by_set.get(set_name, ()), finding)
        if blocking is not None and blocking.code:
            code, text = blocking.code, _error_text(blocking)
        else:
            match = _UNKNOWN_CALL.search(finding.message)
            if match is None:
                continue
            operation, code = match.groups()
            if failure_texts is None:
                failure_texts = _failure_texts(inventory)
            aws_message = failure_texts.get((set_name, operation, code), "")
            text = _with_fix(f"{operation} failed: {code}" + (f": {aws_message}" if aws_message else ""), code)
        cause = causes.setdefault((account, code), Cause(code, _cut(text), account=account))
        place = place_of(resource.set_ref)
        if place not in cause.places:
            cause.places.append(place)
        if finding.policy_id not in cause.policies:
            cause.policies.append(finding.policy_id)
        cause.rows.append(finding.id)
    shared = [c for c in causes.values() if len(c.rows) >= MIN_ROWS]
    for cause in shared:  # regions by name, then the account-wide parts
        cause.places.sort(key=lambda p: (p in ("IAM", "all regions"), p))
    return sorted(shared, key=lambda c: (-len(c.rows), str(c.account), str(c.code)))


def cause_line(cause: Mapping[str, Any]) -> str:
    """The one line a cause (``causes`` in findings.json) gets on the terminal: where, the AWS code,
    how many rows it left unevaluated, what failed and the fix (terminal-safe); for a template input
    problem, its set, how many rows it left unevaluated and the problem."""
    rows, policies = cause.get("rows") or [], cause.get("policies") or []
    if "set" in cause:
        return safe(
            f"ERROR  {cause.get('set')}: {len(rows)} rows of {len(policies)} policies not evaluated: {cause.get('text')}",
            limit=TEXT_LIMIT + 200,
        )
    return safe(
        f"ERROR  {cause.get('account')} ({', '.join(map(str, cause.get('places') or []))}): "
        f"{cause.get('code')}: {len(rows)} rows of {len(policies)} policies not evaluated: {cause.get('text')}",
        limit=TEXT_LIMIT + 200,
    )
