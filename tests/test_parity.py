"""Parity: the same SES setup as CloudFormation and as Terraform (.tf and plan JSON) normalizes to the
same properties and gets the same verdict from every policy that applies to both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sesguard.model import Inventory, Resource, is_unknown
from sesguard.policies import load_policies
from sesguard.run import derive, evaluate
from sesguard.sources.cfn import read_cloudformation
from sesguard.sources.terraform import read_terraform

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CFN = FIXTURES / "cfn" / "parity" / "template.yaml"
TF_SOURCES = {
    "tf": FIXTURES / "terraform" / "parity",
    "plan": FIXTURES / "terraform" / "plan" / "parity.json",
}
# Properties that name each source's own files and addresses.
SOURCE_SPECIFIC = {"file", "line", "id"}
# Plan JSON cannot show how many alarm actions a list of not-yet-created topics has: Unknown there,
# so the alarm policy gives `error` (never a pass) on the plan where the module gives `pass`.
PLAN_LIMITS = {("SES-MON-001", "account", "set"): "error"}


def _inventory(kind: str) -> Inventory:
    inventory = read_cloudformation(CFN, "parity") if kind == "cfn" else read_terraform(TF_SOURCES[kind], "parity")
    inventory = derive(inventory)
    return inventory


def _name(resource: Resource) -> str:
    props = resource.props
    return str(props.get("name") or props.get("identity") or resource.type)


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in SOURCE_SPECIFIC}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _by_name(inventory: Inventory) -> dict[tuple[str, str], Resource]:
    return {(r.type, _name(r)): r for r in inventory.resources}


@pytest.mark.parametrize("kind", sorted(TF_SOURCES))
def test_same_setup_normalizes_to_the_same_properties(kind: str) -> None:
    cfn, tf = _by_name(_inventory("cfn")), _by_name(_inventory(kind))
    assert set(cfn) == set(tf)
    for key, resource in cfn.items():
        left, right = dict(resource.props), dict(tf[key].props)
        if key[0] == "account":
            left.pop("ses_resource_count"), right.pop("ses_resource_count")
            if kind == "plan":
                assert all(is_unknown(alarm["actions"]) for alarm in right["alarms"])
                left["alarms"] = [{**a, "actions": None} for a in left["alarms"]]
                right["alarms"] = [{**a, "actions": None} for a in right["alarms"]]
        if key[0] == "template_set":
            left.pop("files", None), right.pop("files", None)
        assert _comparable(left) == _comparable(right), key


@pytest.mark.parametrize("kind", sorted(TF_SOURCES))
def test_same_setup_gets_the_same_verdicts(kind: str) -> None:
    policies = [p for p in load_policies() if {"cfn", "tf"} <= set(p.sources)]
    verdicts = {}
    for source in ("cfn", kind):
        inventory = _inventory(source)
        rows = evaluate(inventory, policies).findings
        verdicts[source] = {
            (row.policy_id, row.resource.type, _name(row.resource) if row.key != "parity" else "set"): row.status
            for row in rows
        }
    expected = {**verdicts["cfn"], **(PLAN_LIMITS if kind == "plan" else {})}
    assert verdicts[kind] == expected
    # the setup is not trivially compliant: both sources agree on real failures
    assert {"pass", "fail"} <= set(verdicts["cfn"].values())
