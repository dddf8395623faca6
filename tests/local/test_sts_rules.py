"""STS as strict as AWS: AssumeRole needs a role that exists and trusts the caller; credentials expire."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sesguard.local import LocalEndpoint

from .conftest import ClientFactory

pytestmark = pytest.mark.live

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})
OTHER = "111122223333"


def _role(ep: LocalEndpoint, name: str, condition: dict[str, Any] | None = None, **extra: Any) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    trust = {"Version": "2012-10-17", "Statement": [statement]}
    created = ep.client("iam", account_id=OTHER).create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), **extra
    )
    return str(created["Role"]["Arn"])


def _code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


def test_assume_role_needs_an_existing_role(client: ClientFactory) -> None:
    sts = client("sts", config=NO_RETRY)
    arn = f"arn:aws:iam::{OTHER}:role/OrganizationAccountAccessRole"
    assert _code(sts.assume_role, RoleArn=arn, RoleSessionName="scan") == "AccessDenied"


def test_assume_role_needs_a_trust_policy_that_allows_the_caller(ep: LocalEndpoint, client: ClientFactory) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
        ],
    }
    arn = ep.client("iam", account_id=OTHER).create_role(
        RoleName="elsewhere", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    sts = client("sts", config=NO_RETRY)
    assert _code(sts.assume_role, RoleArn=arn, RoleSessionName="scan") == "AccessDenied"


def test_external_id_condition(ep: LocalEndpoint, client: ClientFactory) -> None:
    arn = _role(ep, "audited", {"StringEquals": {"sts:ExternalId": "tenant-42"}})
    sts = client("sts", config=NO_RETRY)
    assert _code(sts.assume_role, RoleArn=arn, RoleSessionName="scan") == "AccessDenied"
    assert _code(sts.assume_role, RoleArn=arn, RoleSessionName="scan", ExternalId="tenant-41") == "AccessDenied"
    granted = sts.assume_role(RoleArn=arn, RoleSessionName="scan", ExternalId="tenant-42")
    assert granted["AssumedRoleUser"]["Arn"].endswith(":assumed-role/audited/scan")


def test_duration_above_the_roles_maximum_is_refused(ep: LocalEndpoint, client: ClientFactory) -> None:
    arn = _role(ep, "short", MaxSessionDuration=3600)
    sts = client("sts", config=NO_RETRY)
    assert _code(sts.assume_role, RoleArn=arn, RoleSessionName="scan", DurationSeconds=7200) == "ValidationError"
    assert sts.assume_role(RoleArn=arn, RoleSessionName="scan", DurationSeconds=3600)["Credentials"]


def test_credentials_expire(ep: LocalEndpoint, client: ClientFactory) -> None:
    arn = _role(ep, "brief")
    ep.set_credential_lifetime(2)
    granted = client("sts").assume_role(RoleArn=arn, RoleSessionName="scan")["Credentials"]
    lifetime = granted["Expiration"].timestamp() - time.time()
    assert 0 < lifetime <= 2.5  # the response says when they expire, so SDKs can refresh in time
    keys = {
        "access_key_id": granted["AccessKeyId"],
        "secret_access_key": granted["SecretAccessKey"],
        "session_token": granted["SessionToken"],
        "config": NO_RETRY,
    }
    sesv2 = client("sesv2", **keys)
    sts = client("sts", **keys)
    assert sesv2.get_account()["SendingEnabled"] in (True, False)
    time.sleep(max(0.0, granted["Expiration"].timestamp() - time.time()) + 0.2)
    assert _code(sesv2.get_account) == "ExpiredTokenException"  # rest-json
    assert _code(sts.get_caller_identity) == "ExpiredToken"  # query
    ep.set_credential_lifetime(None)
    fresh = client("sts").assume_role(RoleArn=arn, RoleSessionName="scan")["Credentials"]
    assert fresh["Expiration"].timestamp() - time.time() > 3000
