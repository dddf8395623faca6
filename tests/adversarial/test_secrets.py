"""Credentials in templates (SES-IAM-009/010): a secret named by a sibling key is found, and a set
whose files were not all read is never vouched for. Each case was a false pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import FIXTURES, run_checks, statuses

FAKE_SECRETS = ("BPk3fakeFAKEfake0123456789abcdefghijklmnopQR", "wJalrFAKEfakeFAKE0123456789abcdefghijklm")
# ECS Environment Name/Value, tag Key/Value, StackSet ParameterKey/ParameterValue, Beanstalk
# OptionName/Value (CloudFormation); jsonencode and heredoc-JSON container definitions, setting and
# tag blocks (Terraform)
PAIRS = {
    "cfn": ("Environment.[0].Value", "Tags.[0].Value", "Parameters.[0].ParameterValue", "OptionSettings.[0].Value"),
    "tf": (
        "sender.container_definitions.environment.SMTP_PASSWORD",
        "sender_heredoc.container_definitions.environment.AWS_SECRET_ACCESS_KEY",
        "setting.SMTP_PASSWORD",
        "tag.aws_secret_access_key",
    ),
}


@pytest.mark.parametrize("kind", ["cfn", "tf"])
def test_values_named_by_their_sibling_are_found_and_masked(tmp_path: Path, kind: str) -> None:
    run = run_checks(tmp_path, "--templates", str(FIXTURES / "secrets_in_pairs" / kind), "-k", "SES-IAM-010")
    assert set(statuses(run, "SES-IAM-010").values()) == {"fail"}
    findings = run.reports["findings.json"]
    for field in PAIRS[kind]:
        assert field in findings
    assert findings.count('"masked": "********"') == len(PAIRS[kind])
    for secret in FAKE_SECRETS:
        assert secret not in run.everything()
    assert run.code == 1


@pytest.mark.parametrize("kind", ["cfn", "tf"])
def test_a_set_with_unread_files_is_not_vouched_for(tmp_path: Path, kind: str) -> None:
    run = run_checks(tmp_path, "--templates", str(FIXTURES / "secrets_unread" / kind), "-k", "SES-IAM-009 or SES-IAM-010")
    for policy in ("SES-IAM-009", "SES-IAM-010"):
        rows = [row for row in statuses(run, policy).values()]
        assert rows and set(rows) == {"error"}, (policy, rows)
    assert "not every file of the set was read: " in run.reports["findings.json"]
    assert run.code == 1
