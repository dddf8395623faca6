"""Failures are visible: each fault becomes SourceErrors or Unknown values exactly where it blocks."""

from __future__ import annotations

import socket

import pytest

from sesguard.local import LocalEndpoint
from sesguard.model import SetRef, Unknown, is_unknown
from sesguard.sources.live import collect_live
from sesguard.sources.live.errors import REGIONAL_TYPES
from sesguard.sources.live.pacing import Pacer

from .live_support import ACCOUNT, HOME, OTHER, Scan, build_small_account, by_key

HOME_SET = f"{ACCOUNT}/{HOME}"
OTHER_SET = f"{ACCOUNT}/{OTHER}"


def _errors(inventory: object) -> list[tuple[str, tuple[str, ...], str | None]]:
    return sorted((e.set_name, e.affects, e.code) for e in inventory.errors)  # type: ignore[attr-defined]


def test_sesv2_denied_in_one_region_only(endpoint: LocalEndpoint, scan: Scan) -> None:
    build_small_account(endpoint)
    endpoint.client("sesv2", OTHER).create_email_identity(EmailIdentity="eu.example.com")
    endpoint.inject_fault("sesv2", "*", kind="access-denied", region=OTHER)
    inventory = scan(regions=[HOME, OTHER])
    assert _errors(inventory) == [
        (OTHER_SET, ("configuration_set", "email_identity"), "AccessDeniedException"),
        (OTHER_SET, ("email_identity",), "AccessDeniedException"),
    ]
    for error in inventory.errors:
        assert error.source == "live"
        assert error.location.account == ACCOUNT and error.location.region == OTHER
        assert "AccessDeniedException" in error.message
    found = by_key(inventory)
    assert (HOME_SET, "account", HOME) in found
    assert (HOME_SET, "email_identity", "example.com") in found
    # The account row stays, with GetAccount's facts Unknown and CloudWatch's facts read.
    [other] = [r for r in inventory.resources if r.set_name == OTHER_SET]
    assert other.props["enforcement_status"] == Unknown("GetAccount: AccessDeniedException")
    assert other.props["alarms"] == []


def test_throttling_that_outlasts_retries(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.inject_fault("sesv2", "GetAccount", kind="throttling")
    inventory = scan(regions=[HOME], max_attempts=2)
    assert _errors(inventory) == []
    # The call was retried before giving up.
    live = inventory.meta["live"]
    assert live["http_requests"] > live["api_call_total"]
    [account] = [r for r in inventory.resources if r.type == "account"]
    assert account.props["vdm_enabled"] == Unknown("GetAccount: TooManyRequestsException")
    assert account.props["bounce_rate"] is None  # read from CloudWatch: no data points
    assert [f["operation"] for f in live["read_failures"]] == ["GetAccount"]


def test_server_error_on_one_identity_keeps_it_with_unknowns(endpoint: LocalEndpoint, scan: Scan) -> None:
    build_small_account(endpoint)
    endpoint.inject_fault("sesv2", "GetEmailIdentity", kind="internal", count=1)
    inventory = scan(regions=[HOME], max_attempts=1, max_workers=1)
    assert inventory.errors == []
    identities = [r for r in inventory.resources if r.type == "email_identity"]
    assert len(identities) == 2
    failed = [r for r in identities if is_unknown(r.props["dkim_status"])]
    assert len(failed) == 1
    props = failed[0].props
    reason = Unknown("GetEmailIdentity: InternalFailure")
    assert props["dkim_signing_enabled"] == reason
    assert props["policies"] == reason
    assert props["default_configuration_set"] == reason
    assert props["verification_status"] == "SUCCESS"  # from ListEmailIdentities
    assert props["identity_type"] in {"DOMAIN", "EMAIL_ADDRESS"}
    [failure] = inventory.meta["live"]["read_failures"]
    assert failure["operation"] == "GetEmailIdentity" and failure["code"] == "InternalFailure"
    assert failure["blocked"] == f"email_identity:{failed[0].id}"


def test_metrics_denied_makes_rates_and_alarms_unknown(endpoint: LocalEndpoint, scan: Scan) -> None:
    build_small_account(endpoint)
    endpoint.inject_fault("cloudwatch", "*", kind="access-denied")
    inventory = scan(regions=[HOME])
    assert inventory.errors == []
    props = by_key(inventory)[(HOME_SET, "account", HOME)].props
    for name in ("bounce_rate", "bounce_rate_at", "complaint_rate", "complaint_rate_at"):
        assert props[name] == Unknown("GetMetricData: AccessDenied")
    assert props["alarms"] == Unknown("DescribeAlarms: AccessDenied")
    assert props["enforcement_status"] == "HEALTHY"


def test_iam_denied_blocks_principals_of_the_account(endpoint: LocalEndpoint, scan: Scan) -> None:
    build_small_account(endpoint)
    endpoint.inject_fault("iam", "GetAccountAuthorizationDetails", kind="access-denied")
    inventory = scan(regions=[HOME, OTHER])
    assert _errors(inventory) == [(ACCOUNT, ("iam_principal",), "AccessDenied")]
    assert inventory.errors[0].location.region is None
    assert not [r for r in inventory.resources if r.type == "iam_principal"]
    assert (HOME_SET, "email_identity", "example.com") in by_key(inventory)


def test_credential_report_denied_falls_back_to_masked_key_ids(endpoint: LocalEndpoint, scan: Scan) -> None:
    built = build_small_account(endpoint)
    endpoint.inject_fault("iam", "GenerateCredentialReport", kind="access-denied")
    inventory = scan(regions=[HOME])
    assert inventory.errors == []
    user = by_key(inventory)[(ACCOUNT, "iam_principal", "user/smtp")].props
    [key] = user["access_keys"]
    assert key["id"] == built["access_key_id"][:4] + "*" * (len(built["access_key_id"]) - 4)
    assert key["id"] != built["access_key_id"]
    assert key["status"] == "Active"
    assert key["created_at"] < key["last_used_at"]
    assert user["console_password"] is True
    assert inventory.meta["live"]["credential_report"] == {ACCOUNT: {"unavailable": "AccessDenied"}}
    calls = inventory.meta["api_calls"]
    assert calls["iam:ListAccessKeys"] == 1 and calls["iam:GetAccessKeyLastUsed"] == 1
    assert calls["iam:GetLoginProfile"] == 1


def test_fallback_call_denied_makes_that_property_unknown(endpoint: LocalEndpoint, scan: Scan) -> None:
    build_small_account(endpoint)
    endpoint.inject_fault("iam", "GenerateCredentialReport", kind="access-denied")
    endpoint.inject_fault("iam", "ListAccessKeys", kind="access-denied")
    inventory = scan(regions=[HOME])
    user = by_key(inventory)[(ACCOUNT, "iam_principal", "user/smtp")].props
    assert user["access_keys"] == Unknown("ListAccessKeys: AccessDenied")
    assert user["console_password"] is True


def test_receipt_api_not_offered_is_not_an_error(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.inject_fault(
        "ses", "DescribeActiveReceiptRuleSet", code="InvalidAction", status=400, region=OTHER
    )
    inventory = scan(regions=[HOME, OTHER])
    assert inventory.errors == []
    assert inventory.meta["live"]["receipt_unavailable"] == [OTHER_SET]


def test_receipt_denied_is_an_error(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.inject_fault("ses", "DescribeActiveReceiptRuleSet", kind="access-denied")
    inventory = scan(regions=[HOME])
    assert _errors(inventory) == [(HOME_SET, ("receipt_rule",), "AccessDenied")]


def test_disabled_opt_in_region_is_one_error_for_the_region(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.inject_fault("sesv2", "*", code="UnrecognizedClientException", status=403, region="me-south-1")
    inventory = scan(regions=[HOME, "me-south-1"])
    [error] = inventory.errors
    assert error.set_name == f"{ACCOUNT}/me-south-1"
    assert error.affects == REGIONAL_TYPES
    assert error.code == "UnrecognizedClientException"
    assert "opt-in region" in error.message
    assert inventory.meta["api_calls"]["sesv2:GetAccount"] == 2  # nothing more was tried there
    assert inventory.meta["api_calls"]["sesv2:ListEmailIdentities"] == 1


def test_unreachable_endpoint(endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", f"http://127.0.0.1:{port}")
    inventory = scan(regions=[HOME], max_attempts=1)
    [error] = inventory.errors
    assert error.code == "EndpointConnectionError"
    assert error.affects == REGIONAL_TYPES


def test_caller_identity_failure_fails_closed(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.inject_fault("sts", "GetCallerIdentity", kind="access-denied")
    inventory = scan(regions=[HOME])
    # Both the regional and the account-wide (IAM) policies get error rows.
    assert _errors(inventory) == [("caller", ("*",), "AccessDenied"), ("caller/*", ("*",), "AccessDenied")]
    assert inventory.resources == []
    assert inventory.sets == {"caller": SetRef("live", "caller", "caller"), "caller/*": SetRef("live", "caller/*", "caller", "*")}


def test_listing_failure_on_a_later_page_keeps_no_identity() -> None:
    """A partial list would look complete: a failure on page 2 drops page 1 too (unit level)."""
    from concurrent.futures import ThreadPoolExecutor
    from typing import Any

    from botocore.exceptions import ClientError

    from sesguard.sources.live.errors import Collected
    from sesguard.sources.live.identities import read_identities
    from sesguard.sources.live.scope import Scope

    class Pages:
        def list_email_identities(self, **params: Any) -> dict[str, Any]:
            if "NextToken" not in params:
                return {
                    "EmailIdentities": [{"IdentityName": "a.example", "IdentityType": "DOMAIN"}],
                    "NextToken": "2",
                }
            raise ClientError(
                {"Error": {"Code": "InternalFailure", "Message": "boom"}}, "ListEmailIdentities"
            )

    out = Collected()
    with ThreadPoolExecutor(1) as pool:
        read_identities(Pages(), None, Scope(ACCOUNT, HOME), pool, out, sandbox=False, dmarc=None, pacer=Pacer(0))
    assert out.resources == []
    [error] = out.errors
    assert error.code == "InternalFailure" and error.affects == ("email_identity",)


def test_invalid_options() -> None:
    from sesguard.sources.live import LiveOptions

    for options in (
        LiveOptions(accounts=["111111111111"]),
        LiveOptions(organization=True),
        LiveOptions(assume_role="r", accounts=["12345"]),
        LiveOptions(regions=[]),
        LiveOptions(regions=["all", "us-east-1"]),
        LiveOptions(lookback_days=0),
        LiveOptions(max_workers=0),
    ):
        with pytest.raises(ValueError):
            collect_live(options)
