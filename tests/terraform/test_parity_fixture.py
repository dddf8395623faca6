"""The parity fixture normalizes as its README says, from the .tf files and from their plan JSON."""

from __future__ import annotations

from typing import Any

from sesguard.model import ACCOUNT, TEMPLATE_SET, Inventory, is_unknown
from sesguard.sources.terraform import read_terraform

from .conftest import FIXTURES, by_id, of_type

EXPECTED: dict[str, dict[str, Any]] = {
    "aws_sesv2_email_identity.domain": {
        "identity": "parity.example.com", "identity_type": "DOMAIN", "domain": "parity.example.com",
        "dkim_signing_enabled": True, "dkim_origin": "AWS_SES", "dkim_key_length": None,
        "dkim_next_key_length": "RSA_2048_BIT", "mail_from_domain": "mail.parity.example.com",
        "dmarc_checked": True, "dmarc_policy": None, "default_configuration_set": "parity-main",
        "notification_topics": {"BOUNCE": None, "COMPLAINT": None, "DELIVERY": None}, "policies": [],
    },
    "aws_sesv2_configuration_set.main": {
        "name": "parity-main", "tls_policy": "REQUIRE", "reputation_metrics_enabled": True,
        "suppressed_reasons": None, "sending_enabled": True,
        "event_destinations": [
            {"name": "bounces", "enabled": True, "event_types": ["BOUNCE"], "target": "sns"},
            {"name": "complaints", "enabled": True, "event_types": ["COMPLAINT"], "target": "sns"},
        ],
    },
    "aws_iam_user.smtp": {
        "principal_type": "user", "name": "parity-smtp-user", "groups": [], "attached_policy_names": [],
        "policy_documents": [{"origin": "inline:ses-everything", "document": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]}}],
        "access_keys": [{"id": "aws_iam_access_key.smtp", "status": "Active", "created_at": None,
                         "last_used_at": None}],
        "console_password": True,
    },
}


def _check(inv: Inventory, alarm_actions_known: bool) -> None:
    assert inv.errors == []
    for resource_id, expected in EXPECTED.items():
        assert by_id(inv, resource_id).props == expected, resource_id
    (account,) = of_type(inv, ACCOUNT)
    (alarm,) = account.props["alarms"]
    assert {k: v for k, v in alarm.items() if k not in ("file", "line", "actions")} == {
        "name": "parity-ses-bounce-rate", "namespace": "AWS/SES", "metric_name": "Reputation.BounceRate",
        "dimensions": [], "expression": None, "threshold": 0.05, "comparison": "GreaterThanOrEqualToThreshold", "actions_enabled": True}
    if alarm_actions_known:
        assert alarm["actions"] == 1
    else:  # in the plan the topic ARN, so the action list, is known only after apply
        assert is_unknown(alarm["actions"])
    assert {k: v for k, v in account.props.items() if k != "alarms"} == {
        "suppressed_reasons": None, "vdm_enabled": False, "ses_resource_count": 5}
    (template_set,) = of_type(inv, TEMPLATE_SET)
    assert template_set.props == {"secret_exposures": [], "literal_credentials": []}


def test_parity_from_tf() -> None:
    _check(read_terraform(FIXTURES / "parity", "parity"), alarm_actions_known=True)


def test_parity_from_plan() -> None:
    _check(read_terraform(FIXTURES / "plan" / "parity.json", "parity"), alarm_actions_known=False)
