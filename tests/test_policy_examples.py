"""Every policy's own examples, run through the real loader and engine (docs examples are tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from sesguard.engine import evaluate_pair, in_scope
from sesguard.model import Location, Resource, SetRef
from sesguard.policies import Policy, load_policies
from sesguard.snapshot import _decode

POLICIES = load_policies()
CASES = [(p, e) for p in POLICIES for e in p.examples]


def _outcome(policy: Policy, example: Mapping[str, Any]) -> tuple[str, str, str]:
    source = example.get("source", policy.sources[0])
    resource = Resource(
        type=policy.resource,
        id="example",
        location=Location(file="example.yaml", line=1),
        set_ref=SetRef(source, "example"),
        props=_decode(example["props"]),
    )
    params = {**policy.defaults(), **example.get("params", {})}
    if not in_scope(policy, resource, params):
        return "out_of_scope", policy.severity, ""
    finding = evaluate_pair(policy, resource, params)
    return finding.status, finding.severity, finding.message


@pytest.mark.parametrize(("policy", "example"), CASES, ids=[f"{p.id}::{e['name']}" for p, e in CASES])
def test_policy_example(policy: Policy, example: dict[str, Any]) -> None:
    status, severity, message = _outcome(policy, example)
    assert status == example["expect"], f"{policy.file}: example {example['name']!r}: got {status}: {message}"
    if "severity" in example:
        assert severity == example["severity"]
    if status in ("fail", "error", "skip"):
        assert message, "a non-passing row must explain itself"


@pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
def test_every_policy_has_a_passing_and_a_failing_example(policy: Policy) -> None:
    outcomes = {_outcome(policy, e)[0] for e in policy.examples}
    assert {"pass", "fail"} <= outcomes, f"{policy.file}: needs at least one passing and one failing example"
