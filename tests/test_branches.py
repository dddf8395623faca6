"""Branch-wise evaluation of CloudFormation Conditions: a row passes when every branch passes, fails
when every branch fails, and is an error naming the failing branch only when they differ; conditions
decidable from parameter defaults are decided."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sesguard import run
from sesguard.branch_values import merge_values
from sesguard.conditions import Context, evaluate
from sesguard.model import Branches
from sesguard.policies import load_policies
from sesguard.sources.cfn import read_cloudformation

TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "cfn" / "branches" / "template.yaml"


def _rows(path: Path) -> dict[str, tuple[str, str]]:
    inventory = read_cloudformation(path, "set")
    assert inventory.errors == []
    policies = [p for p in load_policies() if p.id in ("SES-CS-002", "SES-CS-003", "SES-MON-001", "SES-MON-002")]
    rows = run.evaluate(inventory, policies).findings
    return {f"{r.policy_id}::{r.resource.id}": (r.status, r.message) for r in rows}


def test_every_branch_decides() -> None:
    rows = _rows(TEMPLATE)
    assert rows["SES-CS-002::BothComply"][0] == "pass"  # REQUIRE / Require
    status, message = rows["SES-CS-002::BothFail"]
    assert status == "fail"  # OPTIONAL / absent (default OPTIONAL)
    status, message = rows["SES-CS-002::Differ"]
    assert status == "error"
    assert "fails when IsProd is false" in message and "passes when IsProd is true" in message
    # Strict is decided by Mode's default (strict): reputation metrics are on, not "depends".
    assert rows["SES-CS-003::BothComply"][0] == "pass"
    assert rows["SES-MON-001::set"][0] == "pass"  # 0.02 / 0.05: both at most 0.05
    status, message = rows["SES-MON-002::set"]
    assert status == "error" and "fails when IsProd is false" in message  # no action in dev


def test_conditions_decided_by_defaults_remove_resources(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(
        "Parameters: {Stage: {Type: String, Default: dev}}\n"
        "Conditions: {IsProd: !Equals [!Ref Stage, prod], IsDev: !Not [{Condition: IsProd}]}\n"
        "Resources:\n"
        "  ProdSet: {Type: AWS::SES::ConfigurationSet, Condition: IsProd, "
        "Properties: {DeliveryOptions: {TlsPolicy: OPTIONAL}}}\n"
        "  DevSet: {Type: AWS::SES::ConfigurationSet, Condition: IsDev, "
        "Properties: {DeliveryOptions: {TlsPolicy: !If [IsProd, OPTIONAL, REQUIRE]}}}\n"
    )
    rows = _rows(template)
    assert "SES-CS-002::ProdSet" not in rows  # not created with the default Stage
    assert rows["SES-CS-002::DevSet"][0] == "pass"


def test_a_fail_in_every_branch_says_so_and_an_unknown_branch_stays_unknown() -> None:
    tls = Branches("differs", options=(("A", "OPTIONAL"), ("B", "NONE")), prop="tls_policy")
    leaf = {"path": "tls_policy", "op": "eq", "value": "REQUIRE"}
    outcome = evaluate(leaf, {"tls_policy": tls}, Context({}, "cfn"))
    assert outcome.value is False and "in every branch (A, B)" in outcome.reasons[0]
    from sesguard.model import Unknown

    half = Branches("differs", options=(("A", "REQUIRE"), ("B", Unknown("x"))), prop="tls_policy")
    assert evaluate(leaf, {"tls_policy": half}, Context({}, "cfn")).value is None
    # Copied under another name (a derived fact), it is a plain Unknown: never judged branch by branch.
    assert evaluate({"path": "other", "op": "eq", "value": "REQUIRE"}, {"other": half}, Context({}, "cfn")).value is None


def test_merge_values() -> None:
    same: Any = merge_values([("A", {"x": 1, "y": [1]}), ("B", {"x": 1, "y": [1]})], "")
    assert same == {"x": 1, "y": [1]}
    differ = merge_values([("A", {"x": 1, "y": 2}), ("B", {"x": 1, "y": 3})], "")
    assert differ["x"] == 1 and isinstance(differ["y"], Branches) and differ["y"].prop == "y"
