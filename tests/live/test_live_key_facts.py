"""Key facts that are true now: sending users' keys read directly, the (up to 4 h old) report for the rest."""

from __future__ import annotations

from sesguard.local import LocalEndpoint
from sesguard.run import derive
from sesguard.secrets import mask

from .live_support import ACCOUNT, HOME, Scan, by_key, send_policy


def test_key_created_after_the_report_is_seen_for_a_sending_user(endpoint: LocalEndpoint, scan: Scan) -> None:
    iam = endpoint.client("iam", HOME)
    for user in ("smtp", "ops"):
        iam.create_user(UserName=user)
        iam.create_access_key(UserName=user)
    iam.put_user_policy(UserName="smtp", PolicyName="send", PolicyDocument=send_policy("ses:SendRawEmail"))
    first = scan(regions=[HOME])
    assert first.errors == []
    generated = first.meta["live"]["credential_report"][ACCOUNT]["generated_at"]

    # Someone reacts to a leak: a new key for the sender, the old one deactivated, a console password.
    old = iam.list_access_keys(UserName="smtp")["AccessKeyMetadata"][0]["AccessKeyId"]
    new = iam.create_access_key(UserName="smtp")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="smtp", AccessKeyId=old, Status="Inactive")
    iam.create_login_profile(UserName="smtp", Password="Not-a-real-password-1!")
    iam.create_access_key(UserName="ops")  # not a sender: the report's facts stand, labelled

    second = scan(regions=[HOME])
    live = second.meta["live"]
    assert live["credential_report"][ACCOUNT]["generated_at"] == generated  # AWS reused the report
    assert live["key_facts_read_directly"] == {ACCOUNT: ["smtp"]}
    found = by_key(second)
    smtp = found[(ACCOUNT, "iam_principal", "user/smtp")].props
    assert sorted((k["id"], k["status"]) for k in smtp["access_keys"]) == sorted(
        [(mask(old), "Inactive"), (mask(new), "Active")]
    )
    assert smtp["console_password"] is True
    ops = found[(ACCOUNT, "iam_principal", "user/ops")].props
    [key] = ops["access_keys"]  # the report still has one key: it is older than the second one
    assert key["id"].startswith("access_key_1 (credential report, 0.0 h old")
    derived = by_key(derive(second))
    assert derived[(ACCOUNT, "iam_principal", "user/smtp")].props["active_key_count"] == 1


def test_report_age_is_stated_on_report_keys(endpoint: LocalEndpoint, scan: Scan) -> None:
    iam = endpoint.client("iam", HOME)
    iam.create_user(UserName="ops")
    iam.create_access_key(UserName="ops")
    scan(regions=[HOME])
    endpoint.age_credential_report(3.5)
    inventory = scan(regions=[HOME])
    [key] = by_key(inventory)[(ACCOUNT, "iam_principal", "user/ops")].props["access_keys"]
    assert key["id"] == "access_key_1 (credential report, 3.5 h old)"
    assert inventory.meta["api_calls"]["iam:GenerateCredentialReport"] == 1  # reused: COMPLETE at once
