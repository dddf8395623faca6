"""A Deny that cannot be fully read, in CloudFormation and in Terraform alike (issue 12): a Deny whose
NotAction is a parameter / variable without default makes the user's row an error (never a pass), a
Deny whose Condition differs between branches is judged branch by branch, and a user whose every send
action is denied gets no row. The CloudFormation fixture is the policy fixture
SES-IAM-001.deny-unresolved.yaml; tests/fixtures/iam_deny/unresolved/main.tf is its Terraform twin
(the same users under the same labels). Run as users run it: ``pytest checks/ --templates ...``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CFN = REPO / "tests" / "fixtures" / "cfn" / "policies" / "SES-IAM-001.deny-unresolved.yaml"
TF = REPO / "tests" / "fixtures" / "iam_deny" / "unresolved"

pytest_plugins = ("pytester",)

# user -> SES-IAM-001 verdict and the text its message must hold (the CloudFormation / Terraform name
# of the condition or the unreadable part)
EXPECTED = {
    "ErrorMaybeSendOnly": ("error", ("NotAction of a Deny is unknown", "NotAction of a Deny is unknown")),
    "ErrorSendOnlyInProdOnly": ("error", ("fails when IsDev is true", "fails when var.dev is true")),
    "FailDenyCannotReachS3": ("fail", ("in every branch", "in every branch")),
}


def test_an_unreadable_or_branching_deny_gives_the_same_verdicts_in_cfn_and_tf(
    pytester: pytest.Pytester,
) -> None:
    shutil.copy(CFN, pytester.path / "template.yaml")
    shutil.copytree(TF, pytester.path / "tf")
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(REPO / "checks"), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "-p", "no:randomly",
        "--tb=no", "-k", "SES-IAM-001", "--report-dir", str(out), "--templates", "template.yaml", "tf",
    )  # fmt: skip
    assert result.ret == 1, result.outlines[-20:]
    doc: dict[str, Any] = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {(r["resource"]["set"], r["resource"]["id"]): (r["status"], r["message"]) for r in doc["findings"]}
    expected_ids = {("template.yaml", u) for u in EXPECTED} | {("tf", f"aws_iam_user.{u}") for u in EXPECTED}
    assert set(rows) == expected_ids  # NotJudgedEverySendDenied: not a sending principal, no row
    for user, (status, (in_cfn, in_tf)) in EXPECTED.items():
        for key, text in ((("template.yaml", user), in_cfn), (("tf", f"aws_iam_user.{user}"), in_tf)):
            assert rows[key][0] == status, key
            assert text in rows[key][1], (key, rows[key][1])
