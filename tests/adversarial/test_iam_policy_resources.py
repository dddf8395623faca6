"""IAM policy resources of every type attach to their principals, across every file of a set; a
policy that may not exist proves nothing. Each case was a false pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import FIXTURES, run_checks, statuses

CFN_USERS = ("ViaUserPolicy", "ViaGroupPolicy", "ViaPolicy", "ViaManagedPolicy")
TF_USERS = ("via_user_policy", "via_group_policy", "via_attachment", "via_shared_attachment")


@pytest.mark.parametrize(
    ("fixture", "rows"),
    [
        pytest.param("cfn_policy_types", [f"SES-IAM-001::{u}" for u in CFN_USERS], id="cfn"),
        pytest.param("tf_policy_types", [f"SES-IAM-001::aws_iam_user.{u}" for u in TF_USERS], id="tf"),
    ],
)
def test_every_policy_resource_type_is_attached(tmp_path: Path, fixture: str, rows: list[str]) -> None:
    run = run_checks(tmp_path, "--templates", str(FIXTURES / fixture), "-k", "SES-IAM-001")
    found = statuses(run, "SES-IAM-001")
    assert {row: found.get(row) for row in rows} == dict.fromkeys(rows, "fail")
    assert "beyond the five SES send actions: ['*']" in run.output
    assert run.code == 1
