"""Explicit Deny as AWS evaluates it gives the same verdicts from CloudFormation, Terraform (.tf),
plan JSON and a live account (users built through boto3 on the local endpoint):
tests/fixtures/iam_deny/cases.json lists each user's statements and its expected verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory
from sesguard.policies import load_policies
from sesguard.run import evaluate
from sesguard.sources.cfn import read_cloudformation
from sesguard.sources.terraform import read_terraform

from .live_support import HOME, Scan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "iam_deny"
USERS: list[dict[str, Any]] = json.loads((FIXTURE / "cases.json").read_text())["users"]
POLICIES = ("SES-IAM-001", "SES-IAM-002", "SES-IAM-003")
EXPECTED = {(user["name"], policy): status for user in USERS for policy, status in user["expect"].items()}


def _verdicts(inventory: Inventory) -> dict[tuple[str, str], str]:
    policies = [p for p in load_policies() if p.id in POLICIES]
    rows = evaluate(inventory, policies).findings
    return {(str(r.resource.props.get("name")), r.policy_id): r.status for r in rows if r.resource.props}


@pytest.mark.parametrize("source", ["cfn", "tf", "plan"])
def test_deny_verdicts_from_templates(source: str) -> None:
    if source == "cfn":
        inventory = read_cloudformation(FIXTURE / "template.yaml", "deny")
    else:
        inventory = read_terraform(FIXTURE / ("tf" if source == "tf" else "plan.json"), "deny")
    assert inventory.errors == []
    assert _verdicts(inventory) == EXPECTED


def test_deny_verdicts_live(endpoint: LocalEndpoint, scan: Scan) -> None:
    iam = endpoint.client("iam", HOME)
    for user in USERS:
        iam.create_user(UserName=user["name"])
        document = {"Version": "2012-10-17", "Statement": user["statements"]}
        iam.put_user_policy(UserName=user["name"], PolicyName="ses", PolicyDocument=json.dumps(document))
        iam.create_access_key(UserName=user["name"])
    inventory = scan(regions=[HOME])
    assert inventory.errors == []
    assert _verdicts(inventory) == EXPECTED
