"""The scanner is read-only, and the shipped IAM policy is exactly what it calls (it cannot drift)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.client
import pytest

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory
from sesguard.sources.live.permissions import is_read_only, policy_actions
from sesguard.sources.live.session import IAM_PREFIX, iam_action

from .live_support import (
    HOME,
    OTHER,
    Scan,
    build_small_account,
    caller_statements,
    create_scan_role,
    readonly_statement,
    scanner_user,
)

B = "222222222222"


class Recorder:
    """Records every API call any botocore client makes, independently of the scanner's own counter."""

    def __init__(self) -> None:
        self.active = False
        self.calls: set[str] = set()

    def run(self, scan: Scan, **options: Any) -> Inventory:
        self.active = True
        try:
            return scan(**options)
        finally:
            self.active = False


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    found = Recorder()
    original = botocore.client.BaseClient._make_api_call

    def record(self: Any, operation_name: str, api_params: Any) -> Any:
        if found.active:
            found.calls.add(f"{IAM_PREFIX[self.meta.service_model.service_name]}:{operation_name}")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    yield found


def _clean(inventory: Inventory) -> None:
    assert inventory.errors == []
    assert inventory.meta["live"]["read_failures"] == []


def test_full_scans_call_exactly_the_policy_actions_and_only_reads(
    endpoint: LocalEndpoint,
    scan: Scan,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_small_account(endpoint)
    cloudwatch = endpoint.client("cloudwatch", HOME)
    for i in range(101):  # past one DescribeAlarms page: the per-metric path
        cloudwatch.put_metric_alarm(
            AlarmName=f"other-{i:03d}",
            Namespace="AWS/SES",
            MetricName="Send",
            Statistic="Sum",
            Period=3600,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
    endpoint.client("organizations", HOME).create_organization(FeatureSet="ALL")
    create_scan_role(endpoint, B)
    create_scan_role(endpoint, "123456789012")
    # The scanning user holds exactly the shipped policy, and IAM is enforced.
    scanner_user(endpoint, [readonly_statement(), *caller_statements()], monkeypatch)
    endpoint.enforce_iam(True)
    counted: set[str] = set()

    every_region = recorder.run(scan, regions=["all"], dns=True, resolver=lambda name: [])
    _clean(every_region)
    assert len(every_region.meta["live"]["regions"]["123456789012"]) > 10
    counted |= set(every_region.meta["api_calls"])

    organization = recorder.run(
        scan, regions=[HOME, OTHER], organization=True, accounts=[B], assume_role="sesguard-readonly"
    )
    assert organization.meta["live"]["accounts"] == ["123456789012", B]
    _clean(organization)
    counted |= set(organization.meta["api_calls"])

    # The credential report unavailable: per-user calls.
    endpoint.inject_fault("iam", "GenerateCredentialReport", kind="access-denied")
    fallback = recorder.run(scan, regions=[HOME])
    assert fallback.errors == []
    counted |= set(fallback.meta["api_calls"])

    called = {iam_action(key) for key in counted}
    assert called == recorder.calls
    assert sorted(a for a in called if not is_read_only(a)) == []
    assert called == policy_actions()


def test_mutating_names_are_not_read_only() -> None:
    for action in ("ses:PutAccountDetails", "iam:CreateAccessKey", "sts:AssumeRoleWithSAML", "ses:SendEmail"):
        assert not is_read_only(action)
    for action in ("ses:GetAccount", "iam:GenerateCredentialReport", "sts:AssumeRole", "ec2:DescribeRegions"):
        assert is_read_only(action)
