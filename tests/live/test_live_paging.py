"""Pagination to the end, batching, and concurrency bounds."""

from __future__ import annotations

import pytest

import sesguard.sources.live.config_sets as config_sets
import sesguard.sources.live.identities as identities
from sesguard.local import LocalEndpoint
from sesguard.sources.live.paging import pages

from .live_support import ACCOUNT, HOME, Scan

SET = f"{ACCOUNT}/{HOME}"


def test_more_identities_than_a_page(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(identities, "LIST_PAGE", 4)
    monkeypatch.setattr(identities, "NOTIFICATION_BATCH", 3)
    monkeypatch.setattr(config_sets, "LIST_PAGE", 2)
    v2 = endpoint.client("sesv2", HOME)
    names = [f"user{i:02d}@example.com" for i in range(10)] + ["example.com"]
    for name in names:
        v2.create_email_identity(EmailIdentity=name)
    for i in range(5):
        v2.create_configuration_set(ConfigurationSetName=f"set-{i}")
    inventory = scan(regions=[HOME])
    assert inventory.errors == []
    found = sorted(r.id for r in inventory.resources if r.type == "email_identity")
    assert found == sorted(names)
    assert sorted(r.id for r in inventory.resources if r.type == "configuration_set") == [
        f"set-{i}" for i in range(5)
    ]
    calls = inventory.meta["api_calls"]
    assert calls["sesv2:ListEmailIdentities"] == 3  # ceil(11 / 4)
    assert calls["sesv2:GetEmailIdentity"] == 11
    assert calls["ses:GetIdentityNotificationAttributes"] == 4  # ceil(11 / 3)
    assert calls["sesv2:ListConfigurationSets"] == 3  # ceil(5 / 2)
    for resource in inventory.resources:
        if resource.type == "email_identity":
            assert resource.props["notification_topics"] == {
                "BOUNCE": None,
                "COMPLAINT": None,
                "DELIVERY": None,
            }


def test_pages_follows_tokens_and_iam_markers() -> None:
    seen: list[dict[str, object]] = []

    def iam_call(**params: object) -> dict[str, object]:
        seen.append(dict(params))
        marker = params.get("Marker")
        if marker is None:
            return {"Items": [1], "IsTruncated": True, "Marker": "m1"}
        if marker == "m1":
            return {"Items": [2], "IsTruncated": True, "Marker": "m2"}
        return {"Items": [3], "IsTruncated": False, "Marker": "ignored"}

    assert [p["Items"] for p in pages(iam_call, token="Marker", MaxItems=1)] == [[1], [2], [3]]
    assert seen == [{"MaxItems": 1}, {"MaxItems": 1, "Marker": "m1"}, {"MaxItems": 1, "Marker": "m2"}]


def test_pages_refuses_a_token_loop() -> None:
    def looping(**params: object) -> dict[str, object]:
        return {"NextToken": "same"}

    with pytest.raises(RuntimeError, match="pagination loop"):
        list(pages(looping))


def test_alarm_listing_switches_to_per_metric_calls_past_one_page(
    endpoint: LocalEndpoint, scan: Scan
) -> None:
    cloudwatch = endpoint.client("cloudwatch", HOME)
    common = {
        "Namespace": "AWS/SES",
        "Statistic": "Average",
        "Period": 3600,
        "EvaluationPeriods": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "Threshold": 0.05,
    }
    for i in range(101):
        cloudwatch.put_metric_alarm(AlarmName=f"a-{i:03d}", MetricName="Send", **common)
    cloudwatch.put_metric_alarm(AlarmName="zz-bounce", MetricName="Reputation.BounceRate", **common)
    cloudwatch.put_metric_alarm(AlarmName="zz-complaint", MetricName="Reputation.ComplaintRate", **common)
    inventory = scan(regions=[HOME])
    [account] = [r for r in inventory.resources if r.type == "account"]
    assert [a["name"] for a in account.props["alarms"]] == ["zz-bounce", "zz-complaint"]
    calls = inventory.meta["api_calls"]
    assert calls["cloudwatch:DescribeAlarms"] == 1
    assert calls["cloudwatch:DescribeAlarmsForMetric"] == 2


def test_iam_is_paged_to_the_end(endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch) -> None:
    import sesguard.sources.live.iam as iam_reader

    monkeypatch.setattr(iam_reader, "PAGE", 2)
    iam = endpoint.client("iam", HOME)
    for i in range(5):
        iam.create_user(UserName=f"user-{i}")
    inventory = scan(regions=[HOME])
    assert inventory.errors == []
    users = sorted(r.id for r in inventory.resources if r.type == "iam_principal")
    assert users == [f"user/user-{i}" for i in range(5)]
    assert inventory.meta["api_calls"]["iam:GetAccountAuthorizationDetails"] == 3  # the endpoint pages as AWS
