"""Multi-account scans against an STS as strict as AWS: roles must exist and trust the caller,
credentials expire (shortened through the endpoint's hook) and are refreshed, external IDs, session
durations, the caller's own account, and IAM read whatever the regions."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

import sesguard.sources.live.accounts as accounts
from sesguard.local import LocalEndpoint
from sesguard.sources.live.errors import REGIONAL_TYPES
from sesguard.sources.live.session import CallCounter

from .live_support import ACCOUNT, HOME, Scan, create_scan_role, in_account

B, C = "222222222222", "333333333333"


@pytest.fixture
def slow_get_account(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """Make every SES v2 GetAccount wait ``delay`` seconds first (a scan that takes long)."""
    setting = {"delay": 0.0}
    original = CallCounter.attach

    def wait(**_: Any) -> None:
        time.sleep(setting["delay"])

    def attach(self: CallCounter, client: Any) -> None:
        original(self, client)
        client.meta.events.register("before-call.sesv2.GetAccount", wait)

    monkeypatch.setattr(CallCounter, "attach", attach)
    return setting


def _members(endpoint: LocalEndpoint) -> None:
    for account in (B, C):
        create_scan_role(endpoint, account)
        in_account(endpoint, account, "sesv2").create_email_identity(EmailIdentity=f"{account}.example")


def test_scan_longer_than_the_credential_lifetime_has_no_expired_token(
    endpoint: LocalEndpoint, scan: Scan, slow_get_account: dict[str, float]
) -> None:
    _members(endpoint)
    endpoint.set_credential_lifetime(2)
    slow_get_account["delay"] = 2.5  # every account's first credentials are expired by its first read
    inventory = scan(regions=[HOME], assume_role="sesguard-readonly", accounts=[B, C], max_workers=2)
    assert inventory.errors == []
    assert inventory.meta["live"]["read_failures"] == []
    assert {r.id for r in inventory.resources if r.type == "email_identity"} == {f"{B}.example", f"{C}.example"}
    # The credentials were refreshed (more AssumeRole calls than accounts), not used past their expiry.
    assert inventory.meta["api_calls"]["sts:AssumeRole"] > 2


def test_refresh_windows_follow_the_lifetime_the_credentials_came_with(endpoint: LocalEndpoint, scan: Scan) -> None:
    """Credentials that live 60 s though 900 s were asked (as role chaining caps them at an hour) are
    refreshed near their own expiry, not on every call (the windows of a 900 s session are longer)."""
    _members(endpoint)
    endpoint.set_credential_lifetime(60)
    inventory = scan(regions=[HOME], assume_role="sesguard-readonly", accounts=[B, C], role_session_duration=900)
    assert inventory.errors == []
    assert inventory.meta["live"]["seconds"] < 40  # (the advisory window is a quarter of 60 s)
    assert inventory.meta["api_calls"]["sts:AssumeRole"] == 2


def test_static_credentials_would_have_expired(endpoint: LocalEndpoint) -> None:
    """The control of the test above: without refreshing, the same wait ends in ExpiredToken."""
    create_scan_role(endpoint, B)
    endpoint.set_credential_lifetime(1)
    granted = endpoint.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{B}:role/sesguard-readonly", RoleSessionName="scan"
    )["Credentials"]
    time.sleep(1.5)
    client = endpoint.client(
        "sesv2",
        access_key_id=granted["AccessKeyId"],
        secret_access_key=granted["SecretAccessKey"],
        session_token=granted["SessionToken"],
    )
    with pytest.raises(ClientError) as caught:
        client.get_account()
    assert caught.value.response["Error"]["Code"] == "ExpiredTokenException"


def test_missing_role_is_one_error_per_set_naming_the_role_and_the_fix(endpoint: LocalEndpoint, scan: Scan) -> None:
    create_scan_role(endpoint, B)  # C has no such role: AWS refuses AssumeRole there
    progress: list[str] = []
    inventory = scan(
        regions=[HOME], assume_role="sesguard-readonly", accounts=[B, C], progress=progress.append
    )
    errors = sorted((e.set_name, e.code) for e in inventory.errors)
    assert errors == [(C, "AccessDenied"), (f"{C}/{HOME}", "AccessDenied")]
    for error in inventory.errors:
        assert f"arn:aws:iam::{C}:role/sesguard-readonly" in error.message
        assert "fix: create the role sesguard-readonly in account 333333333333" in error.message
    assert [line for line in progress if "cannot assume" in line] == [
        f"{C}: cannot assume sesguard-readonly: AccessDenied; fix: create the role sesguard-readonly in "
        f"account {C} with a trust policy that allows arn:aws:sts::{ACCOUNT}:user/moto (or account {ACCOUNT}) "
        "and the policy sesguard/iam-readonly-policy.json, or leave the account out of --accounts"
    ]
    assert {r.location.account for r in inventory.resources} == {B}


def test_external_id(endpoint: LocalEndpoint, scan: Scan) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "sesguard-7f3a"}},
            }
        ],
    }
    in_account(endpoint, B, "iam").create_role(RoleName="audit", AssumeRolePolicyDocument=json.dumps(trust))
    without = scan(regions=[HOME], assume_role="audit", accounts=[B])
    assert {e.code for e in without.errors} == {"AccessDenied"}
    with_id = scan(regions=[HOME], assume_role="audit", accounts=[B], external_id="sesguard-7f3a")
    assert with_id.errors == []
    assert with_id.meta["live"]["accounts"] == [B]


def test_session_duration_above_the_roles_maximum_is_an_error_for_that_account(
    endpoint: LocalEndpoint, scan: Scan
) -> None:
    create_scan_role(endpoint, B)
    inventory = scan(regions=[HOME], assume_role="sesguard-readonly", accounts=[B], role_session_duration=7200)
    assert {(e.set_name, e.code) for e in inventory.errors} == {(B, "ValidationError"), (f"{B}/{HOME}", "ValidationError")}
    assert "MaxSessionDuration" in inventory.errors[0].message
    fine = scan(regions=[HOME], assume_role="sesguard-readonly", accounts=[B], role_session_duration=900)
    assert fine.errors == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"role_session_duration": 600, "assume_role": "r"}, "900 to 43200"),
        ({"external_id": "x", "assume_role": "r"}, "external ID must be"),
        ({"external_id": "has space", "assume_role": "r"}, "external ID must be"),
        ({"external_id": "abc"}, "give the role name"),
    ],
)
def test_role_options_are_validated(scan: Scan, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scan(regions=[HOME], **options)


def test_caller_account_in_the_list_is_read_with_the_callers_credentials(endpoint: LocalEndpoint, scan: Scan) -> None:
    create_scan_role(endpoint, B)
    endpoint.client("sesv2").create_email_identity(EmailIdentity="home.example")
    inventory = scan(regions=[HOME], assume_role="sesguard-readonly", accounts=[ACCOUNT, B])
    assert inventory.errors == []
    assert inventory.meta["api_calls"]["sts:AssumeRole"] == 1
    assert inventory.meta["live"]["read_with_caller_credentials"] == [ACCOUNT]
    assert ("home.example", ACCOUNT) in {(r.id, r.location.account) for r in inventory.resources}


def test_no_region_to_read_still_reads_iam_and_says_so(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint.client("iam").create_user(UserName="smtp")
    monkeypatch.setattr(accounts, "ses_regions", lambda session, partition: [])
    inventory = scan(regions=["all"])
    assert [r.id for r in inventory.resources if r.type == "iam_principal"] == ["user/smtp"]
    [error] = inventory.errors
    assert (error.set_name, error.affects, error.code) == (f"{ACCOUNT}/*", REGIONAL_TYPES, "NoSesRegion")
    assert "--regions" in error.message


def test_enabled_regions_botocore_does_not_know_are_named(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = accounts.ses_regions(boto3.Session(), "aws")
    monkeypatch.setattr(accounts, "ses_regions", lambda session, partition: [r for r in known if r != "eu-west-1"])
    progress: list[str] = []
    inventory = scan(regions=["all"], progress=progress.append)
    assert "eu-west-1" not in inventory.meta["live"]["regions"][ACCOUNT]
    note = inventory.meta["live"]["regions_not_known"][ACCOUNT]
    assert "eu-west-1" in note and "--regions" in note
    assert any("eu-west-1" in line for line in progress)
