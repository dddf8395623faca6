"""The findings document of a run (``findings.json``, format in docs/findings-format.md)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from sesguard import __version__
from sesguard.causes import group_causes
from sesguard.engine import Finding
from sesguard.findings.format import (
    FORMAT,
    LOCATION_FIELDS,
    SEVERITIES_MOST_FIRST,
    STATUSES,
    VERSION,
    FindingRow,
    RowResource,
)
from sesguard.model import ACCOUNT, Inventory, is_unknown
from sesguard.policies import Policy, PolicyProblem
from sesguard.verdicts import WaiverState, fails_build


def _plain(value: Any) -> Any:
    if is_unknown(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def finding_row(finding: Finding) -> FindingRow:
    """One row of ``findings``."""
    resource = finding.resource
    loc = resource.location
    row_resource: RowResource = {
        "type": resource.type,
        "id": resource.id,
        "key": finding.key,
        "native_type": resource.native_type,
        "source": resource.source,
        "set": resource.set_name,
        "file": loc.file,
        "line": loc.line,
        "account": loc.account,
        "region": loc.region,
        "arn": loc.arn,
    }
    return {
        "id": finding.id,
        "policy_id": finding.policy_id,
        "title": finding.title,
        "severity": finding.severity,
        "status": finding.status,
        "fails_build": fails_build(finding),
        "message": finding.message,
        "observed": _plain(finding.observed),
        "expected": _plain(finding.expected),
        "remediation": dict(finding.remediation),
        "resource": row_resource,
        "waiver": dict(finding.waiver) if finding.waiver else None,
    }


def _rates(inventory: Inventory) -> list[dict[str, Any]]:
    rows = []
    for resource in inventory.resources:
        if resource.type != ACCOUNT or not resource.set_ref.in_account:
            continue
        props = resource.props
        rows.append(
            {
                "account": resource.location.account,
                "region": resource.location.region,
                **{
                    key: _plain(props.get(key))
                    for key in (
                        "enforcement_status",
                        "bounce_rate",
                        "bounce_rate_at",
                        "complaint_rate",
                        "complaint_rate_at",
                    )
                },
            }
        )
    return sorted(rows, key=lambda r: (str(r["account"]), str(r["region"])))


def summarize(rows: Sequence[FindingRow], waivers: Sequence[WaiverState]) -> dict[str, Any]:
    """Counts by status and by severity, and the verdict."""
    by_status = dict.fromkeys(STATUSES, 0)
    by_severity = {sev: dict.fromkeys(STATUSES, 0) for sev in SEVERITIES_MOST_FIRST}
    for row in rows:
        by_status[row["status"]] += 1
        by_severity[row["severity"]][row["status"]] += 1
    failing = sum(1 for row in rows if row["fails_build"])
    return {
        "total": len(rows),
        "verdict": "non-compliant" if failing else "compliant",
        "by_status": by_status,
        "by_severity": by_severity,
        "failing_rows": failing,
        "stale_waivers": sum(1 for w in waivers if w.state == "stale"),
        "expired_waivers": sum(1 for w in waivers if w.state == "expired"),
        "unused_waivers": sum(1 for w in waivers if w.state == "unused"),
    }


def policy_entry(policy: Policy) -> dict[str, Any]:
    """What reports say about a policy beyond its rows: references and compliance mappings."""
    return {
        "title": policy.title,
        "severity": policy.severity,
        "references": [dict(r) for r in policy.references],
        "compliance": [dict(c) for c in policy.compliance],
    }


def build_document(
    findings: Sequence[Finding],
    waivers: Sequence[WaiverState],
    inventory: Inventory,
    run: dict[str, Any],
    policies: Sequence[Policy] = (),
    policy_problems: Sequence[PolicyProblem] = (),
) -> dict[str, Any]:
    """The whole findings document (``policy_problems``: the policy files that could not be loaded)."""
    rows = [finding_row(f) for f in sorted(findings, key=lambda f: f.id)]
    return {
        "format": FORMAT,
        "format_version": VERSION,
        "run": {"tool": "sesguard", "tool_version": __version__, **run},
        "summary": summarize(rows, waivers),
        "findings": rows,
        "waivers": [w.as_dict() for w in waivers],
        "rates": _rates(inventory),
        "causes": [c.as_dict() for c in group_causes(findings, inventory)],
        "input_problems": _input_problems(inventory) + [policy_problem(p) for p in policy_problems],
        "policies": {p.id: policy_entry(p) for p in sorted(policies, key=lambda p: p.id)},
    }


def _input_problems(inventory: Inventory) -> list[dict[str, Any]]:
    """Everything a source could not read, in full (an error row's message names the first few)."""
    problems = []
    for error in inventory.errors:
        where = {k: getattr(error.location, k) for k in LOCATION_FIELDS if getattr(error.location, k) is not None}
        problems.append(
            {"set": error.set_name, "source": error.source, **where, "code": error.code, "message": error.message}
        )
    return problems


POLICY_SOURCE = "policy"
"""The ``source`` of an input problem that is a policy file (its ``set``: the policy folder)."""


def policy_problem(problem: PolicyProblem) -> dict[str, Any]:
    """A policy file that could not be loaded, as an entry of ``input_problems``."""
    where = {"file": problem.file, **({"line": problem.line} if problem.line else {})}
    folder = str(PurePath(problem.file).parent)
    return {"set": folder, "source": POLICY_SOURCE, **where, "code": "bad_policy", "message": problem.message}
