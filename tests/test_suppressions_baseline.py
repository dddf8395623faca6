"""Inline suppressions (CloudFormation Metadata, Terraform comments), the baseline, --soft-fail, --output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sesguard.suppressions import Suppression, cloudformation, terraform

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"
EXAMPLES = REPO / "examples" / "templates"
SESGUARD = Path(sys.executable).with_name("sesguard")

pytest_plugins = ("pytester",)

SUPPRESSED = """\
Metadata:
  sesguard:
    skip:
      - id: SES-IAM-010
        reason: test fixture keys, revoked (SEC-7)
Resources:
  MarketingSet:
    Type: AWS::SES::ConfigurationSet
    Metadata:
      sesguard:
        skip:
          - id: SES-CS-001
            reason: events go to the shared pipeline (TICKET-9)
          - id: SES-CS-002
          - id: SES-ID-003
            reason: not a policy of this resource
"""

TF = """\
resource "aws_sesv2_configuration_set" "main" { # sesguard:skip=SES-CS-002:TLS ends at the relay (NET-4)
  configuration_set_name = "main"
  # sesguard:skip=SES-CS-001:events are read from the archive (OPS-2)
}

resource "aws_sesv2_configuration_set" "other" {
  configuration_set_name = "other"
}
# sesguard:skip=SES-VDM-001
"""


def _marketing(folder: Path) -> Path:
    text = (EXAMPLES / "marketing-mail.yaml").read_text()
    text = text.replace("Resources:\n  MarketingSet:\n    Type: AWS::SES::ConfigurationSet\n", SUPPRESSED, 1)
    path = folder / "m.yaml"
    path.write_text(text)
    return path


def test_cloudformation_metadata_suppressions_with_their_lines(tmp_path: Path) -> None:
    path = _marketing(tmp_path)
    found = {(s.policy, s.resource, s.reason) for s in cloudformation(path, "m.yaml")}
    assert found == {
        ("SES-IAM-010", None, "test fixture keys, revoked (SEC-7)"),
        ("SES-CS-001", "MarketingSet", "events go to the shared pipeline (TICKET-9)"),
        ("SES-CS-002", "MarketingSet", ""),
        ("SES-ID-003", "MarketingSet", "not a policy of this resource"),
    }
    lines = path.read_text().splitlines()
    for suppression in cloudformation(path, "m.yaml"):
        assert suppression.policy in lines[suppression.line - 1]


def test_terraform_comment_suppressions_belong_to_their_block(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text(TF)
    assert terraform(path, "main.tf") == [
        Suppression("SES-CS-002", "main.tf", 1, "aws_sesv2_configuration_set.main", "TLS ends at the relay (NET-4)"),
        Suppression("SES-CS-001", "main.tf", 3, "aws_sesv2_configuration_set.main", "events are read from the archive (OPS-2)"),
        Suppression("SES-VDM-001", "main.tf", 9, None, ""),
    ]  # fmt: skip


def _run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "--report-dir", str(out), "-rx", *args
    )
    return result, json.loads((out / "findings.json").read_text())


def test_suppressed_rows_are_waived_with_file_and_line_and_problems_are_reported(pytester: pytest.Pytester) -> None:
    _marketing(pytester.path)
    (pytester.path / "main.tf").write_text(TF)
    result, doc = _run(pytester, "--templates", "m.yaml", "main.tf")
    rows = {r["id"]: r for r in doc["findings"]}
    cs = rows["SES-CS-001::m.yaml:MarketingSet"]
    assert cs["status"] == "waived" and cs["waiver"]["kind"] == "inline"
    assert cs["waiver"]["origin"].startswith("m.yaml:") and "TICKET-9" in cs["waiver"]["reason"]
    assert rows["SES-IAM-010::m.yaml"]["status"] == "waived"  # template-level Metadata: the file's set rows
    assert rows["SES-CS-002::aws_sesv2_configuration_set.main"]["status"] == "waived"
    assert rows["SES-CS-001::aws_sesv2_configuration_set.main"]["status"] == "waived"
    assert rows["SES-CS-001::aws_sesv2_configuration_set.other"]["status"] == "fail"
    # no reason: suppresses nothing, and says so
    assert rows["SES-CS-002::m.yaml:MarketingSet"]["status"] in ("fail", "error")
    states = {(w["policy_id"], w["resource"]): w["state"] for w in doc["waivers"]}
    assert states[("SES-CS-002", "m.yaml:MarketingSet")] == "invalid"
    assert states[("SES-ID-003", "MarketingSet")] == "unused"
    result.stdout.fnmatch_lines(
        [
            "*invalid suppression: SES-CS-002::m.yaml:MarketingSet (m.yaml:*): a reason is required; it suppresses nothing",
            "*unused suppression: SES-ID-003::MarketingSet (m.yaml:*",
            "XFAIL*SES-CS-001::m.yaml:MarketingSet* - waived by m.yaml:* (inline): events go to the shared pipeline*",
        ]
    )


def test_baseline_fails_only_new_findings(pytester: pytest.Pytester) -> None:
    shutil.copyfile(EXAMPLES / "marketing-mail.yaml", pytester.path / "m.yaml")
    result, doc = _run(pytester, "--templates", "m.yaml", "--create-baseline", "base.json")
    assert result.ret == 1
    baseline = json.loads((pytester.path / "base.json").read_text())
    failing = {r["id"] for r in doc["findings"] if r["status"] == "fail"}
    assert set(baseline["rows"]) == failing and baseline["format"] == "sesguard-baseline"
    errors = {r["id"] for r in doc["findings"] if r["status"] == "error"}
    # the same estate against its baseline: only the error rows (never baselined) still fail
    result, doc = _run(pytester, "--templates", "m.yaml", "--baseline", "base.json")
    rows = {r["id"]: r for r in doc["findings"]}
    assert {i for i, r in rows.items() if r["status"] == "waived"} == failing
    assert {i for i, r in rows.items() if r["status"] in ("fail", "error")} == errors
    result.stdout.fnmatch_lines([f"*baseline: {len(failing)} active*"])
    # a new finding fails
    text = (pytester.path / "m.yaml").read_text().replace("Resources:\n", (
        "Resources:\n  NewSet:\n    Type: AWS::SES::ConfigurationSet\n    Properties: {Name: fresh}\n"), 1)
    (pytester.path / "m.yaml").write_text(text)
    result, doc = _run(pytester, "--templates", "m.yaml", "--baseline", "base.json")
    assert result.ret == 1
    assert {r["id"] for r in doc["findings"] if r["status"] == "fail" and r["id"].endswith(":NewSet")}


def test_a_bad_baseline_is_a_usage_error(pytester: pytest.Pytester) -> None:
    shutil.copyfile(EXAMPLES / "transactional-mail.yaml", pytester.path / "t.yaml")
    (pytester.path / "base.json").write_text('{"format": "something-else"}')
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "--templates", "t.yaml", "--baseline", "base.json"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*base.json: not a sesguard-baseline version 1 file"])
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "--templates", "t.yaml", "--baseline", "missing.json"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_soft_fail_reports_everything_and_exits_0(pytester: pytest.Pytester) -> None:
    shutil.copyfile(EXAMPLES / "marketing-mail.yaml", pytester.path / "m.yaml")
    result, doc = _run(pytester, "--templates", "m.yaml", "--soft-fail")
    assert result.ret == 0
    assert doc["summary"]["verdict"] == "non-compliant"
    result.stdout.fnmatch_lines(["*verdict: non-compliant (*) (--soft-fail: exit code 0)"])
    # usage errors are still usage errors
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "--templates", "nope.yaml", "--soft-fail"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR


@pytest.mark.parametrize("fmt", ["json", "sarif", "asff", "ocsf"])
def test_output_prints_one_machine_readable_report_on_stdout(tmp_path: Path, fmt: str) -> None:
    shutil.copyfile(EXAMPLES / "marketing-mail.yaml", tmp_path / "m.yaml")
    result = subprocess.run(
        [str(SESGUARD), "iac", "m.yaml", "--report-dir", "out", "-o", fmt], cwd=tmp_path, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    data = json.loads(result.stdout)  # nothing but the report on stdout
    if fmt == "json":
        assert data["format"] == "sesguard-findings"
    elif fmt == "sarif":
        assert data["version"] == "2.1.0" and data["runs"][0]["results"]
    elif fmt == "ocsf":
        assert data and all(e["class_uid"] == 2003 for e in data)
    else:
        assert data == []  # Security Hub findings need an account: templates have none
    assert "test session starts" in result.stderr
    assert (tmp_path / "out" / "findings.json").exists()


def test_output_is_printed_when_a_bad_policy_file_made_the_run_exit_4(tmp_path: Path) -> None:
    """The other policies ran and their findings were written: ``-o`` prints them (the exit code still
    says the input was bad); a run that wrote nothing prints nothing."""
    shutil.copyfile(EXAMPLES / "marketing-mail.yaml", tmp_path / "m.yaml")
    policies = tmp_path / "policies"
    shutil.copytree(REPO / "policies", policies)
    (policies / "SES-CS-001.yaml").write_text("id: SES-CS-001\ntitle: [unclosed\n")
    command = [str(SESGUARD), "iac", "m.yaml", "--report-dir", "out", "-o", "json"]
    command += ["--policies", str(policies)]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 4, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert [p["file"] for p in data["input_problems"]] == ["policies/SES-CS-001.yaml"]
    assert data["findings"] and "SES-CS-001" not in {row["policy_id"] for row in data["findings"]}
    command[2] = "nope.yaml"
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert again.returncode == 4 and again.stdout == ""  # no run: the old findings.json is not printed
