"""The demo account: built quickly, deterministic, and carrying the facts its expectations rely on."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from demo_expected import EXPECTED

from sesguard.local import LocalEndpoint
from sesguard.local.demo import BAD, GOOD, DemoInfo, build_demo

from .conftest import ClientFactory

pytestmark = pytest.mark.live


@pytest.fixture
def demo(ep: LocalEndpoint) -> DemoInfo:
    started = time.monotonic()
    info = build_demo(ep.url)
    # ~1.8 s on an idle machine (1.3 s the account, 0.5 s the incident's VDM data, suppression list and
    # S3 archive). Not a timing test (that is benchmarks/' job): the limit only catches a hang. 10 s
    # failed on the shared 2-core machine under a full parallel suite (10.2 s).
    assert time.monotonic() - started < 60
    return info


def _latest(client: ClientFactory, region: str, metric: str) -> float:
    now = datetime.now(UTC)
    points = client("cloudwatch", region).get_metric_statistics(
        Namespace="AWS/SES",
        MetricName=metric,
        StartTime=now - timedelta(days=14),
        EndTime=now,
        Period=3600,
        Statistics=["Average"],
    )["Datapoints"]
    return float(max(points, key=lambda p: p["Timestamp"])["Average"])


def test_account_level_facts(demo: DemoInfo, client: ClientFactory) -> None:
    good, bad = client("sesv2", GOOD).get_account(), client("sesv2", BAD).get_account()
    assert (good["EnforcementStatus"], bad["EnforcementStatus"]) == ("HEALTHY", "PROBATION")
    assert (good["ProductionAccessEnabled"], bad["ProductionAccessEnabled"]) == (True, False)
    assert good["SuppressionAttributes"]["SuppressedReasons"] == ["BOUNCE", "COMPLAINT"]
    assert bad["SuppressionAttributes"]["SuppressedReasons"] == ["BOUNCE"]
    assert good["VdmAttributes"]["VdmEnabled"] == "ENABLED"
    assert bad["VdmAttributes"]["VdmEnabled"] == "ENABLED"  # on, so the incident shows in VDM (demo_incident)
    assert _latest(client, BAD, "Reputation.BounceRate") == pytest.approx(0.06)
    assert _latest(client, BAD, "Reputation.ComplaintRate") == pytest.approx(0.002)
    assert _latest(client, GOOD, "Reputation.BounceRate") < 0.02
    good_alarms = client("cloudwatch", GOOD).describe_alarms()["MetricAlarms"]
    assert {(a["MetricName"], a["Threshold"], bool(a["AlarmActions"])) for a in good_alarms} == {
        ("Reputation.BounceRate", 0.05, True),
        ("Reputation.ComplaintRate", 0.001, True),
    }
    bad_alarms = client("cloudwatch", BAD).describe_alarms()["MetricAlarms"]
    assert [(a["Threshold"], a["AlarmActions"]) for a in bad_alarms] == [(0.10, [])]


def test_identities_and_configuration_sets(demo: DemoInfo, client: ClientFactory) -> None:
    for region in demo.regions:
        sesv2 = client("sesv2", region)
        listed = sorted(i["IdentityName"] for i in sesv2.list_email_identities()["EmailIdentities"])
        assert listed == sorted(demo.identities[region])
        assert sorted(sesv2.list_configuration_sets()["ConfigurationSets"]) == sorted(
            demo.configuration_sets[region]
        )
    good, bad = client("sesv2", GOOD), client("sesv2", BAD)
    newsletter = good.get_email_identity(EmailIdentity="newsletter.example.com")
    assert newsletter["DkimAttributes"]["CurrentSigningKeyLength"] == "RSA_1024_BIT"
    assert (
        good.get_email_identity(EmailIdentity="partner@thirdparty.example")["VerificationStatus"] == "PENDING"
    )
    shop = bad.get_email_identity(EmailIdentity="shop.example.net")
    assert shop["DkimAttributes"]["SigningEnabled"] is False
    assert shop["MailFromAttributes"]["MailFromDomainStatus"] == "FAILED"
    assert '"Principal": "*"' in shop["Policies"]["anyone-may-send"]
    assert "Condition" not in shop["Policies"]["anyone-may-send"]
    legacy = bad.get_email_identity(EmailIdentity="legacy-byod.example.net")["DkimAttributes"]
    assert legacy["SigningAttributesOrigin"] == "EXTERNAL"
    # BYODKIM: AWS documents the key lengths and generation time for Easy DKIM only
    assert legacy["Tokens"] == ["sel2023"]
    assert not {"LastKeyGenerationTimestamp", "CurrentSigningKeyLength", "NextSigningKeyLength"} & set(legacy)
    destinations = good.get_configuration_set_event_destinations(ConfigurationSetName="notifications")
    assert [d["Enabled"] for d in destinations["EventDestinations"]] == [False]
    topics = client("ses", GOOD).get_identity_notification_attributes(Identities=["newsletter.example.com"])
    assert {"BounceTopic", "ComplaintTopic"} <= set(
        topics["NotificationAttributes"]["newsletter.example.com"]
    )
    rules = client("ses", GOOD).describe_active_receipt_rule_set()["Rules"]
    assert {r["Name"]: r["ScanEnabled"] for r in rules} == {"inbound-scanned": True, "inbound-legacy": False}


def test_iam_facts(demo: DemoInfo, client: ClientFactory) -> None:
    iam = client("iam")
    assert sorted(u["UserName"] for u in iam.list_users()["Users"]) == sorted(demo.users)
    legacy = iam.list_access_keys(UserName="legacy-sender")["AccessKeyMetadata"]
    assert [(datetime.now(UTC) - k["CreateDate"]).days for k in legacy] == [400]
    last = iam.get_access_key_last_used(AccessKeyId=legacy[0]["AccessKeyId"])["AccessKeyLastUsed"]
    assert (datetime.now(UTC) - last["LastUsedDate"]).days == 200
    assert iam.get_login_profile(UserName="legacy-sender")["LoginProfile"]["UserName"] == "legacy-sender"
    assert len(iam.list_access_keys(UserName="two-key-sender")["AccessKeyMetadata"]) == 2
    attached = iam.list_attached_user_policies(UserName="quarantined-user")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSCompromisedKeyQuarantineV2"]
    assert iam.get_group(GroupName="senders")["Users"]
    assert iam.get_role(RoleName="ses-sender-role")["Role"]["RoleName"] == "ses-sender-role"


def test_expectations_name_demo_resources(demo: DemoInfo) -> None:
    known = {"account"} | set(demo.users) | {"inbound-scanned", "inbound-legacy"}
    for region in demo.regions:
        known |= set(demo.identities[region]) | set(demo.configuration_sets[region])
    assert {resource for _, _, resource, _ in EXPECTED} <= known
    assert {outcome for *_, outcome in EXPECTED} <= {"pass", "fail", "skip"}
    policies = {policy for policy, *_ in EXPECTED}
    # SES-VDM-001: VDM is on in both regions, since the planted incident must show in VDM metrics
    # (sesguard/local/demo_incident.py); its failing path is covered by the template fixtures.
    # SES-ID-010: AWS reports no BYODKIM key generation time, so live it can only skip (its pass and
    # fail paths are the policy's examples; see docs/live-api.md, "Facts AWS does not report").
    for policy in policies - {"SES-ACCT-002", "SES-IAM-008", "SES-VDM-001", "SES-ID-010"}:
        outcomes = {outcome for p, _, _, outcome in EXPECTED if p == policy}
        if policy != "SES-ID-002":
            assert outcomes >= {"pass", "fail"}, policy


def test_auditor_can_read_the_demo_with_enforcement_on(
    demo: DemoInfo, ep: LocalEndpoint, client: ClientFactory
) -> None:
    ep.enforce_iam(True)
    creds = {"access_key_id": demo.auditor_access_key_id, "secret_access_key": demo.auditor_secret_access_key}
    for region in demo.regions:
        sesv2 = client("sesv2", region, **creds)
        for identity in sesv2.list_email_identities()["EmailIdentities"]:
            sesv2.get_email_identity(EmailIdentity=identity["IdentityName"])
        client("cloudwatch", region, **creds).describe_alarms()
    client("iam", **creds).get_account_authorization_details()


def _snapshot(client: ClientFactory, info: DemoInfo) -> dict[str, Any]:
    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: scrub(v)
                for k, v in value.items()
                if k not in ("ResponseMetadata",) and "Timestamp" not in k
            }
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    snapshot: dict[str, Any] = {}
    for region in info.regions:
        sesv2 = client("sesv2", region)
        snapshot[region] = scrub(
            {
                "account": sesv2.get_account(),
                "identities": [sesv2.get_email_identity(EmailIdentity=n) for n in info.identities[region]],
                "sets": [
                    sesv2.get_configuration_set(ConfigurationSetName=n)
                    for n in info.configuration_sets[region]
                ],
            }
        )
    return snapshot


def test_demo_is_deterministic(ep: LocalEndpoint, client: ClientFactory) -> None:
    first = _snapshot(client, build_demo(ep.url))
    ep.reset()
    second = _snapshot(client, build_demo(ep.url))
    assert first == second
