"""A setting left out means AWS's default, the same from every source (``sesguard.model.ses_defaults``):
a configuration set, an event destination and a receipt rule that set nothing read alike from
CloudFormation, Terraform and a live account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sesguard.local import LocalEndpoint
from sesguard.model import CONFIGURATION_SET, RECEIPT_RULE, Inventory
from sesguard.sources.cfn import read_cloudformation
from sesguard.sources.terraform import read_terraform

from .live_support import HOME, Scan

SET_FACTS = ("tls_policy", "reputation_metrics_enabled", "sending_enabled")
RULE_FACTS = ("enabled", "scan_enabled", "tls_policy")
EXPECTED = {
    "set": {"tls_policy": "OPTIONAL", "reputation_metrics_enabled": False, "sending_enabled": True},
    "destination_enabled": False,
    "rule": {"enabled": False, "scan_enabled": False, "tls_policy": "OPTIONAL"},
}


def _facts(inventory: Inventory) -> dict[str, Any]:
    (config_set,) = [r for r in inventory.resources if r.type == CONFIGURATION_SET]
    (rule,) = [r for r in inventory.resources if r.type == RECEIPT_RULE]
    (destination,) = config_set.props["event_destinations"]
    return {
        "set": {k: config_set.props[k] for k in SET_FACTS},
        "destination_enabled": destination["enabled"],
        "rule": {k: rule.props[k] for k in RULE_FACTS},
    }


def test_cloudformation(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Resources:\n"
        "  Set: {Type: AWS::SES::ConfigurationSet, Properties: {Name: plain}}\n"
        "  Destination:\n"
        "    Type: AWS::SES::ConfigurationSetEventDestination\n"
        "    Properties:\n"
        "      ConfigurationSetName: !Ref Set\n"
        "      EventDestination: {Name: d, MatchingEventTypes: [bounce],"
        " SnsDestination: {TopicARN: arn:aws:sns:us-east-1:123456789012:t}}\n"
        "  Rules: {Type: AWS::SES::ReceiptRuleSet, Properties: {RuleSetName: rules}}\n"
        "  Rule: {Type: AWS::SES::ReceiptRule, Properties: {RuleSetName: !Ref Rules, Rule: {Name: r}}}\n"
    )
    assert _facts(read_cloudformation(tmp_path / "t.yaml", "s")) == EXPECTED


def test_terraform(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_sesv2_configuration_set" "s" { configuration_set_name = "plain" }\n'
        'resource "aws_sesv2_configuration_set_event_destination" "d" {\n'
        "  configuration_set_name = aws_sesv2_configuration_set.s.configuration_set_name\n"
        '  event_destination_name = "d"\n'
        "  event_destination {\n"
        '    matching_event_types = ["BOUNCE"]\n'
        '    sns_destination { topic_arn = "arn:aws:sns:us-east-1:123456789012:t" }\n'
        "  }\n"
        "}\n"
        'resource "aws_ses_receipt_rule_set" "rules" { rule_set_name = "rules" }\n'
        'resource "aws_ses_receipt_rule" "r" {\n'
        '  name = "r"\n'
        "  rule_set_name = aws_ses_receipt_rule_set.rules.rule_set_name\n"
        "}\n"
    )
    assert _facts(read_terraform(tmp_path, "s")) == EXPECTED


def test_live(endpoint: LocalEndpoint, scan: Scan) -> None:
    v2 = endpoint.client("sesv2", HOME)
    v1 = endpoint.client("ses", HOME)
    v2.create_configuration_set(ConfigurationSetName="plain")
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="plain",
        EventDestinationName="d",
        EventDestination={
            "MatchingEventTypes": ["BOUNCE"],
            "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
        },
    )
    v1.create_receipt_rule_set(RuleSetName="rules")
    v1.create_receipt_rule(RuleSetName="rules", Rule={"Name": "r"})
    v1.set_active_receipt_rule_set(RuleSetName="rules")
    assert _facts(scan(regions=[HOME])) == EXPECTED
