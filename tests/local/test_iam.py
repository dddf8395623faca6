"""Key aging, AWS managed policies, multi-account via AssumeRole, and IAM enforcement."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sesguard.local import AdminError, LocalEndpoint
from sesguard.local.demo import read_only_policy

from .conftest import ClientFactory

pytestmark = pytest.mark.live

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def _days_ago(moment: datetime) -> int:
    return (datetime.now(UTC) - moment).days


def _user_with_key(iam: Any, name: str, policy: dict[str, Any] | None = None) -> dict[str, str]:
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key: dict[str, str] = iam.create_access_key(UserName=name)["AccessKey"]
    return key


def test_aged_key_shows_in_list_last_used_and_credential_report(
    ep: LocalEndpoint, client: ClientFactory
) -> None:
    iam = client("iam")
    key = _user_with_key(iam, "old-sender")
    ep.age_access_key(
        "old-sender", created_days_ago=400, last_used_days_ago=200, last_used_region="eu-west-1"
    )
    listed = iam.list_access_keys(UserName="old-sender")["AccessKeyMetadata"][0]
    assert _days_ago(listed["CreateDate"]) == 400
    last_used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert _days_ago(last_used["LastUsedDate"]) == 200
    assert (last_used["Region"], last_used["ServiceName"]) == ("eu-west-1", "ses")
    row = _report_rows(iam)["old-sender"]
    assert _days_ago(datetime.fromisoformat(row["access_key_1_last_rotated"])) == 400
    assert _days_ago(datetime.fromisoformat(row["access_key_1_last_used_date"])) == 200
    assert _days_ago(datetime.fromisoformat(row["user_creation_time"])) == 400


def _report_rows(iam: Any) -> dict[str, dict[str, str]]:
    """Generate the credential report (polling until COMPLETE, as AWS needs) and read its rows."""
    for _ in range(50):
        if iam.generate_credential_report()["State"] == "COMPLETE":
            break
        time.sleep(0.05)
    report = iam.get_credential_report()
    return {r["user"]: r for r in csv.DictReader(io.StringIO(report["Content"].decode()))}


def test_credential_report_is_a_snapshot_reused_for_four_hours(ep: LocalEndpoint, client: ClientFactory) -> None:
    iam = client("iam", config=NO_RETRY)
    assert iam.generate_credential_report()["State"] == "STARTED"
    with pytest.raises(ClientError) as caught:
        iam.get_credential_report()
    assert caught.value.response["Error"]["Code"] == "ReportInProgress"
    _user_with_key(iam, "created-after")
    rows = _report_rows(iam)
    assert "created-after" not in rows  # the report is what the account was when it was generated
    generated = iam.get_credential_report()["GeneratedTime"]
    assert abs((datetime.now(UTC) - generated).total_seconds()) < 60
    ep.age_credential_report(3.9)
    assert iam.generate_credential_report()["State"] == "COMPLETE"  # < 4 h: reused, not rebuilt
    assert "created-after" not in _report_rows(iam)
    ep.age_credential_report(0.2)
    with pytest.raises(ClientError) as caught:
        iam.get_credential_report()
    assert caught.value.response["Error"]["Code"] == "ReportExpired"
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert "created-after" in _report_rows(iam)


def test_credential_report_inactive_key_has_no_rotation_date(ep: LocalEndpoint, client: ClientFactory) -> None:
    iam = client("iam")
    key = _user_with_key(iam, "paused")
    iam.update_access_key(UserName="paused", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    row = _report_rows(iam)["paused"]
    assert (row["access_key_1_active"], row["access_key_1_last_rotated"]) == ("false", "N/A")


def test_no_credential_report_yet(client: ClientFactory) -> None:
    with pytest.raises(ClientError) as caught:
        client("iam", config=NO_RETRY).get_credential_report()
    assert caught.value.response["Error"]["Code"] == "ReportNotPresent"


def test_second_key_is_aged_by_id(ep: LocalEndpoint, client: ClientFactory) -> None:
    iam = client("iam")
    _user_with_key(iam, "two-keys")
    second = iam.create_access_key(UserName="two-keys")["AccessKey"]["AccessKeyId"]
    ep.age_access_key("two-keys", access_key_id=second, created_days_ago=100)
    ages = {
        k["AccessKeyId"]: _days_ago(k["CreateDate"])
        for k in iam.list_access_keys(UserName="two-keys")["AccessKeyMetadata"]
    }
    assert ages[second] == 100
    assert sorted(ages.values()) == [0, 100]


def test_aging_unknown_user_is_404(ep: LocalEndpoint) -> None:
    with pytest.raises(AdminError) as caught:
        ep.age_access_key("nobody", created_days_ago=1)
    assert caught.value.status == 404


def test_quarantine_managed_policy_can_be_attached(ep: LocalEndpoint, client: ClientFactory) -> None:
    iam = client("iam")
    arn = ep.add_aws_managed_policy("AWSCompromisedKeyQuarantineV2")
    assert arn == "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2"
    iam.create_user(UserName="leaked")
    iam.attach_user_policy(UserName="leaked", PolicyArn=arn)
    attached = iam.list_attached_user_policies(UserName="leaked")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AWSCompromisedKeyQuarantineV2", "PolicyArn": arn}]
    with pytest.raises(AdminError):
        ep.add_aws_managed_policy("NoSuchPolicy")


def _trusted_role(ep: LocalEndpoint, account: str, name: str, trusted: str = "123456789012") -> str:
    """A role in ``account`` that ``trusted`` may assume (set up through moto's account header)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{trusted}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = ep.client("iam", account_id=account).create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
    )
    return str(role["Role"]["Arn"])


def test_assumed_role_sees_a_separate_account(ep: LocalEndpoint, client: ClientFactory) -> None:
    _trusted_role(ep, "111122223333", "auditor")
    sts = client("sts")
    other = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/auditor", RoleSessionName="scan")[
        "Credentials"
    ]
    creds = {
        "access_key_id": other["AccessKeyId"],
        "secret_access_key": other["SecretAccessKey"],
        "session_token": other["SessionToken"],
    }
    assert client("sts", **creds).get_caller_identity()["Account"] == "111122223333"
    client("sesv2").create_email_identity(EmailIdentity="home.example.com")
    remote = client("sesv2", **creds)
    remote.create_email_identity(EmailIdentity="remote.example.com")
    remote.put_account_suppression_attributes(SuppressedReasons=[])
    assert [i["IdentityName"] for i in remote.list_email_identities()["EmailIdentities"]] == [
        "remote.example.com"
    ]
    assert [i["IdentityName"] for i in client("sesv2").list_email_identities()["EmailIdentities"]] == [
        "home.example.com"
    ]
    assert client("sesv2").get_account()["SuppressionAttributes"]["SuppressedReasons"] == [
        "BOUNCE",
        "COMPLAINT",
    ]
    assert client("ses", **creds).list_identities()["Identities"] == ["remote.example.com"]


def test_admin_hooks_address_an_account(ep: LocalEndpoint, client: ClientFactory) -> None:
    _trusted_role(ep, "111122223333", "x")
    other = client("sts").assume_role(RoleArn="arn:aws:iam::111122223333:role/x", RoleSessionName="admin")[
        "Credentials"
    ]
    remote = client(
        "sesv2",
        access_key_id=other["AccessKeyId"],
        secret_access_key=other["SecretAccessKey"],
        session_token=other["SessionToken"],
    )
    ep.set_enforcement_status("SHUTDOWN", account_id="111122223333")
    assert remote.get_account()["EnforcementStatus"] == "SHUTDOWN"
    assert client("sesv2").get_account()["EnforcementStatus"] == "HEALTHY"


class TestEnforcement:
    """With enforcement on, a read-only scanner is allowed and an unprivileged caller is not."""

    @pytest.fixture
    def keys(self, ep: LocalEndpoint, client: ClientFactory) -> dict[str, dict[str, str]]:
        iam = client("iam")
        client("sesv2").create_email_identity(EmailIdentity="example.com")
        client("sesv2").create_configuration_set(ConfigurationSetName="cs")
        made = {
            "reader": _user_with_key(iam, "reader", read_only_policy()),
            "nobody": _user_with_key(iam, "nobody"),
            "denied": _user_with_key(
                iam,
                "denied",
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "ses:*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "ses:GetAccount", "Resource": "*"},
                    ],
                },
            ),
            "scoped": _user_with_key(
                iam,
                "scoped",
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "ses:GetEmailIdentity",
                            "Resource": "arn:aws:ses:us-east-1:123456789012:identity/other.example.com",
                        },
                        {
                            "Effect": "Allow",
                            "Action": "ses:GetAccount",
                            "Resource": "*",
                            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                        },
                    ],
                },
            ),
        }
        ep.enforce_iam(True)
        return made

    @staticmethod
    def as_user(client: ClientFactory, key: dict[str, str], service: str) -> Any:
        return client(
            service,
            access_key_id=key["AccessKeyId"],
            secret_access_key=key["SecretAccessKey"],
            config=NO_RETRY,
        )

    def scan(self, client: ClientFactory, key: dict[str, str]) -> None:
        sesv2 = self.as_user(client, key, "sesv2")
        sesv2.get_account()
        for identity in sesv2.list_email_identities()["EmailIdentities"]:
            sesv2.get_email_identity(EmailIdentity=identity["IdentityName"])
        for name in sesv2.list_configuration_sets()["ConfigurationSets"]:
            sesv2.get_configuration_set(ConfigurationSetName=name)
            sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
        ses = self.as_user(client, key, "ses")
        ses.get_identity_notification_attributes(Identities=["example.com"])
        ses.describe_active_receipt_rule_set()
        iam = self.as_user(client, key, "iam")
        iam.get_account_authorization_details()
        assert _report_rows(iam)  # GenerateCredentialReport until COMPLETE, then GetCredentialReport
        cloudwatch = self.as_user(client, key, "cloudwatch")
        cloudwatch.describe_alarms()
        self.as_user(client, key, "sts").get_caller_identity()

    def test_read_only_policy_is_enough_to_scan(
        self, keys: dict[str, dict[str, str]], client: ClientFactory
    ) -> None:
        self.scan(client, keys["reader"])

    def test_read_only_policy_cannot_write(
        self, keys: dict[str, dict[str, str]], client: ClientFactory
    ) -> None:
        with pytest.raises(ClientError) as caught:
            self.as_user(client, keys["reader"], "sesv2").create_email_identity(EmailIdentity="x.example.com")
        assert caught.value.response["Error"]["Code"] == "AccessDeniedException"

    @pytest.mark.parametrize(
        ("service", "call", "kwargs", "code"),
        [
            ("sesv2", "get_account", {}, "AccessDeniedException"),
            ("sesv2", "get_email_identity", {"EmailIdentity": "example.com"}, "AccessDeniedException"),
            ("ses", "get_identity_dkim_attributes", {"Identities": ["example.com"]}, "AccessDenied"),
            ("ses", "list_identities", {}, "AccessDenied"),
            ("iam", "list_users", {}, "AccessDenied"),
            ("cloudwatch", "describe_alarms", {}, "AccessDenied"),
        ],
    )
    def test_unprivileged_caller_is_denied(
        self,
        keys: dict[str, dict[str, str]],
        client: ClientFactory,
        service: str,
        call: str,
        kwargs: dict[str, Any],
        code: str,
    ) -> None:
        with pytest.raises(ClientError) as caught:
            getattr(self.as_user(client, keys["nobody"], service), call)(**kwargs)
        assert caught.value.response["Error"]["Code"] == code
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    def test_explicit_deny_wins(self, keys: dict[str, dict[str, str]], client: ClientFactory) -> None:
        sesv2 = self.as_user(client, keys["denied"], "sesv2")
        sesv2.list_email_identities()
        with pytest.raises(ClientError):
            sesv2.get_account()

    def test_resources_and_conditions_are_evaluated(
        self, keys: dict[str, dict[str, str]], client: ClientFactory
    ) -> None:
        sesv2 = self.as_user(client, keys["scoped"], "sesv2")
        with pytest.raises(ClientError):
            sesv2.get_email_identity(EmailIdentity="example.com")
        with pytest.raises(ClientError):
            sesv2.get_account()  # the caller's address (127.0.0.1) is outside 203.0.113.0/24

    def test_signature_and_unknown_keys_are_rejected(
        self, keys: dict[str, dict[str, str]], client: ClientFactory
    ) -> None:
        forged = {"AccessKeyId": keys["reader"]["AccessKeyId"], "SecretAccessKey": "wrong"}
        with pytest.raises(ClientError) as v2:
            self.as_user(client, forged, "sesv2").get_account()
        assert v2.value.response["Error"]["Code"] == "InvalidSignatureException"
        with pytest.raises(ClientError) as v1:
            self.as_user(client, forged, "iam").list_users()
        assert v1.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
        with pytest.raises(ClientError) as unknown:
            client("sesv2", config=NO_RETRY).get_account()
        assert unknown.value.response["Error"]["Code"] == "UnrecognizedClientException"

    def test_reset_auth_through_the_moto_api(
        self, ep: LocalEndpoint, keys: dict[str, dict[str, str]], client: ClientFactory
    ) -> None:
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(urllib.request.Request(f"{ep.url}/moto-api/reset-auth", data=b"inf")) as answer:
            assert json.loads(answer.read())["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"] == "0.0"
        client("sesv2", config=NO_RETRY).get_account()


def test_assume_role_is_enforced_with_trust_policy(ep: LocalEndpoint, client: ClientFactory) -> None:
    iam = client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="scanner", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="scanner", PolicyName="ro", PolicyDocument=json.dumps(read_only_policy()))
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
    key = _user_with_key(iam, "hopper", allow)
    outsider = _user_with_key(iam, "outsider")
    ep.enforce_iam(True)
    role_arn = "arn:aws:iam::123456789012:role/scanner"
    sts = client("sts", access_key_id=key["AccessKeyId"], secret_access_key=key["SecretAccessKey"])
    assumed = sts.assume_role(RoleArn=role_arn, RoleSessionName="scan")["Credentials"]
    scanner = client(
        "sesv2",
        access_key_id=assumed["AccessKeyId"],
        secret_access_key=assumed["SecretAccessKey"],
        session_token=assumed["SessionToken"],
        config=NO_RETRY,
    )
    assert scanner.get_account()["EnforcementStatus"] == "HEALTHY"
    with pytest.raises(ClientError):
        scanner.put_account_sending_attributes(SendingEnabled=False)
    denied = client(
        "sts",
        access_key_id=outsider["AccessKeyId"],
        secret_access_key=outsider["SecretAccessKey"],
        config=NO_RETRY,
    )
    with pytest.raises(ClientError) as caught:
        denied.assume_role(RoleArn=role_arn, RoleSessionName="outsider")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
