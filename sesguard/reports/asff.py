"""AWS Security Finding Format (ASFF) for AWS Security Hub: one finding per failing live row.

``findings.asff.json`` is a JSON array of ``AwsSecurityFinding`` objects, ready for
``aws securityhub batch-import-findings --findings file://findings.asff.json`` (in batches of at
most 100) into each account's default product (``product/ACCOUNT/default``). Failing and error
rows become ``NEW`` findings (compliance ``FAILED`` / ``NOT_AVAILABLE``), waived rows
``SUPPRESSED`` ones, each with the policy's remediation, its compliance mappings and the resource
ARN. Security Hub findings belong to an account, so template rows (no account) are not exported.
Required fields and limits: https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from sesguard.atomic import write_text_atomic
from sesguard.findings.reader import Doc, check
from sesguard.reports import document
from sesguard.reports.document import Row

FILENAME: Final = "findings.asff.json"
SCHEMA_VERSION: Final = "2018-10-08"
FINDING_TYPE: Final = "Software and Configuration Checks/AWS Security Best Practices"
DEFAULT_REGION: Final = "us-east-1"
LABELS: Final = {"critical": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW", "info": "INFORMATIONAL"}
COMPLIANCE_STATUS: Final = {"fail": "FAILED", "error": "NOT_AVAILABLE", "waived": "FAILED"}
MAX_TITLE, MAX_DESCRIPTION, MAX_ID, MAX_TEXT = 256, 1024, 512, 512


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _partition(arn: str | None) -> str:
    parts = str(arn or "").split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else "aws"


def _resource_type(resource: Mapping[str, Any]) -> str:
    arn = str(resource.get("arn") or "")
    if resource.get("type") == "iam_principal":
        for marker, name in ((":user/", "AwsIamUser"), (":role/", "AwsIamRole"), (":group/", "AwsIamGroup")):
            if marker in arn:
                return name
    if resource.get("type") == "account":
        return "AwsAccount"
    return "Other"


def _home_regions(doc: Doc) -> dict[str, str]:
    """Per account, the first region scanned: where its global (IAM) findings are imported."""
    homes: dict[str, str] = {}
    for rate in doc.get("rates") or []:
        if rate.get("account") and rate.get("region"):
            homes.setdefault(str(rate["account"]), str(rate["region"]))
    return homes


def finding(row: Row, doc: Doc, homes: Mapping[str, str]) -> dict[str, Any]:
    """The ASFF finding of one live row."""
    run = doc.get("run") or {}
    meta = (doc.get("policies") or {}).get(str(row.get("policy_id"))) or {}
    resource = row.get("resource") or {}
    account = str(resource["account"])
    region = str(resource.get("region") or homes.get(account) or DEFAULT_REGION)
    partition = _partition(resource.get("arn"))
    when = str(run.get("finished_at") or run.get("started_at"))
    status = str(row.get("status"))
    remediation = row.get("remediation") or {}
    recommendation: dict[str, str] = {"Text": _cut(str(remediation.get("summary") or row.get("title")), MAX_TEXT)}
    urls = [str(r["url"]) for r in meta.get("references") or [] if r.get("url")]
    if urls:
        recommendation["Url"] = urls[0]
    resource_id = resource.get("arn") or "/".join(
        str(resource[k]) for k in ("account", "region", "type", "id") if resource.get(k)
    )
    compliance: dict[str, Any] = {"Status": COMPLIANCE_STATUS.get(status, "WARNING")}
    related = document.compliance_labels(meta)
    if related:
        compliance["RelatedRequirements"] = related[:32]
    waiver = row.get("waiver") or {}
    found: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": _cut(f"sesguard/{account}/{region}/{row['id']}", MAX_ID),
        "ProductArn": f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default",
        "ProductName": "sesguard",
        "CompanyName": "sesguard",
        "GeneratorId": f"sesguard/{row['policy_id']}",
        "AwsAccountId": account,
        "Region": region,
        "Types": [FINDING_TYPE],
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": LABELS.get(str(row.get("severity")), "MEDIUM"), "Original": str(row.get("severity"))},
        "Title": _cut(f"{row['policy_id']} {row.get('title')}: {resource.get('id')}", MAX_TITLE),
        "Description": _cut(str(row.get("message") or row.get("title")), MAX_DESCRIPTION),
        "Remediation": {"Recommendation": recommendation},
        "Resources": [
            {"Type": _resource_type(resource), "Id": str(resource_id), "Partition": partition, "Region": region}
        ],
        "Compliance": compliance,
        "Workflow": {"Status": "SUPPRESSED" if status == "waived" else "NEW"},
        "RecordState": "ACTIVE",
        "ProductFields": {
            "sesguard/PolicyId": str(row["policy_id"]),
            "sesguard/RowId": _cut(str(row["id"]), 1024),
            "sesguard/Status": status,
        },
    }
    if status == "waived" and waiver.get("reason"):
        found["Note"] = {
            "Text": _cut(f"waived: {waiver['reason']} ({waiver.get('origin', '')})", MAX_TEXT),
            "UpdatedBy": "sesguard",
            "UpdatedAt": when,
        }
    return found


def build(doc: Doc) -> list[dict[str, Any]]:
    """The ASFF findings of a findings document (live rows that fail, error or are waived)."""
    homes = _home_regions(doc)
    return [
        finding(row, doc, homes)
        for row in doc.get("findings") or []
        if row.get("status") in COMPLIANCE_STATUS and (row.get("resource") or {}).get("account")
    ]


def write(doc: Doc, report_dir: Path) -> Path:
    """Write ``findings.asff.json`` into ``report_dir``."""
    check(doc)
    return write_text_atomic(json.dumps(build(doc), indent=1) + "\n", report_dir / FILENAME)
