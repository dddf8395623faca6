"""Unused regions are quiet: alarm and VDM rows skip where the account has no identity and sent nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory
from sesguard.policies import load_policies
from sesguard.run import evaluate

from .live_support import ACCOUNT, HOME, OTHER, Scan

QUIET_POLICIES = {"SES-MON-001", "SES-MON-002", "SES-VDM-001"}


def _rows(inventory: Inventory, region: str) -> dict[str, tuple[str, str]]:
    policies = [p for p in load_policies() if p.resource == "account"]
    findings = evaluate(inventory, policies).findings
    return {
        f.policy_id: (f.status, f.message) for f in findings if f.resource.set_name == f"{ACCOUNT}/{region}"
    }


def test_unused_region_skips_alarm_and_vdm_rows_unless_strict(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.client("sesv2", HOME).create_email_identity(EmailIdentity="example.com")
    cloudwatch = endpoint.client("cloudwatch", OTHER)  # eu-west-1: no identity, but mail was sent
    sent = datetime.now(UTC) - timedelta(days=2)
    cloudwatch.put_metric_data(Namespace="AWS/SES", MetricData=[{"MetricName": "Send", "Timestamp": sent, "Value": 3}])
    inventory = scan(regions=[HOME, OTHER, "ap-southeast-2"])
    assert inventory.errors == []
    quiet = _rows(inventory, "ap-southeast-2")
    for policy in QUIET_POLICIES:
        status, message = quiet[policy]
        assert status == "skip" and "--all-regions-strict" in message, (policy, message)
    assert quiet["SES-ACCT-001"][0] == "pass"  # enforcement status matters everywhere
    for region in (HOME, OTHER):  # identities, or mail sent without one: judged
        assert {p: s for p, (s, _) in _rows(inventory, region).items() if p in QUIET_POLICIES} == dict.fromkeys(
            QUIET_POLICIES, "fail"
        )
    strict = scan(regions=["ap-southeast-2"], all_regions_strict=True)
    assert {p: s for p, (s, _) in _rows(strict, "ap-southeast-2").items() if p in QUIET_POLICIES} == dict.fromkeys(
        QUIET_POLICIES, "fail"
    )


def test_unknown_use_is_not_quiet(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.client("sesv2", OTHER).create_email_identity(EmailIdentity="example.com")
    endpoint.inject_fault("cloudwatch", "GetMetricData", kind="access-denied")
    inventory = scan(regions=[HOME, OTHER])
    # No identity and the Send metric unreadable: whether the region is used cannot be told, never a skip.
    assert _rows(inventory, HOME)["SES-VDM-001"][0] == "error"
    # Identities make the region used, whatever the metrics say: VDM is judged on what was read.
    assert _rows(inventory, OTHER)["SES-VDM-001"][0] == "fail"
