"""JUnit XML: one test suite per policy, one test case per row, carrying policy, severity and resource."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sesguard.atomic import write_text_atomic
from sesguard.findings.format import where
from sesguard.findings.reader import Doc, check
from sesguard.reports.document import Row

FILENAME = "junit.xml"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: object) -> str:
    """Text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("\ufffd", str(value))


def _duration(run: Mapping[str, Any]) -> float:
    try:
        start = datetime.fromisoformat(str(run["started_at"]).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(run["finished_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return max((end - start).total_seconds(), 0.0)


def _detail(row: Row) -> str:
    resource = row.get("resource") or {}
    remediation = row.get("remediation") or {}
    lines = [str(row.get("message") or ""), f"resource: {resource.get('type')} {resource.get('id')}"]
    if where(resource):
        lines.append(f"where: {where(resource)}")
    if remediation.get("summary"):
        lines.append(f"remediation: {remediation['summary']}")
    return "\n".join(lines)


def _testcase(row: Row) -> ET.Element:
    resource = row.get("resource") or {}
    case = ET.Element(
        "testcase", {"classname": f"sesguard.{row['policy_id']}", "name": _clean(row["id"]), "time": "0"}
    )
    props = ET.SubElement(case, "properties")
    values = {
        "policy_id": row.get("policy_id"),
        "title": row.get("title"),
        "severity": row.get("severity"),
        "status": row.get("status"),
        "resource": resource.get("id"),
        "resource_type": resource.get("type"),
        "source": resource.get("source"),
        "where": where(resource) or None,
        "account": resource.get("account"),
        "region": resource.get("region"),
        "arn": resource.get("arn"),
    }
    for name, value in values.items():
        if value is not None:
            ET.SubElement(props, "property", {"name": name, "value": _clean(value)})
    status = row.get("status")
    message = _clean(row.get("message") or "")
    if status == "fail":
        ET.SubElement(case, "failure", {"message": message, "type": str(row.get("severity"))}).text = _clean(
            _detail(row)
        )
    elif status == "error":
        ET.SubElement(case, "error", {"message": message, "type": "evaluation-error"}).text = _clean(
            _detail(row)
        )
    elif status == "skip":
        ET.SubElement(case, "skipped", {"message": message})
    elif status == "waived":
        waiver = row.get("waiver") or {}
        text = f"waived ({waiver.get('state', 'active')}, expires {waiver.get('expires')}): {waiver.get('reason')}"
        ET.SubElement(case, "skipped", {"message": _clean(text), "type": "waived"})
    return case


def build(doc: Doc) -> ET.Element:
    """The ``<testsuites>`` element of a findings document."""
    run = doc.get("run") or {}
    grouped: dict[str, list[Row]] = {}
    for row in doc.get("findings") or []:
        grouped.setdefault(str(row["policy_id"]), []).append(row)
    root = ET.Element("testsuites", {"name": "sesguard", "time": f"{_duration(run):.3f}"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for pid in sorted(grouped):
        rows = grouped[pid]
        counts = {
            "tests": len(rows),
            "failures": sum(r.get("status") == "fail" for r in rows),
            "errors": sum(r.get("status") == "error" for r in rows),
            "skipped": sum(r.get("status") in ("skip", "waived") for r in rows),
        }
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": pid,
                "timestamp": str(run.get("started_at") or ""),
                "time": "0",
                **{k: str(v) for k, v in counts.items()},
            },
        )
        suite.extend(_testcase(r) for r in rows)
        for key, value in counts.items():
            totals[key] += value
    root.attrib.update({k: str(v) for k, v in totals.items()})
    return root


def write(doc: Doc, report_dir: Path) -> Path:
    """Write ``junit.xml`` into ``report_dir``."""
    check(doc)
    root = build(doc)
    ET.indent(root, space=" ")
    text = ET.tostring(root, encoding="unicode")
    return write_text_atomic(f'<?xml version="1.0" encoding="utf-8"?>\n{text}\n', report_dir / FILENAME)
