"""Security Hub (ASFF) and OCSF exports: valid by the documented shapes, one finding per failing row."""

from __future__ import annotations

from typing import Any

import botocore.session
import jsonschema
import pytest
from botocore.validate import ParamValidator

from sesguard.findings.build import policy_entry
from sesguard.policies import load_policies
from sesguard.reports import asff, ocsf


@pytest.fixture
def live(live_doc: dict[str, Any]) -> dict[str, Any]:
    live_doc["policies"] = {p.id: policy_entry(p) for p in load_policies()}
    return live_doc


def _import_shape() -> Any:
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def test_asff_findings_are_valid_batch_import_findings_input(live: dict[str, Any]) -> None:
    findings = asff.build(live)
    report = ParamValidator().validate({"Findings": findings}, _import_shape())
    assert not report.has_errors(), report.generate_report()
    # one per failing, error or waived live row
    rows = [r for r in live["findings"] if r["status"] in ("fail", "error", "waived")]
    assert len(findings) == len(rows) and len({f["Id"] for f in findings}) == len(findings)
    for f in findings:  # the documented limits botocore's model does not carry
        assert len(f["Title"]) <= 256 and len(f["Description"]) <= 1024 and len(f["Id"]) <= 512
        assert f["ProductArn"] == f"arn:aws:securityhub:{f['Region']}:{f['AwsAccountId']}:product/{f['AwsAccountId']}/default"


def test_asff_carries_remediation_arn_and_compliance(live: dict[str, Any]) -> None:
    by_row = {f["ProductFields"]["sesguard/RowId"]: f for f in asff.build(live)}
    key = by_row["SES-IAM-004::111111111111/smtp-legacy"]
    assert key["Resources"][0]["Type"] == "AwsIamUser"
    assert key["Resources"][0]["Id"].startswith("arn:aws:iam::111111111111:user/")
    assert key["Severity"]["Label"] == "HIGH" and key["Compliance"]["Status"] == "FAILED"
    assert "AWS Security Hub IAM.3" in key["Compliance"]["RelatedRequirements"]
    assert key["Remediation"]["Recommendation"]["Url"].startswith("https://docs.aws.amazon.com/")
    assert key["Region"] == "eu-west-1"  # a global IAM row goes to the account's first scanned region
    waived = [f for f in by_row.values() if f["Workflow"]["Status"] == "SUPPRESSED"]
    assert waived and all(f["Note"]["Text"].startswith("waived: ") for f in waived)


def test_asff_leaves_out_template_rows(template_doc: dict[str, Any]) -> None:
    assert asff.build(template_doc) == []


def test_asff_validation_catches_a_missing_required_field(live: dict[str, Any]) -> None:
    findings = asff.build(live)
    del findings[0]["AwsAccountId"]
    assert ParamValidator().validate({"Findings": findings}, _import_shape()).has_errors()


# OCSF 1.1.0 Compliance Finding: the attributes the schema marks required (base event, Finding
# category, Compliance Finding class), from https://schema.ocsf.io/1.1.0/classes/compliance_finding
OCSF_REQUIRED = {
    "type": "object",
    "required": ["activity_id", "category_uid", "class_uid", "type_uid", "time", "severity_id", "metadata",
                 "finding_info", "compliance"],
    "properties": {
        "activity_id": {"enum": [0, 1, 2, 3, 99]},
        "category_uid": {"const": 2},
        "class_uid": {"const": 2003},
        "type_uid": {"const": 200301},
        "time": {"type": "integer", "minimum": 1},
        "severity_id": {"enum": [0, 1, 2, 3, 4, 5, 6, 99]},
        "status_id": {"enum": [0, 1, 2, 3, 4, 99]},
        "metadata": {
            "type": "object", "required": ["version", "product"],
            "properties": {"product": {"type": "object", "required": ["vendor_name"]}},
        },
        "finding_info": {"type": "object", "required": ["uid", "title"]},
        "compliance": {
            "type": "object", "required": ["standards"],
            "properties": {"standards": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                           "status_id": {"enum": [0, 1, 2, 3, 99]}},
        },
        "resources": {"type": "array", "items": {"type": "object"}},
    },
}  # fmt: skip


@pytest.mark.parametrize("fixture", ["live", "template_doc"])
def test_ocsf_events_have_the_required_attributes(fixture: str, request: pytest.FixtureRequest) -> None:
    doc = request.getfixturevalue(fixture)
    events = ocsf.build(doc)
    rows = [r for r in doc["findings"] if r["status"] in ("fail", "error", "waived")]
    assert len(events) == len(rows)
    validator = jsonschema.Draft202012Validator(OCSF_REQUIRED)
    for event in events:
        errors = list(validator.iter_errors(event))
        assert not errors, [e.message for e in errors]


def test_ocsf_names_the_control_standards_and_resource(live: dict[str, Any]) -> None:
    events = {e["finding_info"]["uid"]: e for e in ocsf.build(live)}
    key = events["SES-IAM-004::111111111111/smtp-legacy"]
    assert key["compliance"]["control"] == "SES-IAM-004" and key["compliance"]["status"] == "Fail"
    assert key["compliance"]["standards"][0] == ocsf.CATALOG and "AWS Security Hub" in key["compliance"]["standards"]
    assert key["resources"][0]["uid"].startswith("arn:aws:iam::111111111111:user/")
    assert key["cloud"]["account"]["uid"] == "111111111111" and key["severity"] == "High"


def test_the_markdown_report_shows_the_compliance_mapping(live: dict[str, Any]) -> None:
    from sesguard.reports import markdown

    text = markdown.render(live)
    assert "Also checks: AWS Security Hub IAM.3; AWS Config managed rule access-keys-rotated" in text


def test_the_html_report_carries_the_compliance_mapping(live: dict[str, Any]) -> None:
    from sesguard.reports import html

    data = html.view(live, [])
    assert data["policies"]["SES-IAM-004"]["compliance"][0] == "AWS Security Hub IAM.3"
    assert data["policies"]["SES-IAM-004"]["references"][0]["url"].startswith("https://docs.aws.amazon.com/")
