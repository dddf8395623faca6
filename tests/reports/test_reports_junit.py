"""JUnit XML: one suite per policy, test cases with policy, severity and resource properties."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sesguard.reports import junit


def _parse(doc: dict[str, Any], tmp_path: Path) -> ET.Element:
    return ET.parse(junit.write(doc, tmp_path)).getroot()


def test_counts_and_outcomes(template_doc: dict[str, Any], tmp_path: Path) -> None:
    root = _parse(template_doc, tmp_path)
    assert root.tag == "testsuites"
    by = template_doc["summary"]["by_status"]
    assert root.get("tests") == str(template_doc["summary"]["total"])
    assert root.get("failures") == str(by["fail"])
    assert root.get("errors") == str(by["error"])
    assert root.get("skipped") == str(by["skip"] + by["waived"])
    assert root.get("time") == "2.000"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted({f["policy_id"] for f in template_doc["findings"]})
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert len(cases) == len(template_doc["findings"])
    failure = cases["SES-IAM-001::SmtpUser"].find("failure")
    assert failure is not None and failure.get("type") == "critical"
    assert "ses:*" in (failure.get("message") or "")
    assert "remediation: Replace the user's policies" in (failure.text or "")
    assert cases["SES-ID-006::ExampleDomain"].find("error") is not None
    assert cases["SES-ID-002::ExampleDomain"].find("skipped") is not None
    waived = cases["SES-IAM-007::SmtpUser"].find("skipped")
    assert (
        waived is not None
        and waived.get("type") == "waived"
        and "2027-03-31" in (waived.get("message") or "")
    )
    passed = cases["SES-CS-003::TransactionalSet"]
    assert [child.tag for child in passed] == ["properties"]


def test_properties(live_doc: dict[str, Any], tmp_path: Path) -> None:
    root = _parse(live_doc, tmp_path)
    case = next(c for c in root.iter("testcase") if c.get("name") == "SES-IAM-008::222222222222/ci-deploy")
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["policy_id"] == "SES-IAM-008"
    assert props["severity"] == "critical"
    assert props["resource"] == "ci-deploy"
    assert props["resource_type"] == "iam_principal"
    assert props["account"] == "222222222222"
    assert props["arn"] == "arn:aws:iam::222222222222:user/ci-deploy"
    assert "region" not in props  # IAM is global: no empty properties


def test_text_that_xml_cannot_carry_is_replaced(template_doc: dict[str, Any], tmp_path: Path) -> None:
    template_doc["findings"][0]["message"] = "bad \x00 byte \x1b[31m"
    root = _parse(template_doc, tmp_path)
    failure = next(root.iter("failure"))
    assert "\ufffd" in (failure.get("message") or "")


def test_golden(template_doc: dict[str, Any], tmp_path: Path, golden: Callable[[str, str], None]) -> None:
    golden("template-run.junit.xml", junit.write(template_doc, tmp_path).read_text(encoding="utf-8"))
