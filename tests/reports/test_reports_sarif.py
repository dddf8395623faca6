"""SARIF 2.1.0: valid against the OASIS schema, one rule per policy, one result per failing row."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sesguard.reports import sarif

from .conftest import SARIF_SCHEMA


def _validator() -> jsonschema.Draft4Validator:
    if not SARIF_SCHEMA.parent.parent.is_dir():
        pytest.skip(f"{SARIF_SCHEMA.parent.parent} is absent (shared/ is not beside the checkout)")
    return jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


@pytest.mark.parametrize("fixture", ["template_doc", "live_doc"])
def test_valid_against_the_sarif_schema(fixture: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    doc = request.getfixturevalue(fixture)
    log = json.loads(sarif.write(doc, tmp_path).read_text(encoding="utf-8"))
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_schema_validation_catches_a_broken_log(template_doc: dict[str, Any]) -> None:
    log = sarif.build(template_doc)
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(_validator().iter_errors(log))


def test_rules_and_results(template_doc: dict[str, Any]) -> None:
    run = sarif.build(template_doc)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f["policy_id"] for f in template_doc["findings"]})
    by_id = {r["id"]: r for r in rules}
    iam = by_id["SES-IAM-001"]
    assert iam["shortDescription"]["text"] == "Sending IAM user with access keys can only send email"
    assert iam["defaultConfiguration"]["level"] == "error"
    assert iam["properties"]["security-severity"] == "9.5"
    assert "only the SES send actions" in iam["help"]["text"]
    assert "CloudFormation" in iam["help"]["markdown"]
    assert by_id["SES-CS-002"]["properties"]["security-severity"] == "5.5"
    assert by_id["SES-CS-002"]["defaultConfiguration"]["level"] == "warning"

    results = run["results"]
    failing = [f for f in template_doc["findings"] if f["status"] in ("fail", "error")]
    waived = [f for f in template_doc["findings"] if f["status"] == "waived"]
    assert len(results) == len(failing) + len(waived)
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    cs = next(r for r in results if r["properties"]["finding_id"] == "SES-CS-001::TransactionalSet")
    physical = cs["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "examples/templates/app.yaml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12}
    assert cs["level"] == "error"
    error = next(r for r in results if r["properties"]["status"] == "error")
    assert error["message"]["text"].startswith("ExampleDomain: Could not be evaluated")
    suppressed = next(r for r in results if r["properties"]["status"] == "waived")
    assert suppressed["suppressions"][0]["kind"] == "external"
    assert "2027-03-31" in suppressed["suppressions"][0]["justification"]
    assert len({r["partialFingerprints"]["sesguardFindingId/v1"] for r in results}) == len(results)


def test_live_results_have_logical_locations(live_doc: dict[str, Any]) -> None:
    results = sarif.build(live_doc)["runs"][0]["results"]
    quarantine = next(r for r in results if r["ruleId"] == "SES-IAM-008")
    assert "physicalLocation" not in quarantine["locations"][0]
    assert quarantine["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "arn:aws:iam::222222222222:user/ci-deploy"
    )
    band = next(r for r in results if r["ruleId"] == "SES-REP-001")
    assert band["level"] == "error" and band["properties"]["severity"] == "high"


def test_golden(template_doc: dict[str, Any], tmp_path: Path, golden: Callable[[str, str], None]) -> None:
    golden("template-run.sarif", sarif.write(template_doc, tmp_path).read_text(encoding="utf-8"))


def test_rules_link_the_policy_references_and_compliance(template_doc: dict[str, Any]) -> None:
    from sesguard.findings.build import policy_entry
    from sesguard.policies import load_policies

    template_doc["policies"] = {p.id: policy_entry(p) for p in load_policies()}
    rules = {r["id"]: r for r in sarif.build(template_doc)["runs"][0]["tool"]["driver"]["rules"]}
    tls = rules["SES-CS-002"]
    assert tls["helpUri"] == "https://docs.aws.amazon.com/ses/latest/dg/security-protocols.html"
    assert "AWS Security Hub SES.3" in tls["properties"]["tags"]
    assert "[Amazon SES and security protocols](https://docs.aws.amazon.com/" in tls["help"]["markdown"]
    assert "Also checks: AWS Security Hub SES.3" in tls["help"]["text"]
    # an old findings.json without the policies section still gets a helpUri (the catalog entry)
    del template_doc["policies"]
    rule = sarif.build(template_doc)["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["helpUri"].startswith(sarif.CATALOG_URI + "#ses-")


def test_every_result_in_a_file_has_a_region(template_doc: dict[str, Any]) -> None:
    row = next(r for r in template_doc["findings"] if r["status"] == "fail")
    row["resource"]["line"] = None  # a set-level row: the whole file
    results = sarif.build(template_doc)["runs"][0]["results"]
    physical = [r["locations"][0]["physicalLocation"] for r in results if "physicalLocation" in r["locations"][0]]
    assert physical and all(p["region"]["startLine"] >= 1 for p in physical)
    moved = next(r for r in results if r["properties"]["finding_id"] == row["id"])
    assert moved["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_messages_say_each_prefix_once(template_doc: dict[str, Any]) -> None:
    row = {
        "id": "SES-ID-003::ExampleDomain", "policy_id": "SES-ID-003", "status": "error",
        "message": "could not be evaluated: the domain is Ref DomainName",
        "resource": {"id": "ExampleDomain"},
    }  # fmt: skip
    assert sarif.message_text(row) == "ExampleDomain: Could not be evaluated: the domain is Ref DomainName"
    row["message"] = "ExampleDomain: could not be evaluated: the domain is Ref DomainName"
    assert sarif.message_text(row) == "ExampleDomain: Could not be evaluated: the domain is Ref DomainName"
    row.update(status="fail", message="DKIM is off")
    assert sarif.message_text(row) == "ExampleDomain: DKIM is off"
