"""Multi-account scans: explicit accounts through a role, the organization's ACTIVE accounts."""

from __future__ import annotations

import boto3
import pytest

import sesguard.sources.live.accounts as accounts
from sesguard.local import LocalEndpoint

from .live_support import (
    ACCOUNT,
    HOME,
    OTHER,
    Scan,
    caller_statements,
    create_scan_role,
    in_account,
    scanner_user,
)

B, C = "222222222222", "333333333333"


def test_assume_role_into_each_account(endpoint: LocalEndpoint, scan: Scan) -> None:
    for account in (B, C):
        create_scan_role(endpoint, account)
    in_account(endpoint, B, "sesv2").create_email_identity(EmailIdentity="b.example")
    in_account(endpoint, C, "sesv2").create_email_identity(EmailIdentity="c.example")
    in_account(endpoint, C, "iam").create_user(UserName="c-user")
    inventory = scan(regions=[HOME], assume_role="sesguard-readonly", accounts=[B, C])
    assert inventory.errors == []
    assert sorted(inventory.sets) == [B, f"{B}/{HOME}", C, f"{C}/{HOME}"]
    identities = sorted((r.location.account, r.id) for r in inventory.resources if r.type == "email_identity")
    assert identities == [(B, "b.example"), (C, "c.example")]
    principals = [(r.set_name, r.id) for r in inventory.resources if r.type == "iam_principal"]
    assert (C, "user/c-user") in principals
    assert {p[0] for p in principals} <= {B, C}
    calls = inventory.meta["api_calls"]
    assert calls["sts:AssumeRole"] == 2
    assert calls["iam:GetAccountAuthorizationDetails"] == 2


def test_organization_active_accounts(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "ORG_PAGE", 1)
    org = endpoint.client("organizations", HOME)
    org.create_organization(FeatureSet="ALL")
    members = []
    for i in range(2):
        status = org.create_account(AccountName=f"member-{i}", Email=f"m{i}@example.com")[
            "CreateAccountStatus"
        ]
        members.append(status["AccountId"])
    inventory = scan(regions=[HOME, OTHER], assume_role="OrganizationAccountAccessRole", organization=True)
    assert inventory.errors == []
    expected = sorted([ACCOUNT, *members])
    assert inventory.meta["live"]["accounts"] == expected
    assert sorted(inventory.sets) == sorted(
        [*expected, *(f"{a}/{r}" for a in expected for r in (HOME, OTHER))]
    )
    calls = inventory.meta["api_calls"]
    assert calls["organizations:ListAccounts"] == 3  # one account per page
    # Organizations created the role in the members only: the management account is the caller's
    # own and is read with the caller's credentials (AWS would refuse AssumeRole there).
    assert calls["sts:AssumeRole"] == 2
    assert inventory.meta["live"]["read_with_caller_credentials"] == [ACCOUNT]
    accounts_read = {r.location.account for r in inventory.resources if r.type == "account"}
    assert accounts_read == set(expected)


def test_assume_role_failure_blocks_only_that_account(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_account(endpoint, B, "sesv2", HOME).create_email_identity(EmailIdentity="b.example")
    create_scan_role(endpoint, B)  # C has no such role
    scanner_user(endpoint, caller_statements(), monkeypatch)
    endpoint.enforce_iam(True)
    inventory = scan(regions=[HOME, OTHER], assume_role="sesguard-readonly", accounts=[B, C])
    errors = sorted((e.set_name, e.affects, e.code) for e in inventory.errors)
    assert errors == [
        (C, ("*",), "AccessDenied"),
        (f"{C}/{OTHER}", ("*",), "AccessDenied"),
        (f"{C}/{HOME}", ("*",), "AccessDenied"),
    ]
    assert sorted(inventory.sets) == sorted([B, C, *(f"{a}/{r}" for a in (B, C) for r in (HOME, OTHER))])
    # B was read completely with only the shipped read statement.
    assert all(f["set"].startswith(C) for f in inventory.meta["live"]["read_failures"])
    assert [r.id for r in inventory.resources if r.type == "email_identity"] == ["b.example"]


def test_organization_listing_denied_fails_closed(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.inject_fault("organizations", "ListAccounts", kind="access-denied")
    inventory = scan(regions=[HOME], assume_role="r", organization=True)
    assert sorted((e.set_name, e.affects) for e in inventory.errors) == [
        (ACCOUNT, ("*",)),
        (f"{ACCOUNT}/organization", ("*",)),
    ]
    assert inventory.resources == []


def test_assume_role_failure_with_all_regions(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.inject_fault("sts", "AssumeRole", kind="access-denied")
    inventory = scan(regions=["all"], assume_role="sesguard-readonly", accounts=[B])
    assert sorted((e.set_name, e.affects, e.code) for e in inventory.errors) == [
        (B, ("*",), "AccessDenied"),
        (f"{B}/*", ("*",), "AccessDenied"),
    ]
    assert {(e.location.account, e.location.region) for e in inventory.errors} == {(B, None)}


def test_session_region_by_default(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = scan()
    assert list(inventory.sets) == [ACCOUNT, f"{ACCOUNT}/{HOME}"]
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(ValueError, match="no region"):
        scan()


def test_all_regions_without_region_discovery_reads_every_ses_region(
    endpoint: LocalEndpoint, scan: Scan
) -> None:
    endpoint.inject_fault("ec2", "DescribeRegions", kind="access-denied")
    inventory = scan(regions=["all"])
    regions = inventory.meta["live"]["regions"][ACCOUNT]
    assert regions == accounts.ses_regions(boto3.Session(), "aws")
    assert "DescribeRegions failed" in inventory.meta["live"]["region_discovery"][ACCOUNT]
    assert (
        inventory.errors == []
    )  # the endpoint answers for every region; AWS would fail disabled ones visibly
