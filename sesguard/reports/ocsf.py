"""OCSF 1.1.0 Compliance Finding events (class 2003): one event per failing, error or waived row.

``findings.ocsf.json`` is a JSON array of events for security data lakes (Amazon Security Lake,
SIEMs that read OCSF). Each event names the policy as the control, sesguard's catalog and the
mapped frameworks (AWS Security Hub, AWS Config...) as the standards, the resource with its ARN or
file and line, and the remediation. Class and attributes: https://schema.ocsf.io/1.1.0/classes/compliance_finding
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from sesguard.atomic import write_text_atomic
from sesguard.findings.reader import Doc, check
from sesguard.reports import document
from sesguard.reports.document import Row

FILENAME: Final = "findings.ocsf.json"
OCSF_VERSION: Final = "1.1.0"
CLASS_UID: Final = 2003
CATEGORY_UID: Final = 2  # Findings
ACTIVITY_CREATE: Final = 1
SEVERITY_IDS: Final = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
SEVERITY_NAMES: Final = {1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}
# compliance.status_id: 1 Pass, 2 Warning (not evaluated), 3 Fail
COMPLIANCE_STATUS: Final = {"fail": (3, "Fail"), "waived": (3, "Fail"), "error": (2, "Warning")}
CATALOG: Final = "sesguard SES policy catalog"


def _epoch_ms(iso: str | None) -> int:
    if not iso:
        return 0
    return int(datetime.fromisoformat(str(iso).replace("Z", "+00:00")).timestamp() * 1000)


def _resource(resource: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "uid": str(resource.get("arn") or resource.get("key") or resource.get("id")),
        "name": str(resource.get("id")),
        "type": str(resource.get("native_type") or resource.get("type")),
    }
    if resource.get("region"):
        out["region"] = str(resource["region"])
    if resource.get("account"):
        out["owner"] = {"account": {"uid": str(resource["account"]), "type_id": 10, "type": "AWS Account"}}
    data = {k: resource.get(k) for k in ("file", "line", "set", "source") if resource.get(k) is not None}
    if data:
        out["data"] = data
    return out


def event(row: Row, doc: Doc) -> dict[str, Any]:
    """The Compliance Finding event of one row."""
    run = doc.get("run") or {}
    meta = (doc.get("policies") or {}).get(str(row.get("policy_id"))) or {}
    resource = row.get("resource") or {}
    status = str(row.get("status"))
    when = _epoch_ms(run.get("finished_at") or run.get("started_at"))
    severity_id = SEVERITY_IDS.get(str(row.get("severity")), 3)
    status_id, status_name = COMPLIANCE_STATUS.get(status, (2, "Warning"))
    remediation = row.get("remediation") or {}
    references = [str(r["url"]) for r in meta.get("references") or [] if r.get("url")]
    frameworks = sorted({str(c.get("framework")) for c in meta.get("compliance") or []})
    out: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": when,
        "severity_id": severity_id,
        "severity": SEVERITY_NAMES[severity_id],
        "status_id": 3 if status == "waived" else 1,  # Suppressed | New
        "status": "Suppressed" if status == "waived" else "New",
        "message": str(row.get("message") or row.get("title")),
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "sesguard",
                "vendor_name": "sesguard",
                "version": str(run.get("tool_version") or "0"),
                "url_string": "https://github.com/sesguard/sesguard",
            },
        },
        "finding_info": {
            "uid": str(row["id"]),
            "title": f"{row['policy_id']} {row.get('title')}",
            "desc": str(row.get("message") or ""),
            "created_time": when,
            "types": ["Amazon SES best practice"],
            **({"src_url": references[0]} if references else {}),
        },
        "compliance": {
            "standards": [CATALOG, *frameworks],
            "control": str(row["policy_id"]),
            "requirements": document.compliance_labels(meta),
            "status_id": status_id,
            "status": status_name,
        },
        "remediation": {"desc": str(remediation.get("summary") or ""), "references": references},
        "resources": [_resource(resource)],
    }
    if resource.get("account"):
        out["cloud"] = {
            "provider": "AWS",
            "account": {"uid": str(resource["account"]), "type_id": 10, "type": "AWS Account"},
            **({"region": str(resource["region"])} if resource.get("region") else {}),
        }
    waiver = row.get("waiver") or {}
    if status == "waived" and waiver.get("reason"):
        out["comment"] = f"waived: {waiver['reason']} ({waiver.get('origin', '')})"
    return out


def build(doc: Doc) -> list[dict[str, Any]]:
    """The events of a findings document (failing, error and waived rows)."""
    return [event(row, doc) for row in doc.get("findings") or [] if row.get("status") in COMPLIANCE_STATUS]


def write(doc: Doc, report_dir: Path) -> Path:
    """Write ``findings.ocsf.json`` into ``report_dir``."""
    check(doc)
    return write_text_atomic(json.dumps(build(doc), indent=1) + "\n", report_dir / FILENAME)
