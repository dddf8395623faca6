"""End to end: the demo account, read by the live reader as its read-only auditor, gives the demo's verdicts."""

from __future__ import annotations

import pytest
from demo_expected import EXPECTED

from sesguard.local import LocalEndpoint
from sesguard.local.demo import REGIONS, build_demo
from sesguard.policies import load_policies
from sesguard.run import evaluate

from .live_support import Scan


def test_demo_verdicts(endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch) -> None:
    demo = build_demo(endpoint.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", demo.auditor_access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", demo.auditor_secret_access_key)
    endpoint.enforce_iam(True)
    inventory = scan(regions=list(REGIONS))
    assert inventory.errors == []
    assert inventory.meta["live"]["read_failures"] == []
    policies = load_policies()
    findings = evaluate(inventory, policies).findings
    outcomes = {}
    for finding in findings:
        resource = finding.resource
        if resource.type == "iam_principal":
            where, name = "global", resource.props.get("name")
        else:
            where, name = (
                str(resource.location.region),
                "account" if resource.type == "account" else resource.id,
            )
        outcomes[(finding.policy_id, where, name)] = finding.status
    wrong = [
        (policy, where, name, expected, outcomes.get((policy, where, name)))
        for policy, where, name, expected in EXPECTED
        if outcomes.get((policy, where, name)) != expected
    ]
    assert wrong == []
