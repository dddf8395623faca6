"""Fault injection answers in each service's wire protocol, so botocore raises the right ClientError."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import ExponentialBackoff

from sesguard.local import AdminError, LocalEndpoint

from .conftest import ClientFactory

pytestmark = pytest.mark.live

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})

# service, operation, call arguments
CALLS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("iam", "ListUsers", "list_users", {}),
    ("sts", "GetCallerIdentity", "get_caller_identity", {}),
    ("sns", "ListTopics", "list_topics", {}),
    ("ses", "GetIdentityDkimAttributes", "get_identity_dkim_attributes", {"Identities": ["example.com"]}),
    ("sesv2", "GetAccount", "get_account", {}),
    ("cloudwatch", "DescribeAlarms", "describe_alarms", {}),
    ("organizations", "DescribeOrganization", "describe_organization", {}),
]

# kind -> expected code for (query protocol / query-compatible JSON, other JSON and rest-json)
EXPECTED = {
    "access-denied": ("AccessDenied", "AccessDeniedException", 403),
    "throttling": ("Throttling", "ThrottlingException", 400),
    "internal": ("InternalFailure", "InternalFailure", 500),
    "opt-in-required": ("OptInRequired", "OptInRequired", 403),
}
QUERY_CODES = {"iam", "sts", "sns", "ses", "cloudwatch"}


def expected(service: str, kind: str) -> tuple[str, int]:
    query_code, json_code, status = EXPECTED[kind]
    if service == "sesv2" and kind == "throttling":
        return "TooManyRequestsException", 429
    return (query_code if service in QUERY_CODES else json_code), status


@pytest.mark.parametrize("kind", sorted(EXPECTED))
@pytest.mark.parametrize(("service", "operation", "method", "kwargs"), CALLS, ids=[c[0] for c in CALLS])
def test_fault_kinds_reach_botocore_as_client_errors(
    ep: LocalEndpoint,
    client: ClientFactory,
    service: str,
    operation: str,
    method: str,
    kwargs: dict[str, Any],
    kind: str,
) -> None:
    ep.inject_fault(service, operation, kind=kind)
    with pytest.raises(ClientError) as caught:
        getattr(client(service, config=NO_RETRY), method)(**kwargs)
    response = caught.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == expected(
        service, kind
    )


def test_explicit_code_and_status(ep: LocalEndpoint, client: ClientFactory) -> None:
    ep.inject_fault("iam", "ListUsers", code="LimitExceeded", status=409, message="too many")
    with pytest.raises(ClientError) as caught:
        client("iam", config=NO_RETRY).list_users()
    assert caught.value.response["Error"] == {
        "Type": "Sender",
        "Code": "LimitExceeded",
        "Message": "too many",
    }


def test_count_limits_a_fault_and_other_operations_are_untouched(
    ep: LocalEndpoint, client: ClientFactory
) -> None:
    ep.inject_fault("iam", "ListUsers", kind="internal", count=1)
    iam = client("iam", config=NO_RETRY)
    iam.list_roles()
    with pytest.raises(ClientError):
        iam.list_users()
    iam.list_users()
    assert [(f["operation"], f["hits"], f["remaining"]) for f in ep.faults()] == [("ListUsers", 1, 0)]


def test_faults_can_target_one_region_or_account(ep: LocalEndpoint, client: ClientFactory) -> None:
    ep.inject_fault("sesv2", "GetAccount", kind="access-denied", region="eu-west-1")
    ep.inject_fault("sesv2", "*", kind="access-denied", account_id="999999999999")
    client("sesv2").get_account()
    with pytest.raises(ClientError):
        client("sesv2", "eu-west-1").get_account()


def test_throttling_exhausts_botocore_retries(
    ep: LocalEndpoint, client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    ep.inject_fault("sesv2", "ListEmailIdentities", kind="throttling")
    ep.inject_fault("iam", "ListUsers", kind="throttling")
    retrying = Config(retries={"total_max_attempts": 3, "mode": "standard"})
    with pytest.raises(ClientError) as v2:
        client("sesv2", config=retrying).list_email_identities()
    with pytest.raises(ClientError) as v1:
        client("iam", config=retrying).list_users()
    assert v2.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert v2.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert v1.value.response["Error"]["Code"] == "Throttling"
    assert [f["hits"] for f in ep.faults()] == [3, 3]


def test_clear_faults_and_bad_rules(ep: LocalEndpoint, client: ClientFactory) -> None:
    ep.inject_fault("sesv2", "GetAccount", kind="internal")
    ep.clear_faults()
    client("sesv2").get_account()
    with pytest.raises(AdminError):
        ep.inject_fault("sesv2", "GetAccount", kind="exploding")
    with pytest.raises(AdminError):
        ep.inject_fault("sesv2", "GetAccount", code="Nope")


def test_moto_gaps_become_client_errors(client: ClientFactory) -> None:
    with pytest.raises(ClientError) as v2:
        client("sesv2", config=NO_RETRY).get_deliverability_dashboard_options()
    assert v2.value.response["Error"]["Code"] == "NotImplemented"
    assert "moto" in v2.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as v1:
        client("ses", config=NO_RETRY).list_custom_verification_email_templates()
    assert v1.value.response["Error"]["Code"] == "NotImplemented"
