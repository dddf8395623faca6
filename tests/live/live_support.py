"""Helpers of the live reader's tests: constants, account builders, IAM setups (no fixtures here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory, Resource

ACCOUNT = "123456789012"
HOME = "us-east-1"
OTHER = "eu-west-1"
FAST: dict[str, Any] = {
    "max_attempts": 2,
    "credential_report_wait": 5.0,
    "connect_timeout": 2.0,
    "read_timeout": 10.0,
}

Scan = Callable[..., Inventory]


def by_key(inventory: Inventory) -> dict[tuple[str, str, str], Resource]:
    """Resources by (set name, type, id)."""
    return {(r.set_name, r.type, r.id): r for r in inventory.resources}


def hours_ago(hours: float) -> datetime:
    """A UTC moment ``hours`` before now."""
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def send_policy(*actions: str, resource: str = "*") -> str:
    """An IAM policy document allowing ``actions``."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}],
        }
    )


def build_small_account(ep: LocalEndpoint) -> dict[str, Any]:
    """A small, fully configured account in us-east-1 (eu-west-1 stays empty); returns secrets to hunt for."""
    v2 = ep.client("sesv2", HOME)
    v1 = ep.client("ses", HOME)
    sns = ep.client("sns", HOME)
    cloudwatch = ep.client("cloudwatch", HOME)
    iam = ep.client("iam", HOME)
    ep.set_account(production_access_enabled=True, enforcement_status="HEALTHY", region=HOME)
    v2.put_account_suppression_attributes(SuppressedReasons=["BOUNCE", "COMPLAINT"])
    v2.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "ENABLED"})
    topic = sns.create_topic(Name="ses-feedback")["TopicArn"]

    # Reputation metrics: the newest point is the one kept.
    cloudwatch.put_metric_data(
        Namespace="AWS/SES",
        MetricData=[
            {"MetricName": "Reputation.BounceRate", "Timestamp": hours_ago(5), "Value": 0.01},
            {"MetricName": "Reputation.BounceRate", "Timestamp": hours_ago(1.5), "Value": 0.03},
            {"MetricName": "Reputation.ComplaintRate", "Timestamp": hours_ago(1.5), "Value": 0.0005},
        ],
    )
    alarm: dict[str, Any] = {
        "Namespace": "AWS/SES",
        "Statistic": "Average",
        "Period": 3600,
        "EvaluationPeriods": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }
    cloudwatch.put_metric_alarm(
        AlarmName="bounce", MetricName="Reputation.BounceRate", Threshold=0.05, AlarmActions=[topic], **alarm
    )
    cloudwatch.put_metric_alarm(
        AlarmName="per-set-bounce",
        MetricName="Reputation.BounceRate",
        Threshold=0.05,
        Dimensions=[{"Name": "ses:configuration-set", "Value": "main"}],
        **alarm,
    )
    cloudwatch.put_metric_alarm(AlarmName="sends", MetricName="Send", Threshold=10.0, **alarm)

    v2.create_configuration_set(
        ConfigurationSetName="main",
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE"]},
    )
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="main",
        EventDestinationName="feedback",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
            "SnsDestination": {"TopicArn": topic},
        },
    )
    v2.create_configuration_set(ConfigurationSetName="bare")

    v2.create_email_identity(EmailIdentity="example.com", ConfigurationSetName="main")
    v2.put_email_identity_mail_from_attributes(EmailIdentity="example.com", MailFromDomain="mail.example.com")
    v2.create_email_identity_policy(
        EmailIdentity="example.com",
        PolicyName="anyone",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "ses:SendEmail", "Resource": "*"}
                ],
            }
        ),
    )
    ep.verify_identity("example.com", region=HOME)
    v2.create_email_identity(EmailIdentity="sender@example.com")
    v1.set_identity_notification_topic(
        Identity="sender@example.com", NotificationType="Bounce", SnsTopic=topic
    )
    v1.set_identity_notification_topic(
        Identity="sender@example.com", NotificationType="Complaint", SnsTopic=topic
    )

    v1.create_receipt_rule_set(RuleSetName="inbound")
    v1.create_receipt_rule(
        RuleSetName="inbound",
        Rule={
            "Name": "scan-all",
            "Enabled": True,
            "TlsPolicy": "Require",
            "ScanEnabled": True,
            "Recipients": [],
        },
    )
    v1.set_active_receipt_rule_set(RuleSetName="inbound")

    iam.create_user(UserName="smtp")
    iam.put_user_policy(UserName="smtp", PolicyName="send", PolicyDocument=send_policy("ses:SendRawEmail"))
    key = iam.create_access_key(UserName="smtp")["AccessKey"]
    ep.age_access_key("smtp", created_days_ago=100, last_used_days_ago=10)
    iam.create_login_profile(UserName="smtp", Password="Not-a-real-password-1!")
    managed = iam.create_policy(PolicyName="send-all", PolicyDocument=send_policy("ses:Send*"))["Policy"][
        "Arn"
    ]
    iam.create_group(GroupName="senders")
    iam.attach_group_policy(GroupName="senders", PolicyArn=managed)
    iam.add_user_to_group(GroupName="senders", UserName="smtp")
    iam.create_role(
        RoleName="app",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    iam.attach_role_policy(RoleName="app", PolicyArn=managed)
    return {
        "topic": topic,
        "managed": managed,
        "access_key_id": key["AccessKeyId"],
        "secret": key["SecretAccessKey"],
    }


def in_account(ep: LocalEndpoint, account: str, service: str, region: str = HOME) -> Any:
    """A client acting in another account (set-up only: moto's account header, before enforcement)."""
    return ep.client(service, region, account_id=account)


def readonly_statement() -> dict[str, Any]:
    """The read statement of the shipped policy."""
    from sesguard.sources.live.permissions import policy_document

    return dict(policy_document()["Statement"][0])


def caller_statements() -> list[dict[str, Any]]:
    """The organization and AssumeRole statements of the shipped policy."""
    from sesguard.sources.live.permissions import policy_document

    return [dict(s) for s in policy_document()["Statement"][1:]]


def create_scan_role(ep: LocalEndpoint, account: str, trusted: str = ACCOUNT) -> None:
    """The ``sesguard-readonly`` role in ``account``: trusts ``trusted``, may do only the read statement."""
    iam = in_account(ep, account, "iam")
    iam.create_role(
        RoleName="sesguard-readonly",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{trusted}:root"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    iam.put_role_policy(
        RoleName="sesguard-readonly",
        PolicyName="read",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [readonly_statement()]}),
    )


def scanner_user(
    ep: LocalEndpoint, statements: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Create the IAM user ``scanner`` with ``statements`` and make its keys the environment's."""
    iam = ep.client("iam", HOME)
    iam.create_user(UserName="scanner")
    iam.put_user_policy(
        UserName="scanner",
        PolicyName="sesguard",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    key = iam.create_access_key(UserName="scanner")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
