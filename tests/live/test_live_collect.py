"""A full collection of a small account: every base property of docs/model.md, as AWS would say it."""

from __future__ import annotations

import json
from typing import Any

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory, SetRef, Unknown
from sesguard.secrets import mask
from sesguard.snapshot import inventory_from_dict, inventory_to_dict

from .live_support import ACCOUNT, HOME, OTHER, Scan, build_small_account, by_key, send_policy

HOME_SET = f"{ACCOUNT}/{HOME}"
IAM_SET = ACCOUNT  # IAM is global: one set per account
OTHER_SET = f"{ACCOUNT}/{OTHER}"


def _full(endpoint: LocalEndpoint, scan: Scan, **options: Any) -> tuple[Inventory, dict[str, Any]]:
    built = build_small_account(endpoint)
    return scan(regions=[HOME, OTHER], **options), built


def test_sets_and_resources(endpoint: LocalEndpoint, scan: Scan) -> None:
    inventory, _ = _full(endpoint, scan)
    assert inventory.errors == []
    assert inventory.meta["live"]["read_failures"] == []
    assert inventory.sets == {
        IAM_SET: SetRef("live", IAM_SET, ACCOUNT, None),
        HOME_SET: SetRef("live", HOME_SET, ACCOUNT, HOME),
        OTHER_SET: SetRef("live", OTHER_SET, ACCOUNT, OTHER),
    }
    assert inventory.collected_at and inventory.collected_at.endswith("+00:00")
    assert sorted(by_key(inventory)) == sorted(
        [
            (HOME_SET, "account", HOME),
            (HOME_SET, "configuration_set", "bare"),
            (HOME_SET, "configuration_set", "main"),
            (HOME_SET, "email_identity", "example.com"),
            (HOME_SET, "email_identity", "sender@example.com"),
            (IAM_SET, "iam_principal", "group/senders"),
            (IAM_SET, "iam_principal", "role/app"),
            (IAM_SET, "iam_principal", "user/smtp"),
            (HOME_SET, "receipt_rule", "scan-all"),
            (OTHER_SET, "account", OTHER),
        ]
    )
    for resource in inventory.resources:
        assert resource.source == "live"
        assert resource.location.account == ACCOUNT
        region = resource.set_name.partition("/")[2] or None
        assert resource.location.region == region
        assert (region is None) == (resource.type == "iam_principal")


def test_account_rows(endpoint: LocalEndpoint, scan: Scan) -> None:
    inventory, _ = _full(endpoint, scan)
    found = by_key(inventory)
    home = found[(HOME_SET, "account", HOME)].props
    assert {k: v for k, v in home.items() if not k.endswith("_at")} == {
        "enforcement_status": "HEALTHY",
        "sending_enabled": True,
        "production_access_enabled": True,
        "suppressed_reasons": ["BOUNCE", "COMPLAINT"],
        "vdm_enabled": True,
        "bounce_rate": 0.03,
        "complaint_rate": 0.0005,
        "sent_in_lookback": 0.0,
        "quiet_region": False,  # it has identities
        "alarms": [
            {
                "name": "bounce",
                "namespace": "AWS/SES",
                "metric_name": "Reputation.BounceRate",
                "dimensions": [],
                "expression": None,
                "threshold": 0.05,
                "comparison": "GreaterThanOrEqualToThreshold",
                "actions": 1,
                "actions_enabled": True,
            },
            {  # kept with its dimension, so SES-MON-001 does not count it as the account-level alarm
                "name": "per-set-bounce",
                "namespace": "AWS/SES",
                "metric_name": "Reputation.BounceRate",
                "dimensions": ["ses:configuration-set=main"],
                "expression": None,
                "threshold": 0.05,
                "comparison": "GreaterThanOrEqualToThreshold",
                "actions": 0,
                "actions_enabled": True,
            },
        ],
    }
    assert home["bounce_rate_at"] and home["bounce_rate_at"].endswith("+00:00")
    assert home["bounce_rate_at"] >= home["complaint_rate_at"][:10]
    # A region without reputation data: None, not an error.
    other = found[(OTHER_SET, "account", OTHER)].props
    assert other["bounce_rate"] is None and other["bounce_rate_at"] is None
    assert other["complaint_rate"] is None and other["complaint_rate_at"] is None
    assert other["alarms"] == []
    assert other["production_access_enabled"] is False
    assert other["quiet_region"] is True  # no identity, nothing sent


def test_identities(endpoint: LocalEndpoint, scan: Scan) -> None:
    inventory, built = _full(endpoint, scan)
    found = by_key(inventory)
    domain = found[(HOME_SET, "email_identity", "example.com")]
    assert domain.location.arn == f"arn:aws:ses:{HOME}:{ACCOUNT}:identity/example.com"
    props = domain.props
    assert props["identity"] == "example.com"
    assert props["identity_type"] == "DOMAIN"
    assert props["domain"] == "example.com"
    assert props["verification_status"] == "SUCCESS"
    assert props["dkim_signing_enabled"] is True
    assert props["dkim_status"] == "SUCCESS"
    assert props["dkim_origin"] == "AWS_SES"
    assert props["dkim_next_key_length"] == "RSA_2048_BIT"
    assert props["mail_from_domain"] == "mail.example.com"
    assert props["mail_from_status"] == "SUCCESS"
    assert props["default_configuration_set"] == "main"
    assert props["policies"] == [
        {
            "name": "anyone",
            "document": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "ses:SendEmail", "Resource": "*"}
                ],
            },
        }
    ]
    assert props["notification_topics"] == {"BOUNCE": None, "COMPLAINT": None, "DELIVERY": None}
    assert props["dmarc_checked"] is False and props["dmarc_policy"] is None
    assert props["sandbox"] is False
    address = found[(HOME_SET, "email_identity", "sender@example.com")].props
    assert address["identity_type"] == "EMAIL_ADDRESS"
    assert address["domain"] == "example.com"
    assert address["default_configuration_set"] is None
    assert address["mail_from_domain"] is None and address["mail_from_status"] is None
    assert address["notification_topics"] == {
        "BOUNCE": built["topic"],
        "COMPLAINT": built["topic"],
        "DELIVERY": None,
    }


def test_configuration_sets_and_receipt_rules(endpoint: LocalEndpoint, scan: Scan) -> None:
    inventory, built = _full(endpoint, scan)
    found = by_key(inventory)
    assert found[(HOME_SET, "configuration_set", "main")].props == {
        "name": "main",
        "tls_policy": "REQUIRE",
        "reputation_metrics_enabled": True,
        "suppressed_reasons": ["BOUNCE"],
        "sending_enabled": True,
        "event_destinations": [
            {
                "name": "feedback",
                "enabled": True,
                "event_types": ["BOUNCE", "COMPLAINT"],
                "target": f"sns:{built['topic']}",
            }
        ],
    }
    assert found[(HOME_SET, "configuration_set", "bare")].props == {
        "name": "bare",
        "tls_policy": "OPTIONAL",
        "reputation_metrics_enabled": False,
        "suppressed_reasons": None,
        "sending_enabled": True,
        "event_destinations": [],
    }
    assert found[(HOME_SET, "receipt_rule", "scan-all")].props == {
        "name": "scan-all",
        "rule_set": "inbound",
        "enabled": True,
        "scan_enabled": True,
        "tls_policy": "REQUIRE",
        "rule_set_active": True,
    }


def test_iam_principals_once_per_account(endpoint: LocalEndpoint, scan: Scan) -> None:
    inventory, built = _full(endpoint, scan)
    found = by_key(inventory)
    user = found[(IAM_SET, "iam_principal", "user/smtp")]
    assert user.location.arn == f"arn:aws:iam::{ACCOUNT}:user/smtp"
    props = user.props
    assert props["principal_type"] == "user" and props["name"] == "smtp"
    assert props["groups"] == ["senders"]
    assert props["attached_policy_names"] == ["send-all"]
    assert props["policy_documents"] == [
        {"origin": "inline:send", "document": json.loads(send_policy("ses:SendRawEmail"))},
    ]
    assert props["console_password"] is True
    [key] = props["access_keys"]
    assert key["status"] == "Active"
    # A sending user: its key facts are read directly (the report may be hours old), ID masked.
    assert key["id"] == mask(built["access_key_id"])
    assert inventory.meta["live"]["key_facts_read_directly"] == {ACCOUNT: ["smtp"]}
    assert key["created_at"] < key["last_used_at"] < inventory.collected_at
    group = found[(IAM_SET, "iam_principal", "group/senders")].props
    assert group["policy_documents"] == [
        {"origin": f"managed:{built['managed']}", "document": json.loads(send_policy("ses:Send*"))}
    ]
    assert group["access_keys"] == [] and group["console_password"] is False
    role = found[(IAM_SET, "iam_principal", "role/app")].props
    assert role["attached_policy_names"] == ["send-all"]
    # Global: once per account, in the account's own set, whatever the regions.
    assert {r.set_name for r in inventory.resources if r.type == "iam_principal"} == {IAM_SET}
    assert user.location.region is None
    assert inventory.meta["api_calls"]["iam:GetAccountAuthorizationDetails"] == 1


def test_no_secret_or_key_id_in_snapshot(endpoint: LocalEndpoint, scan: Scan) -> None:
    inventory, built = _full(endpoint, scan)
    text = json.dumps(inventory_to_dict(inventory), default=str)
    assert built["access_key_id"] not in text
    assert built["secret"] not in text
    assert endpoint.env()["AWS_SECRET_ACCESS_KEY"] not in text
    assert endpoint.env()["AWS_ACCESS_KEY_ID"] not in text


def test_snapshot_round_trip(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.inject_fault("cloudwatch", "GetMetricData", kind="access-denied")
    inventory, _ = _full(endpoint, scan)
    again = inventory_from_dict(json.loads(json.dumps(inventory_to_dict(inventory), default=str)))
    assert again.resources == inventory.resources
    assert again.errors == inventory.errors
    assert again.sets == inventory.sets
    home = by_key(again)[(HOME_SET, "account", HOME)].props
    assert home["bounce_rate"] == Unknown("GetMetricData: AccessDenied")


def test_progress_and_call_counts(endpoint: LocalEndpoint, scan: Scan) -> None:
    lines: list[str] = []
    inventory, _ = _full(endpoint, scan, progress=lines.append)
    assert [line.split("] ", 1)[0] for line in lines] == ["[1/3", "[2/3", "[3/3"]
    assert sorted(line.split("] ", 1)[1] for line in lines) == sorted(
        f"{ACCOUNT} {label} done" for label in (HOME, OTHER, "iam")
    )
    calls = inventory.meta["api_calls"]
    assert calls["sesv2:GetEmailIdentity"] == 2
    assert calls["sesv2:GetAccount"] == 2
    assert calls["cloudwatch:GetMetricData"] == 2  # one call for both metrics, per region
    assert calls["cloudwatch:DescribeAlarms"] == 2
    assert calls["ses:GetIdentityNotificationAttributes"] == 1  # eu-west-1 has no identities: no call
    assert calls["sts:GetCallerIdentity"] == 1
    assert inventory.meta["live"]["api_call_total"] == sum(calls.values())
