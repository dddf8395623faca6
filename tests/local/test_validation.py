"""Responses are validated against botocore's output shapes, in the server and here."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sesguard.local import LocalEndpoint, sesv2_api
from sesguard.local.shapes import ShapeValidationError, operation_model, output_errors, validate_output

from .conftest import ClientFactory

pytestmark = pytest.mark.live

SNS = {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"EnforcementStatus": "HEALTHY", "Bogus": 1}, "unknown member 'Bogus'"),
        ({"SendingEnabled": "yes"}, "expected boolean"),
        ({"SendQuota": {"Max24HourSend": "200"}}, "expected double"),
        ({"SuppressionAttributes": {"SuppressedReasons": ["SPAM"]}}, "is not one of"),
        ({"VdmAttributes": {}}, "VdmEnabled: required member missing"),
    ],
)
def test_validator_catches_mismatches(document: dict[str, Any], fragment: str) -> None:
    errors = output_errors(operation_model("sesv2", "GetAccount"), document, "epoch")
    assert any(fragment in e for e in errors), errors


def test_validator_checks_timestamp_form() -> None:
    op = operation_model("sesv2", "GetEmailIdentity")
    as_text = {"DkimAttributes": {"LastKeyGenerationTimestamp": "2024-01-01T00:00:00Z"}}
    assert output_errors(op, as_text, "epoch")
    assert not output_errors(op, {"DkimAttributes": {"LastKeyGenerationTimestamp": 1.7e9}}, "epoch")
    moment = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert not output_errors(op, {"DkimAttributes": {"LastKeyGenerationTimestamp": moment}}, "datetime")
    with pytest.raises(ShapeValidationError, match="GetEmailIdentity"):
        validate_output(op, as_text, "epoch")


def test_validator_checks_maps_and_lists() -> None:
    op = operation_model("sesv2", "GetEmailIdentityPolicies")
    assert not output_errors(op, {"Policies": {"p": "{}"}}, "epoch")
    assert output_errors(op, {"Policies": {"p": 1}}, "epoch")
    assert output_errors(op, {"Policies": ["p"]}, "epoch")


def test_server_answers_500_for_a_response_that_does_not_match(
    ep: LocalEndpoint, client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sesv2_api.HANDLERS, "GetAccount", lambda state, params: {"EnforcementStatus": 3})
    from botocore.config import Config

    with pytest.raises(ClientError) as caught:
        client("sesv2", config=Config(retries={"total_max_attempts": 1})).get_account()
    assert caught.value.response["Error"]["Code"] == "ResponseShapeValidationError"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "EnforcementStatus" in ep.validation_failures()[0]
    ep.app.validation_failures.clear()


def test_every_sesv2_operation_round_trips(client: ClientFactory) -> None:
    """Each implemented SES v2 operation, called once through boto3 (shapes checked by the fixture)."""
    called: set[str] = set()
    sesv2 = client("sesv2")
    sesv2.meta.events.register("before-parse", lambda operation_model, **_: called.add(operation_model.name))
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    sesv2.put_account_details(MailType="MARKETING", WebsiteURL="https://example.com", ContactLanguage="EN")
    sesv2.put_account_suppression_attributes(SuppressedReasons=["BOUNCE"])
    sesv2.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "DISABLED"})
    sesv2.put_account_sending_attributes(SendingEnabled=True)
    sesv2.get_account()
    sesv2.create_configuration_set(
        ConfigurationSetName="cs", ReputationOptions={"LastFreshStart": dt.datetime(2024, 1, 1)}
    )
    sesv2.put_configuration_set_delivery_options(ConfigurationSetName="cs", TlsPolicy="REQUIRE")
    sesv2.put_configuration_set_reputation_options(ConfigurationSetName="cs", ReputationMetricsEnabled=True)
    sesv2.put_configuration_set_sending_options(ConfigurationSetName="cs", SendingEnabled=True)
    sesv2.put_configuration_set_suppression_options(ConfigurationSetName="cs", SuppressedReasons=["BOUNCE"])
    sesv2.put_configuration_set_vdm_options(
        ConfigurationSetName="cs", VdmOptions={"GuardianOptions": {"OptimizedSharedDelivery": "ENABLED"}}
    )
    sesv2.put_configuration_set_tracking_options(
        ConfigurationSetName="cs", CustomRedirectDomain="t.example.com"
    )
    destination = {"Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": SNS}
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="d", EventDestination=destination
    )
    sesv2.update_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="d", EventDestination=destination
    )
    sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")
    assert (
        sesv2.get_configuration_set(ConfigurationSetName="cs")["ReputationOptions"]["LastFreshStart"].year
        == 2024
    )
    sesv2.list_configuration_sets()
    sesv2.create_email_identity(EmailIdentity="example.com", ConfigurationSetName="cs")
    sesv2.put_email_identity_dkim_attributes(EmailIdentity="example.com", SigningEnabled=True)
    sesv2.put_email_identity_dkim_signing_attributes(
        EmailIdentity="example.com", SigningAttributesOrigin="AWS_SES"
    )
    sesv2.put_email_identity_mail_from_attributes(EmailIdentity="example.com", MailFromDomain="m.example.com")
    sesv2.put_email_identity_configuration_set_attributes(
        EmailIdentity="example.com", ConfigurationSetName="cs"
    )
    sesv2.put_email_identity_feedback_attributes(EmailIdentity="example.com", EmailForwardingEnabled=True)
    sesv2.create_email_identity_policy(EmailIdentity="example.com", PolicyName="p", Policy=policy)
    sesv2.update_email_identity_policy(EmailIdentity="example.com", PolicyName="p", Policy=policy)
    sesv2.get_email_identity_policies(EmailIdentity="example.com")
    sesv2.get_email_identity(EmailIdentity="example.com")
    sesv2.list_email_identities()
    sesv2.delete_email_identity_policy(EmailIdentity="example.com", PolicyName="p")
    sesv2.delete_email_identity(EmailIdentity="example.com")
    sesv2.delete_configuration_set_event_destination(ConfigurationSetName="cs", EventDestinationName="d")
    sesv2.delete_configuration_set(ConfigurationSetName="cs")
    sesv2.put_suppressed_destination(EmailAddress="gone@example.com", Reason="BOUNCE")
    sesv2.get_suppressed_destination(EmailAddress="gone@example.com")
    sesv2.list_suppressed_destinations(Reasons=["BOUNCE"], PageSize=10)
    sesv2.delete_suppressed_destination(EmailAddress="gone@example.com")
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    query = {"Id": "q", "Namespace": "VDM", "Metric": "SEND", "Dimensions": {"ISP": "Gmail"}}
    sesv2.batch_get_metric_data(
        Queries=[{**query, "StartDate": start, "EndDate": start + dt.timedelta(days=1)}]
    )
    assert called == set(sesv2_api.HANDLERS)
