"""SES v2 configuration sets, their options and event destinations."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .conftest import ClientFactory

pytestmark = pytest.mark.live

SNS = {"TopicArn": "arn:aws:sns:us-east-1:123456789012:feedback"}


def code_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_with_every_option_and_get_it_back(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(
        ConfigurationSetName="full",
        TrackingOptions={"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "REQUIRE"},
        DeliveryOptions={"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": True},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE"]},
        VdmOptions={"DashboardOptions": {"EngagementMetrics": "ENABLED"}},
        Tags=[{"Key": "team", "Value": "mail"}],
    )
    got = sesv2.get_configuration_set(ConfigurationSetName="full")
    assert got["ConfigurationSetName"] == "full"
    assert got["DeliveryOptions"] == {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600}
    assert got["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    assert got["SendingOptions"] == {"SendingEnabled": True}
    assert got["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE"]}
    assert got["TrackingOptions"]["CustomRedirectDomain"] == "click.example.com"
    assert got["VdmOptions"] == {"DashboardOptions": {"EngagementMetrics": "ENABLED"}}
    assert got["Tags"] == [{"Key": "team", "Value": "mail"}]


def test_defaults_are_optional_tls_no_metrics_sending_on(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="bare")
    got = sesv2.get_configuration_set(ConfigurationSetName="bare")
    assert got["DeliveryOptions"] == {"TlsPolicy": "OPTIONAL"}
    assert got["ReputationOptions"] == {"ReputationMetricsEnabled": False}
    assert got["SendingOptions"] == {"SendingEnabled": True}
    assert "SuppressionOptions" not in got


def test_put_options(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    sesv2.put_configuration_set_delivery_options(ConfigurationSetName="cs", TlsPolicy="REQUIRE")
    sesv2.put_configuration_set_reputation_options(ConfigurationSetName="cs", ReputationMetricsEnabled=True)
    sesv2.put_configuration_set_sending_options(ConfigurationSetName="cs", SendingEnabled=False)
    sesv2.put_configuration_set_suppression_options(
        ConfigurationSetName="cs", SuppressedReasons=["COMPLAINT"]
    )
    got = sesv2.get_configuration_set(ConfigurationSetName="cs")
    assert got["DeliveryOptions"]["TlsPolicy"] == "REQUIRE"
    assert got["ReputationOptions"]["ReputationMetricsEnabled"] is True
    assert got["SendingOptions"]["SendingEnabled"] is False
    assert got["SuppressionOptions"]["SuppressedReasons"] == ["COMPLAINT"]
    sesv2.put_configuration_set_suppression_options(ConfigurationSetName="cs")
    assert "SuppressionOptions" not in sesv2.get_configuration_set(ConfigurationSetName="cs")
    with pytest.raises(ClientError) as caught:
        sesv2.put_configuration_set_delivery_options(ConfigurationSetName="missing", TlsPolicy="REQUIRE")
    assert code_of(caught) == ("NotFoundException", 404)


def test_event_destinations_keep_every_destination(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="feedback",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
            "SnsDestination": SNS,
        },
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="metrics",
        EventDestination={
            "MatchingEventTypes": ["SEND"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "d",
                        "DimensionValueSource": "MESSAGE_TAG",
                        "DefaultDimensionValue": "x",
                    }
                ]
            },
        },
    )
    destinations = sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")[
        "EventDestinations"
    ]
    assert [(d["Name"], d["Enabled"]) for d in destinations] == [("feedback", True), ("metrics", False)]
    assert destinations[0]["SnsDestination"] == SNS

    sesv2.update_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="feedback",
        EventDestination={"Enabled": False, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": SNS},
    )
    updated = sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"][
        0
    ]
    assert (updated["Enabled"], updated["MatchingEventTypes"]) == (False, ["BOUNCE"])

    sesv2.delete_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="metrics"
    )
    remaining = sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"]
    assert [d["Name"] for d in remaining] == ["feedback"]


def test_event_destination_errors(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    good = {"MatchingEventTypes": ["BOUNCE"], "SnsDestination": SNS}
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="d", EventDestination=good
    )
    cases = [
        (
            {"ConfigurationSetName": "cs", "EventDestinationName": "d", "EventDestination": good},
            "AlreadyExistsException",
        ),
        (
            {"ConfigurationSetName": "nope", "EventDestinationName": "x", "EventDestination": good},
            "NotFoundException",
        ),
        (
            {
                "ConfigurationSetName": "cs",
                "EventDestinationName": "x",
                "EventDestination": {"MatchingEventTypes": ["SEND"]},
            },
            "BadRequestException",
        ),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ClientError) as caught:
            sesv2.create_configuration_set_event_destination(**kwargs)
        assert caught.value.response["Error"]["Code"] == expected
    with pytest.raises(ClientError) as caught:
        sesv2.delete_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestinationName="zzz"
        )
    assert code_of(caught) == ("NotFoundException", 404)


def test_create_twice_delete_missing_bad_name(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    with pytest.raises(ClientError) as caught:
        sesv2.create_configuration_set(ConfigurationSetName="cs")
    assert code_of(caught) == ("AlreadyExistsException", 400)
    sesv2.delete_configuration_set(ConfigurationSetName="cs")
    with pytest.raises(ClientError) as caught:
        sesv2.get_configuration_set(ConfigurationSetName="cs")
    assert code_of(caught) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as caught:
        sesv2.create_configuration_set(ConfigurationSetName="has space")
    assert code_of(caught) == ("BadRequestException", 400)


def test_list_configuration_sets_paginates(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    names = [f"cs-{i:02d}" for i in range(5)]
    for name in names:
        sesv2.create_configuration_set(ConfigurationSetName=name)
    first = sesv2.list_configuration_sets(PageSize=2)
    assert first["ConfigurationSets"] == names[:2]
    second = sesv2.list_configuration_sets(PageSize=2, NextToken=first["NextToken"])
    assert second["ConfigurationSets"] == names[2:4]
    last = sesv2.list_configuration_sets(PageSize=2, NextToken=second["NextToken"])
    assert last["ConfigurationSets"] == names[4:] and "NextToken" not in last
    with pytest.raises(ClientError) as caught:
        sesv2.list_configuration_sets(PageSize=0)
    assert code_of(caught)[0] == "BadRequestException"
