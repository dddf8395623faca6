"""End to end: Terraform instances and local module calls as ``pytest checks/`` rows (fixture README)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "terraform" / "instances"

pytest_plugins = ("pytester",)

EXPECTED = {
    'SES-ID-005::infra:aws_sesv2_email_identity.domains["shop"]': "pass",
    'SES-ID-005::infra:aws_sesv2_email_identity.domains["news"]': "fail",
    "SES-CS-002::infra:module.transactional.aws_sesv2_configuration_set.this": "pass",
    "SES-CS-002::infra:module.marketing.aws_sesv2_configuration_set.this": "fail",
    'SES-CS-002::infra:module.env["prod"].aws_sesv2_configuration_set.this': "pass",
    'SES-CS-002::infra:module.env["staging"].aws_sesv2_configuration_set.this': "fail",
    "SES-IAM-001::infra:aws_iam_user.sender[0]": "pass",
    "SES-IAM-001::infra:aws_iam_user.sender[1]": "pass",
}


def test_instances_and_module_calls_are_rows_with_terraform_addresses(pytester: pytest.Pytester) -> None:
    shutil.copytree(FIXTURE, pytester.path / "infra")
    report_dir = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(REPO / "checks"), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
        "--templates", "infra", "--report-dir", str(report_dir), "-k", "SES-ID-005 or SES-CS-002 or SES-IAM-001",
    )
    assert result.ret == 1
    doc = json.loads((report_dir / "findings.json").read_text())
    rows = {row["id"]: row for row in doc["findings"]}
    assert {i: rows[i]["status"] for i in EXPECTED if i in rows} == EXPECTED
    # one row per call and per instance, none for the child folder read on its own defaults
    cs_rows = [i for i in rows if i.startswith("SES-CS-002::")]
    assert sorted(cs_rows) == sorted(i for i in EXPECTED if i.startswith("SES-CS-002::"))
    marketing = rows["SES-CS-002::infra:module.marketing.aws_sesv2_configuration_set.this"]
    assert marketing["resource"]["file"].endswith("modules/config_set/main.tf")
    assert "OPTIONAL" in marketing["message"]
    assert not any("#" in i for i in rows)
