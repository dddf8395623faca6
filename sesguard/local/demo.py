"""The demo account: a realistic SES setup in two regions, good and bad, built through the endpoint.

Everything is created with plain boto3 write calls; what AWS has no API for (enforcement status,
DNS verification, key ages) goes through the admin hooks. Names and settings are fixed; dates are
relative to the build time, and access key IDs are moto's (random).

us-east-1 is the well-run region with a few weak spots; eu-west-1 is under review (PROBATION) with
a 6% bounce rate. The outcome each live policy should give per resource is the tests' oracle
(``tests/demo_expected.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .client import DEFAULT_ACCOUNT_ID, AdminClient
from .clients import ClientFactory
from .demo_incident import Incident, build_incident

GOOD, BAD = "us-east-1", "eu-west-1"
REGIONS = (GOOD, BAD)
ACCOUNT_ID = DEFAULT_ACCOUNT_ID
QUARANTINE_POLICY = "AWSCompromisedKeyQuarantineV2"


def read_only_policy() -> dict[str, Any]:
    """The scanner's least-privilege policy as shipped (``sesguard/iam-readonly-policy.json``).

    The demo's auditor user holds exactly this policy, so the demo proves it is enough.
    """
    text = resources.files("sesguard").joinpath("iam-readonly-policy.json").read_text(encoding="utf-8")
    policy: dict[str, Any] = json.loads(text)
    return policy


@dataclass(frozen=True)
class DemoInfo:
    """What the demo built, and the read-only credentials to scan it with."""

    endpoint_url: str
    account_id: str
    regions: tuple[str, ...]
    identities: dict[str, tuple[str, ...]]
    configuration_sets: dict[str, tuple[str, ...]]
    users: tuple[str, ...]
    groups: tuple[str, ...]
    roles: tuple[str, ...]
    auditor_access_key_id: str
    auditor_secret_access_key: str
    incident: Incident | None = None


class _Builder:
    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = AdminClient(url)
        self.factory = ClientFactory(url)
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str = GOOD) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self.factory.client(service, region)
        return self._clients[key]

    def topic(self, region: str, name: str) -> str:
        return str(self.client("sns", region).create_topic(Name=name)["TopicArn"])

    def arn(self, region: str, resource: str) -> str:
        return f"arn:aws:ses:{region}:{ACCOUNT_ID}:{resource}"


def build_demo(endpoint_url: str) -> DemoInfo:
    """Build the demo account through the endpoint at ``endpoint_url`` and describe it."""
    builder = _Builder(endpoint_url)
    _build_account(builder)
    _build_good_region(builder)
    _build_bad_region(builder)
    _build_receiving(builder)
    key = _build_iam(builder)
    incident = build_incident(endpoint_url, auditor="sesguard-auditor", clients=builder.factory)
    return DemoInfo(
        endpoint_url=endpoint_url,
        account_id=ACCOUNT_ID,
        regions=REGIONS,
        identities={
            GOOD: (
                "example.com",
                "alerts@example.com",
                "newsletter.example.com",
                "byod.example.com",
                "partner@thirdparty.example",
            ),
            BAD: (
                "shop.example.net",
                "orders@shop.example.net",
                "unverified.example.org",
                "legacy-byod.example.net",
            ),
        },
        configuration_sets={
            GOOD: ("transactional", "marketing", "notifications"),
            BAD: ("eu-marketing", "eu-transactional"),
        },
        users=("smtp-sender", "legacy-sender", "two-key-sender", "quarantined-user", "sesguard-auditor"),
        groups=("senders",),
        roles=("ses-sender-role",),
        auditor_access_key_id=key["AccessKeyId"],
        auditor_secret_access_key=key["SecretAccessKey"],
        incident=incident,
    )


# --- account level ------------------------------------------------------------------------------


def _metrics(builder: _Builder, region: str, bounce: float, complaint: float) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = []
    for hours_ago in range(6, -1, -1):
        moment = now - dt.timedelta(hours=hours_ago, minutes=10)
        for name, value in (("Reputation.BounceRate", bounce), ("Reputation.ComplaintRate", complaint)):
            data.append({"MetricName": name, "Timestamp": moment, "Value": value, "Unit": "None"})
    builder.client("cloudwatch", region).put_metric_data(Namespace="AWS/SES", MetricData=data)


def _alarm(
    builder: _Builder, region: str, name: str, metric: str, threshold: float, actions: list[str]
) -> None:
    builder.client("cloudwatch", region).put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/SES",
        MetricName=metric,
        Statistic="Average",
        Period=3600,
        EvaluationPeriods=1,
        Threshold=threshold,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=actions,
        ActionsEnabled=bool(actions),
        TreatMissingData="notBreaching",
    )


def _build_account(builder: _Builder) -> None:
    good = builder.client("sesv2", GOOD)
    good.put_account_details(
        MailType="TRANSACTIONAL",
        WebsiteURL="https://example.com",
        ContactLanguage="EN",
        UseCaseDescription="Order confirmations and password resets for example.com customers.",
        ProductionAccessEnabled=True,
    )
    good.put_account_suppression_attributes(SuppressedReasons=["BOUNCE", "COMPLAINT"])
    good.put_account_vdm_attributes(
        VdmAttributes={
            "VdmEnabled": "ENABLED",
            "DashboardAttributes": {"EngagementMetrics": "ENABLED"},
            "GuardianAttributes": {"OptimizedSharedDelivery": "ENABLED"},
        }
    )
    _metrics(builder, GOOD, bounce=0.008, complaint=0.0003)
    alarm_topic = builder.topic(GOOD, "ses-reputation-alarms")
    _alarm(builder, GOOD, "ses-bounce-rate", "Reputation.BounceRate", 0.05, [alarm_topic])
    _alarm(builder, GOOD, "ses-complaint-rate", "Reputation.ComplaintRate", 0.001, [alarm_topic])

    bad = builder.client("sesv2", BAD)
    bad.put_account_suppression_attributes(SuppressedReasons=["BOUNCE"])
    _metrics(builder, BAD, bounce=0.06, complaint=0.002)
    _alarm(builder, BAD, "eu-bounce-rate-loose", "Reputation.BounceRate", 0.10, [])
    builder.admin.set_enforcement_status("PROBATION", region=BAD)


# --- us-east-1 ----------------------------------------------------------------------------------


def _build_good_region(builder: _Builder) -> None:
    sesv2 = builder.client("sesv2", GOOD)
    feedback = builder.topic(GOOD, "ses-feedback")
    sesv2.create_configuration_set(
        ConfigurationSetName="transactional",
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": True},
        Tags=[{"Key": "team", "Value": "platform"}],
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="transactional",
        EventDestinationName="feedback-to-sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE", "COMPLAINT", "DELIVERY", "REJECT"],
            "SnsDestination": {"TopicArn": feedback},
        },
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="transactional",
        EventDestinationName="events-to-eventbridge",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "EventBridgeDestination": {
                "EventBusArn": f"arn:aws:events:{GOOD}:{ACCOUNT_ID}:event-bus/default"
            },
        },
    )
    sesv2.create_configuration_set(
        ConfigurationSetName="marketing",
        TrackingOptions={"CustomRedirectDomain": "click.example.com"},
        SuppressionOptions={"SuppressedReasons": []},
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="marketing",
        EventDestinationName="engagement-metrics",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY", "OPEN", "CLICK"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "MESSAGE_TAG",
                        "DefaultDimensionValue": "none",
                    }
                ]
            },
        },
    )
    sesv2.create_configuration_set(
        ConfigurationSetName="notifications",
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="notifications",
        EventDestinationName="feedback-paused",
        EventDestination={
            "Enabled": False,
            "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
            "SnsDestination": {"TopicArn": feedback},
        },
    )

    sesv2.create_email_identity(EmailIdentity="example.com", ConfigurationSetName="transactional")
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity="example.com", MailFromDomain="mail.example.com", BehaviorOnMxFailure="REJECT_MESSAGE"
    )
    sesv2.create_email_identity_policy(
        EmailIdentity="example.com",
        PolicyName="delegate-to-billing-account",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                        "Resource": builder.arn(GOOD, "identity/example.com"),
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"}},
                    }
                ],
            }
        ),
    )
    builder.admin.verify_identity("example.com", region=GOOD)

    sesv2.create_email_identity(EmailIdentity="alerts@example.com", ConfigurationSetName="transactional")
    builder.admin.verify_identity("alerts@example.com", region=GOOD)

    sesv2.create_email_identity(
        EmailIdentity="newsletter.example.com", DkimSigningAttributes={"NextSigningKeyLength": "RSA_1024_BIT"}
    )
    builder.admin.verify_identity("newsletter.example.com", region=GOOD)
    ses = builder.client("ses", GOOD)
    for kind in ("Bounce", "Complaint"):
        ses.set_identity_notification_topic(
            Identity="newsletter.example.com", NotificationType=kind, SnsTopic=feedback
        )

    sesv2.create_email_identity(
        EmailIdentity="byod.example.com",
        ConfigurationSetName="transactional",
        DkimSigningAttributes={"DomainSigningSelector": "sel2025", "DomainSigningPrivateKey": "ZmFrZS1rZXk="},
    )
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity="byod.example.com", MailFromDomain="mail.byod.example.com"
    )
    builder.admin.verify_identity("byod.example.com", region=GOOD)

    # Made through SES v1, as older tooling does; it shows in v2 too, unverified.
    ses.verify_email_identity(EmailAddress="partner@thirdparty.example")


# --- eu-west-1 ----------------------------------------------------------------------------------


def _build_bad_region(builder: _Builder) -> None:
    sesv2 = builder.client("sesv2", BAD)
    sesv2.create_configuration_set(
        ConfigurationSetName="eu-marketing", SuppressionOptions={"SuppressedReasons": ["BOUNCE"]}
    )
    sesv2.create_configuration_set(
        ConfigurationSetName="eu-transactional",
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="eu-transactional",
        EventDestinationName="feedback-to-firehose",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
            "KinesisFirehoseDestination": {
                "IamRoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/ses-firehose",
                "DeliveryStreamArn": f"arn:aws:firehose:{BAD}:{ACCOUNT_ID}:deliverystream/ses-events",
            },
        },
    )

    sesv2.create_email_identity(EmailIdentity="shop.example.net", ConfigurationSetName="eu-marketing")
    sesv2.put_email_identity_dkim_attributes(EmailIdentity="shop.example.net", SigningEnabled=False)
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity="shop.example.net", MailFromDomain="bounce.shop.example.net"
    )
    sesv2.create_email_identity_policy(
        EmailIdentity="shop.example.net",
        PolicyName="anyone-may-send",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "ses:SendRawEmail",
                        "Resource": builder.arn(BAD, "identity/shop.example.net"),
                    }
                ],
            }
        ),
    )
    builder.admin.verify_identity("shop.example.net", region=BAD)
    builder.admin.set_identity_status("shop.example.net", mail_from_status="FAILED", region=BAD)

    sesv2.create_email_identity(EmailIdentity="orders@shop.example.net")
    builder.admin.verify_identity("orders@shop.example.net", region=BAD)

    sesv2.create_email_identity(EmailIdentity="unverified.example.org")

    sesv2.create_email_identity(
        EmailIdentity="legacy-byod.example.net",
        ConfigurationSetName="eu-transactional",
        DkimSigningAttributes={"DomainSigningSelector": "sel2023", "DomainSigningPrivateKey": "ZmFrZS1rZXk="},
    )
    builder.admin.verify_identity("legacy-byod.example.net", region=BAD)


# --- receiving ----------------------------------------------------------------------------------


def _build_receiving(builder: _Builder) -> None:
    ses = builder.client("ses", GOOD)
    ses.create_receipt_rule_set(RuleSetName="inbound")
    header = {"AddHeaderAction": {"HeaderName": "X-Inbound", "HeaderValue": "sesguard-demo"}}
    ses.create_receipt_rule(
        RuleSetName="inbound",
        Rule={
            "Name": "inbound-legacy",
            "Enabled": True,
            "TlsPolicy": "Optional",
            "Recipients": ["legacy@example.com"],
            "Actions": [header],
            "ScanEnabled": False,
        },
    )
    ses.create_receipt_rule(
        RuleSetName="inbound",
        Rule={
            "Name": "inbound-scanned",
            "Enabled": True,
            "TlsPolicy": "Require",
            "Recipients": ["support@example.com"],
            "Actions": [header],
            "ScanEnabled": True,
        },
    )
    ses.set_active_receipt_rule_set(RuleSetName="inbound")


# --- IAM ----------------------------------------------------------------------------------------


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _build_iam(builder: _Builder) -> dict[str, str]:
    iam = builder.client("iam")
    admin = builder.admin

    iam.create_user(UserName="smtp-sender", Tags=[{"Key": "purpose", "Value": "smtp"}])
    iam.put_user_policy(
        UserName="smtp-sender",
        PolicyName="send-as-example-com",
        PolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Action": ["ses:SendRawEmail", "ses:SendEmail"],
                "Resource": builder.arn(GOOD, "identity/example.com"),
                "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}},
            }
        ),
    )
    iam.create_access_key(UserName="smtp-sender")
    admin.age_access_key("smtp-sender", created_days_ago=20, last_used_days_ago=1)

    iam.create_user(UserName="legacy-sender")
    iam.put_user_policy(
        UserName="legacy-sender",
        PolicyName="ses-full-access",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "ses:*", "Resource": "*"}),
    )
    iam.create_login_profile(UserName="legacy-sender", Password="Demo-Passw0rd!-not-real")
    iam.create_access_key(UserName="legacy-sender")
    admin.age_access_key("legacy-sender", created_days_ago=400, last_used_days_ago=200, last_used_region=BAD)

    iam.create_group(GroupName="senders")
    iam.put_group_policy(
        GroupName="senders",
        PolicyName="send-raw",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "*"}),
    )
    iam.create_user(UserName="two-key-sender")
    iam.add_user_to_group(GroupName="senders", UserName="two-key-sender")
    first = iam.create_access_key(UserName="two-key-sender")["AccessKey"]["AccessKeyId"]
    second = iam.create_access_key(UserName="two-key-sender")["AccessKey"]["AccessKeyId"]
    admin.age_access_key("two-key-sender", access_key_id=first, created_days_ago=10)
    admin.age_access_key("two-key-sender", access_key_id=second, created_days_ago=5)

    quarantine_arn = admin.add_aws_managed_policy(QUARANTINE_POLICY)
    iam.create_user(UserName="quarantined-user")
    iam.add_user_to_group(GroupName="senders", UserName="quarantined-user")
    iam.create_access_key(UserName="quarantined-user")
    admin.age_access_key("quarantined-user", created_days_ago=60, last_used_days_ago=2)
    iam.attach_user_policy(UserName="quarantined-user", PolicyArn=quarantine_arn)

    iam.create_role(
        RoleName="ses-sender-role",
        AssumeRolePolicyDocument=_policy(
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ),
    )
    iam.put_role_policy(
        RoleName="ses-sender-role",
        PolicyName="send-order-mail",
        PolicyDocument=_policy(
            {
                "Effect": "Allow",
                "Action": "ses:SendEmail",
                "Resource": builder.arn(GOOD, "identity/example.com"),
                "Condition": {"StringEquals": {"ses:FromAddress": "orders@example.com"}},
            }
        ),
    )

    iam.create_user(UserName="sesguard-auditor")
    iam.put_user_policy(
        UserName="sesguard-auditor",
        PolicyName="sesguard-read-only",
        PolicyDocument=json.dumps(read_only_policy()),
    )
    key = iam.create_access_key(UserName="sesguard-auditor")["AccessKey"]
    return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}
