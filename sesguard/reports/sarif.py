"""SARIF 2.1.0 for code scanning: one rule per policy, one result per failing (or waived) row."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Final
from urllib.parse import quote

from sesguard.atomic import write_text_atomic
from sesguard.findings.reader import Doc, check
from sesguard.reports import document
from sesguard.reports.document import Row

FILENAME = "findings.sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/sesguard/sesguard"
# Where a policy without references (or an old findings.json without the ``policies`` section) points.
CATALOG_URI = f"{INFORMATION_URI}/blob/main/docs/policies.md"

# severity -> (SARIF level, GitHub security-severity score)
LEVELS: Final[dict[str, tuple[str, str]]] = {
    "critical": ("error", "9.5"),
    "high": ("error", "8.0"),
    "medium": ("warning", "5.5"),
    "low": ("note", "3.0"),
    "info": ("note", "0.0"),
}


def _level(severity: str) -> tuple[str, str]:
    return LEVELS.get(severity, LEVELS["medium"])


def _help(pid: str, title: str, remediation: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, str]:
    summary = str(remediation.get("summary") or title)
    text = [summary]
    markdown = [f"**{pid}: {title}**", "", summary]
    for key, label in document.REMEDIATION_LABELS.items():
        if remediation.get(key):
            text.append(f"{label}: {remediation[key]}")
            markdown += ["", f"*{label}*:", "", "```", str(remediation[key]).rstrip(), "```"]
    mappings = document.compliance_labels(meta)
    if mappings:
        text.append("Also checks: " + "; ".join(mappings))
        markdown += ["", "**Also checks**: " + "; ".join(mappings)]
    references = [r for r in meta.get("references") or [] if r.get("url")]
    if references:
        text += [f"{r.get('title', r['url'])}: {r['url']}" for r in references]
        markdown += ["", "**References**:", ""] + [f"- [{r.get('title', r['url'])}]({r['url']})" for r in references]
    return {"text": "\n".join(text), "markdown": "\n".join(markdown)}


def _help_uri(pid: str, meta: Mapping[str, Any]) -> str:
    """The policy's first reference (AWS's documentation of the practice), else its catalog entry."""
    for reference in meta.get("references") or []:
        if str(reference.get("url", "")).startswith("https://"):
            return str(reference["url"])
    return f"{CATALOG_URI}#{pid.lower()}"


def _rule(pid: str, info: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, Any]:
    level, score = _level(info["severity"])
    tags = ["security", "ses", *(f"{c['framework']} {c['control']}" for c in meta.get("compliance") or [])]
    return {
        "id": pid,
        "name": pid.replace("-", ""),
        "shortDescription": {"text": info["title"]},
        "fullDescription": {"text": info["title"]},
        "helpUri": _help_uri(pid, meta),
        "help": _help(pid, info["title"], info["remediation"], meta),
        "defaultConfiguration": {"level": level},
        "properties": {"security-severity": score, "severity": info["severity"], "tags": tags},
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
        # GitHub places an alert by startLine: set-level rows (a whole file or set) point at line 1
        line = resource.get("line")
        physical["region"] = {"startLine": line if isinstance(line, int) and line >= 1 else 1}
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
    result: dict[str, Any] = {
        "ruleId": row["policy_id"],
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": message_text(row)},
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


ERROR_PREFIX = "could not be evaluated: "


def message_text(row: Row) -> str:
    """``RESOURCE: message``, with ``Could not be evaluated:`` for error rows, each said once."""
    resource = row.get("resource") or {}
    message = str(row.get("message") or row.get("title"))
    name = str(resource.get("id") or "")
    if name and message.startswith(f"{name}: "):
        message = message[len(name) + 2 :]
    if row.get("status") == "error":
        if message.lower().startswith(ERROR_PREFIX):
            message = message[len(ERROR_PREFIX) :]
        message = f"Could not be evaluated: {message}"
    return f"{name}: {message}" if name else message


def build(doc: Doc) -> dict[str, Any]:
    """The SARIF log of a findings document."""
    run = doc.get("run") or {}
    rows = doc.get("findings") or []
    reported = [r for r in rows if document.is_failing(r) or r.get("status") == "waived"]
    policies = document.policies(rows)
    meta: Mapping[str, Mapping[str, Any]] = doc.get("policies") or {}
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
                        "semanticVersion": str(run.get("tool_version") or "0"),
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(pid, info, meta.get(pid) or {}) for pid, info in policies.items()],
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
    check(doc)
    return write_text_atomic(json.dumps(build(doc), indent=1) + "\n", report_dir / FILENAME)
