"""Parity with templates: the parity setup built in an account through boto3 and read live normalizes
to the same template-evaluable properties as the same setup written as CloudFormation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory, Resource
from sesguard.run import derive
from sesguard.sources.cfn import read_cloudformation

from .live_support import HOME, Scan

TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "cfn" / "parity" / "template.yaml"
# What a template can say about each resource type (the live reader adds status facts on top).
SHARED: dict[str, tuple[str, ...]] = {
    "configuration_set": ("name", "tls_policy", "reputation_metrics_enabled", "suppressed_reasons",
                          "sending_enabled", "enabled_event_types"),
    "email_identity": ("identity", "identity_type", "domain", "dkim_signing_enabled", "dkim_origin",
                       "dkim_next_key_length", "mail_from_domain", "default_configuration_set",
                       "public_policy_statements", "feedback_event_types", "bounce_feedback",
                       "complaint_feedback"),
    "iam_principal": ("principal_type", "name", "console_password", "is_sending", "actions_beyond_send",
                      "send_resource_scoped", "send_network_restricted", "has_access_keys", "active_key_count",
                      "quarantine_policies"),
}
ALARM_FIELDS = ("name", "namespace", "metric_name", "threshold", "comparison", "actions", "actions_enabled")


def build_parity_setup(ep: LocalEndpoint) -> None:
    """tests/fixtures/cfn/parity/template.yaml, made with plain boto3 write calls."""
    sns, v2 = ep.client("sns", HOME), ep.client("sesv2", HOME)
    feedback = sns.create_topic(Name="parity-ses-feedback")["TopicArn"]
    alarms = sns.create_topic(Name="parity-ses-alarms")["TopicArn"]
    v2.create_configuration_set(
        ConfigurationSetName="parity-main",
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
    )
    for name, event in (("bounces", "BOUNCE"), ("complaints", "COMPLAINT")):
        v2.create_configuration_set_event_destination(
            ConfigurationSetName="parity-main",
            EventDestinationName=name,
            EventDestination={"Enabled": True, "MatchingEventTypes": [event], "SnsDestination": {"TopicArn": feedback}},
        )
    v2.create_email_identity(
        EmailIdentity="parity.example.com",
        ConfigurationSetName="parity-main",
        DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"},
    )
    v2.put_email_identity_mail_from_attributes(
        EmailIdentity="parity.example.com",
        MailFromDomain="mail.parity.example.com",
        BehaviorOnMxFailure="USE_DEFAULT_VALUE",
    )
    iam = ep.client("iam", HOME)
    iam.create_user(UserName="parity-smtp-user")
    iam.put_user_policy(
        UserName="parity-smtp-user",
        PolicyName="ses-everything",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]}
        ),
    )
    iam.create_access_key(UserName="parity-smtp-user")
    iam.create_login_profile(UserName="parity-smtp-user", Password="Parity-Console-1!")
    ep.client("cloudwatch", HOME).put_metric_alarm(
        AlarmName="parity-ses-bounce-rate",
        Namespace="AWS/SES",
        MetricName="Reputation.BounceRate",
        Statistic="Average",
        Period=3600,
        EvaluationPeriods=1,
        Threshold=0.05,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[alarms],
    )


def _by_type_and_name(inventory: Inventory) -> dict[tuple[str, str], Resource]:
    return {(r.type, str(r.props.get("name") or r.props.get("identity") or r.type)): r for r in inventory.resources}


def _shared(resource: Resource) -> dict[str, Any]:
    return {key: resource.props.get(key) for key in SHARED[resource.type]}


def test_live_and_cloudformation_normalize_the_same_setup_alike(endpoint: LocalEndpoint, scan: Scan) -> None:
    build_parity_setup(endpoint)
    live = scan(regions=[HOME])
    live = derive(live)
    assert live.errors == []
    cfn = read_cloudformation(TEMPLATE, "parity")
    cfn = derive(cfn)
    live_by, cfn_by = _by_type_and_name(live), _by_type_and_name(cfn)
    for key in (
        ("configuration_set", "parity-main"),
        ("email_identity", "parity.example.com"),
        ("iam_principal", "parity-smtp-user"),
    ):
        assert _shared(live_by[key]) == _shared(cfn_by[key]), key
    live_alarms = [{f: a[f] for f in ALARM_FIELDS} for a in live_by[("account", "account")].props["alarms"]]
    cfn_alarms = [{f: a[f] for f in ALARM_FIELDS} for a in cfn_by[("account", "account")].props["alarms"]]
    assert live_alarms == cfn_alarms
