"""Normalization helpers, without an endpoint."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import botocore.session
import pytest

from sesguard.model import Unknown
from sesguard.model.identity import identity_domain
from sesguard.sources.live.accounts import organization_accounts
from sesguard.sources.live.config_sets import destination, set_props
from sesguard.sources.live.errors import error_code
from sesguard.sources.live.identities import detail_props
from sesguard.sources.live.keys import from_report
from sesguard.sources.live.session import retry_policy
from sesguard.sources.live.values import iso, policy_document, upper_list


def test_iso_timestamps() -> None:
    assert (
        iso(datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))) == "2024-05-01T12:00:00+00:00"
    )
    assert iso(datetime(2024, 5, 1, 12, 0, 0, 123)) == "2024-05-01T12:00:00+00:00"  # naive = UTC
    assert iso("2024-05-01T12:00:00Z") == "2024-05-01T12:00:00+00:00"
    for absent in (None, "N/A", "no_information", "not_supported", ""):
        assert iso(absent) is None


def test_policy_documents_decoded() -> None:
    document = {"Version": "2012-10-17", "Statement": []}
    assert policy_document(document, "p") == document
    assert policy_document(json.dumps(document), "p") == document
    assert policy_document(quote(json.dumps(document)), "p") == document
    assert policy_document("{not json", "p") == Unknown("p: the policy document is not valid JSON")


def test_enumerations_upper_case() -> None:
    assert upper_list(["bounce", "Complaint", "BOUNCE"]) == ["BOUNCE", "COMPLAINT"]
    assert set_props({"DeliveryOptions": {"TlsPolicy": "Require"}})["tls_policy"] == "REQUIRE"
    assert set_props({"SuppressionOptions": {"SuppressedReasons": []}})["suppressed_reasons"] == []
    assert set_props({"SuppressionOptions": {}})["suppressed_reasons"] is None
    cloudwatch = {"DimensionConfigurations": [{"DimensionName": "d", "DimensionValueSource": "MESSAGE_TAG"}]}
    assert destination(
        {"Name": "d", "Enabled": True, "MatchingEventTypes": ["bounce"], "CloudWatchDestination": cloudwatch}
    ) == {"name": "d", "enabled": True, "event_types": ["BOUNCE"], "target": "cloudwatch"}
    sns = {"Name": "s", "MatchingEventTypes": ["COMPLAINT"], "SnsDestination": {"TopicArn": "arn:t"}}
    assert destination(sns) == {
        "name": "s",
        "enabled": False,
        "event_types": ["COMPLAINT"],
        "target": "sns:arn:t",
    }


def test_identity_details() -> None:
    props = detail_props(
        {
            "IdentityType": "DOMAIN",
            "VerificationStatus": "SUCCESS",
            "DkimAttributes": {
                "SigningEnabled": True,
                "Status": "SUCCESS",
                "SigningAttributesOrigin": "AWS_SES_EU_WEST_1",
            },
            "MailFromAttributes": {"MailFromDomain": "", "MailFromDomainStatus": "FAILED"},
            "Policies": {"b": '{"Statement": []}', "a": "not json"},
        }
    )
    assert props["dkim_origin"] == "AWS_SES"
    assert props["mail_from_domain"] is None and props["mail_from_status"] is None
    assert [p["name"] for p in props["policies"]] == ["a", "b"]
    assert isinstance(props["policies"][0]["document"], Unknown)
    assert identity_domain("Someone@Example.COM") == "example.com"


def test_credential_report_rows() -> None:
    row = {
        "user": "u",
        "password_enabled": "true",
        "access_key_1_active": "false",
        "access_key_1_last_rotated": "2024-01-01T00:00:00+00:00",
        "access_key_1_last_used_date": "N/A",
        "access_key_2_active": "false",
        "access_key_2_last_rotated": "N/A",
        "access_key_2_last_used_date": "N/A",
    }
    credentials = from_report(row, "credential report, 2.0 h old")
    assert credentials.console_password is True
    assert credentials.access_keys == [
        {
            "id": "access_key_1 (credential report, 2.0 h old)",
            "status": "Inactive",
            "created_at": "2024-01-01T00:00:00+00:00",
            "last_used_at": None,
        }
    ]


def test_only_active_organization_accounts() -> None:
    class Org:
        def list_accounts(self, **params: Any) -> dict[str, Any]:
            return {
                "Accounts": [
                    {"Id": "111111111111", "State": "ACTIVE"},
                    {"Id": "222222222222", "State": "SUSPENDED"},
                    {"Id": "333333333333", "Status": "ACTIVE"},
                    {"Id": "444444444444", "State": "PENDING_CLOSURE", "Status": "ACTIVE"},
                ]
            }

    class Base:
        def client(self, service: str, region: str) -> Org:
            return Org()

    assert organization_accounts(Base(), "us-east-1") == ["111111111111", "333333333333"]  # type: ignore[arg-type]


def test_error_codes_of_non_aws_errors() -> None:
    assert error_code(ValueError("x")) == "ValueError"


def test_domain_without_dkim_origin_is_unknown_not_out_of_scope() -> None:
    """SES-ID-004 is scoped by dkim_origin: a domain whose origin AWS did not send must not drop out."""
    from sesguard.model import is_unknown
    from sesguard.sources.live.identities import detail_props

    domain = detail_props({"IdentityType": "DOMAIN", "DkimAttributes": {"SigningEnabled": True, "Status": "SUCCESS"}})
    assert is_unknown(domain["dkim_origin"])
    address = detail_props({"IdentityType": "EMAIL_ADDRESS", "DkimAttributes": {"SigningEnabled": False}})
    assert address["dkim_origin"] is None
    replicated = detail_props({"IdentityType": "DOMAIN", "DkimAttributes": {"SigningAttributesOrigin": "AWS_SES_EU_WEST_1"}})
    assert replicated["dkim_origin"] == "AWS_SES"


def test_retries_follow_the_options_then_the_aws_configuration_then_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_MAX_ATTEMPTS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    config.write_text("[profile capped]\nmax_attempts = 4\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))

    def policy(max_attempts: int | None, profile: str | None = None) -> dict[str, Any]:
        return retry_policy(max_attempts, botocore.session.Session(profile=profile).get_config_variable)

    assert policy(None) == {"mode": "adaptive", "total_max_attempts": 8}
    assert policy(None, "capped") == {"mode": "adaptive", "total_max_attempts": 4}
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    assert policy(None) == {"mode": "adaptive", "total_max_attempts": 2}
    assert policy(1) == {"mode": "adaptive", "total_max_attempts": 1}  # LiveOptions.max_attempts wins
