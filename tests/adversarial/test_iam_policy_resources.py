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


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        pytest.param(
            "cfn_iam_across_files",
            {
                "SmtpUser": "fail",  # a UserPolicy of another file names it
                "Member": "fail",  # a UserToGroupAddition of another file adds it to a group allowing *
                "NestedSender": "fail",  # named by its parent stack, granted * by a third file
                "UnnamedSender": "error",  # its name is unknown: it may be the one named elsewhere
            },
            id="cfn",
        ),
        pytest.param(
            "tf_iam_across_modules",
            {
                "aws_iam_user.smtp": "fail",
                "aws_iam_user.member": "fail",  # aws_iam_user_group_membership in the other root
                'module.team["a"].aws_iam_user.this': "fail",  # a for_each module instance, named there
                'module.team["b"].aws_iam_user.this': "error",  # a policy for var.target_user may be its
            },
            id="tf",
        ),
    ],
)
def test_the_set_is_the_unit(tmp_path: Path, fixture: str, expected: dict[str, str]) -> None:
    run = run_checks(tmp_path, "--templates", str(FIXTURES / fixture), "-k", "SES-IAM-001")
    found = statuses(run, "SES-IAM-001")
    assert {row: found.get(f"SES-IAM-001::{row}") for row in expected} == expected
    assert "it may be this one" in run.reports["findings.json"]
    assert run.code == 1


def test_a_deny_behind_a_condition_does_not_restrict(tmp_path: Path) -> None:
    run = run_checks(tmp_path, "--templates", str(FIXTURES / "cfn_conditioned_deny"), "-k", "SES-IAM-003")
    found = statuses(run, "SES-IAM-003")
    assert found == {
        "SES-IAM-003::OffByDefault": "fail",  # false with the defaults: the Deny is not created
        "SES-IAM-003::ProdOnly": "error",  # a free condition: the group's Deny exists in one branch only
        "SES-IAM-003::ManyConditions": "error",  # more free conditions than are read branch-wise
        "SES-IAM-003::CrossFile": "error",  # the Deny is in another file, behind a free condition there
    }
    findings = run.reports["findings.json"]
    assert "fails when InEurope is false in " in findings  # decided branch-wise, the branch named
    assert "OfficeOnly is created only when condition HasA is true" in findings
    assert run.code == 1


def test_a_deny_that_may_not_exist_does_not_restrict_tf(tmp_path: Path) -> None:
    run = run_checks(tmp_path, "--templates", str(FIXTURES / "tf_conditioned_deny"), "-k", "SES-IAM-003")
    assert statuses(run, "SES-IAM-003") == {
        "SES-IAM-003::aws_iam_user.smtp": "error",  # count = var.lockdown ? 1 : 0, read branch-wise
        "SES-IAM-003::aws_iam_user.smtp_counted": "error",  # count = var.replicas: it may not exist
    }
    findings = run.reports["findings.json"]
    assert "fails when var.lockdown is false" in findings
    assert "aws_iam_user_policy.office_only_counted exists only if its count/for_each" in findings
    assert run.code == 1
