"""SARIF 2.1.0 for code scanning: one rule per policy, one result per failing (or waived) row."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from sesguard.atomic import write_text_atomic
from sesguard.reports import document
from sesguard.reports.document import Doc, Row

FILENAME = "findings.sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

# severity -> (SARIF level, GitHub security-severity score)
LEVELS: dict[str, tuple[str, str]] = {
    "critical": ("error", "9.5"),
    "high": ("error", "8.0"),
    "medium": ("warning", "5.5"),
    "low": ("note", "3.0"),
    "info": ("note", "0.0"),
}


def _level(severity: str) -> tuple[str, str]:
    return LEVELS.get(severity, LEVELS["medium"])


def _help(pid: str, title: str, remediation: Mapping[str, Any]) -> dict[str, str]:
    summary = str(remediation.get("summary") or title)
    text = [summary]
    markdown = [f"**{pid}: {title}**", "", summary]
    for key, label in document.REMEDIATION_LABELS.items():
        if remediation.get(key):
            text.append(f"{label}: {remediation[key]}")
            markdown += ["", f"*{label}*:", "", "```", str(remediation[key]).rstrip(), "```"]
    return {"text": "\n".join(text), "markdown": "\n".join(markdown)}


def _rule(pid: str, info: Mapping[str, Any]) -> dict[str, Any]:
    level, score = _level(info["severity"])
    return {
        "id": pid,
        "name": pid.replace("-", ""),
        "shortDescription": {"text": info["title"]},
        "fullDescription": {"text": info["title"]},
        "help": _help(pid, info["title"], info["remediation"]),
        "defaultConfiguration": {"level": level},
        "properties": {"security-severity": score, "severity": info["severity"], "tags": ["security", "ses"]},
    }


def _location(resource: Mapping[str, Any]) -> dict[str, Any]:
    location: dict[str, Any] = {}
    file = resource.get("file")
    if file:
        path = PurePosixPath(str(file).replace("\\", "/"))
        artifact: dict[str, Any] = {"uri": quote(str(path))}
        if path.is_absolute():
            artifact["uri"] = "file://" + quote(str(path))
        else:
            artifact["uriBaseId"] = "%SRCROOT%"
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if isinstance(resource.get("line"), int) and resource["line"] >= 1:
            physical["region"] = {"startLine": resource["line"]}
        location["physicalLocation"] = physical
    name = str(resource.get("id") or "")
    qualified = resource.get("arn") or "/".join(
        str(resource[k]) for k in ("account", "region", "type", "id") if resource.get(k)
    )
    location["logicalLocations"] = [
        {
            "name": name,
            "fullyQualifiedName": str(qualified or name),
            "kind": str(resource.get("type") or "resource"),
        }
    ]
    return location


def _result(row: Row, rule_index: int) -> dict[str, Any]:
    level, score = _level(str(row.get("severity")))
    resource = row.get("resource") or {}
    message = str(row.get("message") or row.get("title"))
    if row.get("status") == "error":
        message = f"Could not be evaluated: {message}"
    result: dict[str, Any] = {
        "ruleId": row["policy_id"],
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": f"{resource.get('id')}: {message}"},
        "locations": [_location(resource)],
        "partialFingerprints": {"sesguardFindingId/v1": hashlib.sha256(str(row["id"]).encode()).hexdigest()},
        "properties": {
            "finding_id": row["id"],
            "status": row.get("status"),
            "severity": row.get("severity"),
            "security-severity": score,
            "resource_type": resource.get("type"),
            "account": resource.get("account"),
            "region": resource.get("region"),
        },
    }
    waiver = row.get("waiver")
    if row.get("status") == "waived" and waiver:
        expires = f" (expires {waiver['expires']})" if waiver.get("expires") else ""
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{waiver.get('reason', '')}{expires}",
            }
        ]
    return result


def build(doc: Doc) -> dict[str, Any]:
    """The SARIF log of a findings document."""
    run = doc.get("run") or {}
    rows = doc.get("findings") or []
    reported = [r for r in rows if document.is_failing(r) or r.get("status") == "waived"]
    policies = document.policies(rows)
    index = {pid: i for i, pid in enumerate(policies)}
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if run.get("started_at"):
        invocation["startTimeUtc"] = run["started_at"]
    if run.get("finished_at"):
        invocation["endTimeUtc"] = run["finished_at"]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sesguard",
                        "version": str(run.get("tool_version") or "0"),
                        "rules": [_rule(pid, info) for pid, info in policies.items()],
                    }
                },
                "invocations": [invocation],
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The directory sesguard ran in."}}
                },
                "automationDetails": {"id": f"sesguard/{document.scope(doc)}/"},
                "results": [_result(r, index[str(r["policy_id"])]) for r in reported],
                "properties": {"verdict": (doc.get("summary") or {}).get("verdict")},
            }
        ],
    }


def write(doc: Doc, report_dir: Path) -> Path:
    """Write ``findings.sarif`` into ``report_dir``."""
    document.check(doc)
    return write_text_atomic(json.dumps(build(doc), indent=1) + "\n", report_dir / FILENAME)
