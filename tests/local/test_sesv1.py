"""SES v1 calls the endpoint fixes, and v1 and v2 views of the same state agreeing."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from sesguard.local import LocalEndpoint

from .conftest import ClientFactory

pytestmark = pytest.mark.live

TOPIC = "arn:aws:sns:us-east-1:123456789012:feedback"


def test_identity_made_with_v1_shows_in_v2_and_back(client: ClientFactory) -> None:
    ses, sesv2 = client("ses"), client("sesv2")
    ses.verify_domain_identity(Domain="v1.example.com")
    ses.verify_email_identity(EmailAddress="someone@v1.example.com")
    sesv2.create_email_identity(EmailIdentity="v2.example.com")
    listed = {i["IdentityName"]: i for i in sesv2.list_email_identities()["EmailIdentities"]}
    assert set(listed) == {"v1.example.com", "someone@v1.example.com", "v2.example.com"}
    assert listed["v1.example.com"]["VerificationStatus"] == "PENDING"
    assert set(ses.list_identities()["Identities"]) == set(listed)
    sesv2.delete_email_identity(EmailIdentity="v1.example.com")
    assert "v1.example.com" not in ses.list_identities()["Identities"]
    ses.delete_identity(Identity="v2.example.com")
    names = [i["IdentityName"] for i in sesv2.list_email_identities()["EmailIdentities"]]
    assert names == ["someone@v1.example.com"]


def test_verification_attributes_follow_the_store(ep: LocalEndpoint, client: ClientFactory) -> None:
    ses = client("ses")
    client("sesv2").create_email_identity(EmailIdentity="example.com")
    ses.verify_email_identity(EmailAddress="me@example.com")
    ep.verify_identity("example.com")
    found = ses.get_identity_verification_attributes(Identities=["example.com", "me@example.com", "x.org"])
    attributes = found["VerificationAttributes"]
    assert attributes["example.com"]["VerificationStatus"] == "Success"
    assert attributes["example.com"]["VerificationToken"]
    assert attributes["me@example.com"] == {"VerificationStatus": "Pending"}
    assert "x.org" not in attributes


def test_dkim_attributes_are_not_enabled_for_everything(ep: LocalEndpoint, client: ClientFactory) -> None:
    ses = client("ses")
    ses.verify_domain_identity(Domain="nodkim.example.com")
    tokens = ses.verify_domain_dkim(Domain="dkim.example.com")["DkimTokens"]
    ep.verify_identity("dkim.example.com")
    attributes = ses.get_identity_dkim_attributes(Identities=["nodkim.example.com", "dkim.example.com"])
    assert attributes["DkimAttributes"]["nodkim.example.com"] == {
        "DkimEnabled": False,
        "DkimVerificationStatus": "NotStarted",
    }
    assert attributes["DkimAttributes"]["dkim.example.com"] == {
        "DkimEnabled": True,
        "DkimVerificationStatus": "Success",
        "DkimTokens": tokens,
    }
    ses.set_identity_dkim_enabled(Identity="dkim.example.com", DkimEnabled=False)
    v2 = client("sesv2").get_email_identity(EmailIdentity="dkim.example.com")
    assert v2["DkimAttributes"]["SigningEnabled"] is False


def test_notification_topics_are_returned(client: ClientFactory) -> None:
    ses = client("ses")
    ses.verify_domain_identity(Domain="example.com")
    ses.set_identity_notification_topic(Identity="example.com", NotificationType="Bounce", SnsTopic=TOPIC)
    ses.set_identity_notification_topic(Identity="example.com", NotificationType="Complaint", SnsTopic=TOPIC)
    ses.set_identity_feedback_forwarding_enabled(Identity="example.com", ForwardingEnabled=False)
    ses.set_identity_headers_in_notifications_enabled(
        Identity="example.com", NotificationType="Bounce", Enabled=True
    )
    found = ses.get_identity_notification_attributes(Identities=["example.com"])["NotificationAttributes"]
    assert found["example.com"] == {
        "BounceTopic": TOPIC,
        "ComplaintTopic": TOPIC,
        "ForwardingEnabled": False,
        "HeadersInBounceNotificationsEnabled": True,
        "HeadersInComplaintNotificationsEnabled": False,
        "HeadersInDeliveryNotificationsEnabled": False,
    }
    assert (
        client("sesv2").get_email_identity(EmailIdentity="example.com")["FeedbackForwardingStatus"] is False
    )
    ses.set_identity_notification_topic(Identity="example.com", NotificationType="Bounce")
    time.sleep(1.05)  # GetIdentityNotificationAttributes is limited to one request per second, as on AWS
    found = ses.get_identity_notification_attributes(Identities=["example.com"])["NotificationAttributes"]
    assert "BounceTopic" not in found["example.com"]


def test_forwarding_cannot_be_disabled_without_topics(client: ClientFactory) -> None:
    ses = client("ses")
    ses.verify_domain_identity(Domain="example.com")
    with pytest.raises(ClientError) as caught:
        ses.set_identity_feedback_forwarding_enabled(Identity="example.com", ForwardingEnabled=False)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_mail_from_in_both_apis(client: ClientFactory) -> None:
    ses, sesv2 = client("ses"), client("sesv2")
    ses.verify_domain_identity(Domain="example.com")
    ses.set_identity_mail_from_domain(
        Identity="example.com", MailFromDomain="mail.example.com", BehaviorOnMXFailure="RejectMessage"
    )
    v1 = ses.get_identity_mail_from_domain_attributes(Identities=["example.com"])["MailFromDomainAttributes"]
    assert v1["example.com"] == {
        "MailFromDomain": "mail.example.com",
        "MailFromDomainStatus": "Pending",
        "BehaviorOnMXFailure": "RejectMessage",
    }
    v2 = sesv2.get_email_identity(EmailIdentity="example.com")["MailFromAttributes"]
    assert v2["BehaviorOnMxFailure"] == "REJECT_MESSAGE"


def test_v1_event_destinations_are_all_kept(client: ClientFactory) -> None:
    ses = client("ses")
    ses.create_configuration_set(ConfigurationSet={"Name": "cs"})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestination={
            "Name": "feedback",
            "Enabled": True,
            "MatchingEventTypes": ["bounce", "complaint"],
            "SNSDestination": {"TopicARN": TOPIC},
        },
    )
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestination={
            "Name": "metrics",
            "MatchingEventTypes": ["send", "renderingFailure"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {"DimensionName": "d", "DimensionValueSource": "messageTag", "DefaultDimensionValue": "x"}
                ]
            },
        },
    )
    described = ses.describe_configuration_set(
        ConfigurationSetName="cs", ConfigurationSetAttributeNames=["eventDestinations", "deliveryOptions"]
    )
    assert [d["Name"] for d in described["EventDestinations"]] == ["feedback", "metrics"]
    assert described["EventDestinations"][1]["MatchingEventTypes"] == ["send", "renderingFailure"]
    assert described["DeliveryOptions"] == {"TlsPolicy": "Optional"}
    v2 = client("sesv2").get_configuration_set_event_destinations(ConfigurationSetName="cs")[
        "EventDestinations"
    ]
    assert v2[0]["MatchingEventTypes"] == ["BOUNCE", "COMPLAINT"]
    assert v2[1]["MatchingEventTypes"] == ["SEND", "RENDERING_FAILURE"]
    assert (
        v2[1]["CloudWatchDestination"]["DimensionConfigurations"][0]["DimensionValueSource"] == "MESSAGE_TAG"
    )
    with pytest.raises(ClientError) as caught:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="cs",
            EventDestination={
                "Name": "feedback",
                "MatchingEventTypes": ["bounce"],
                "SNSDestination": {"TopicARN": TOPIC},
            },
        )
    assert caught.value.response["Error"]["Code"] == "EventDestinationAlreadyExists"
    ses.delete_configuration_set_event_destination(ConfigurationSetName="cs", EventDestinationName="metrics")
    described = ses.describe_configuration_set(
        ConfigurationSetName="cs", ConfigurationSetAttributeNames=["eventDestinations"]
    )
    assert [d["Name"] for d in described["EventDestinations"]] == ["feedback"]


def test_v1_delivery_and_reputation_options_match_v2(client: ClientFactory) -> None:
    ses, sesv2 = client("ses"), client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName="cs", DeliveryOptions={"TlsPolicy": "Require"}
    )
    ses.update_configuration_set_reputation_metrics_enabled(ConfigurationSetName="cs", Enabled=True)
    ses.update_configuration_set_sending_enabled(ConfigurationSetName="cs", Enabled=False)
    got = sesv2.get_configuration_set(ConfigurationSetName="cs")
    assert got["DeliveryOptions"]["TlsPolicy"] == "REQUIRE"
    assert got["ReputationOptions"]["ReputationMetricsEnabled"] is True
    assert got["SendingOptions"]["SendingEnabled"] is False
    described = ses.describe_configuration_set(
        ConfigurationSetName="cs", ConfigurationSetAttributeNames=["reputationOptions", "deliveryOptions"]
    )
    assert described["ReputationOptions"] == {"SendingEnabled": False, "ReputationMetricsEnabled": True}
    assert described["DeliveryOptions"] == {"TlsPolicy": "Require"}
    with pytest.raises(ClientError) as caught:
        ses.describe_configuration_set(ConfigurationSetName="missing")
    assert caught.value.response["Error"]["Code"] == "ConfigurationSetDoesNotExist"
    assert "cs" in [c["Name"] for c in ses.list_configuration_sets()["ConfigurationSets"]]


def test_identity_policies_in_v1(client: ClientFactory) -> None:
    ses = client("ses")
    ses.verify_domain_identity(Domain="example.com")
    policy = '{"Version": "2012-10-17", "Statement": []}'
    ses.put_identity_policy(Identity="example.com", PolicyName="p", Policy=policy)
    assert ses.list_identity_policies(Identity="example.com")["PolicyNames"] == ["p"]
    assert ses.get_identity_policies(Identity="example.com", PolicyNames=["p", "q"])["Policies"] == {
        "p": policy
    }
    assert client("sesv2").get_email_identity_policies(EmailIdentity="example.com")["Policies"] == {
        "p": policy
    }
    ses.delete_identity_policy(Identity="example.com", PolicyName="p")
    assert ses.list_identity_policies(Identity="example.com")["PolicyNames"] == []


def test_account_sending_and_quota_in_both_apis(client: ClientFactory) -> None:
    ses = client("ses")
    ses.update_account_sending_enabled(Enabled=False)
    assert ses.get_account_sending_enabled()["Enabled"] is False
    assert client("sesv2").get_account()["SendingEnabled"] is False
    assert ses.get_send_quota()["Max24HourSend"] == 200.0
    client("sesv2").put_account_details(
        MailType="MARKETING", WebsiteURL="https://e.com", ProductionAccessEnabled=True
    )
    assert ses.get_send_quota()["Max24HourSend"] == 50000.0


def test_deleting_a_missing_configuration_set_is_an_error(client: ClientFactory) -> None:
    ses = client("ses")
    ses.create_configuration_set(ConfigurationSet={"Name": "cs"})
    ses.delete_configuration_set(ConfigurationSetName="cs")
    with pytest.raises(ClientError) as caught:
        ses.delete_configuration_set(ConfigurationSetName="cs")
    assert caught.value.response["Error"]["Code"] == "ConfigurationSetDoesNotExist"
    assert client("sesv2").list_configuration_sets()["ConfigurationSets"] == []


def test_receipt_rules_come_from_moto_unchanged(client: ClientFactory) -> None:
    ses = client("ses")
    ses.create_receipt_rule_set(RuleSetName="inbound")
    ses.create_receipt_rule(
        RuleSetName="inbound",
        Rule={
            "Name": "r1",
            "Enabled": True,
            "TlsPolicy": "Require",
            "ScanEnabled": False,
            "Recipients": ["a@b.com"],
        },
    )
    ses.set_active_receipt_rule_set(RuleSetName="inbound")
    rules = ses.describe_active_receipt_rule_set()["Rules"]
    assert [(r["Name"], r["ScanEnabled"], r["TlsPolicy"]) for r in rules] == [("r1", False, "Require")]
