"""The minimal IAM policy evaluation, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from sesguard.local.iam_eval import Context, Decision, evaluate, trust_allows

IDENTITY = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
KEYS = {"aws:SourceIp": "127.0.0.1", "aws:RequestedRegion": "us-east-1"}


def allow(**statement: Any) -> dict[str, Any]:
    return {"Statement": [{"Effect": "Allow", **statement}]}


CASES: list[tuple[str, list[dict[str, Any]], Context, Decision]] = [
    ("wildcard action", [allow(Action="ses:Get*", Resource="*")], Context("ses:GetAccount"), Decision.ALLOW),
    (
        "case-insensitive action",
        [allow(Action="SES:getaccount", Resource="*")],
        Context("ses:GetAccount"),
        Decision.ALLOW,
    ),
    (
        "other action",
        [allow(Action="ses:List*", Resource="*")],
        Context("ses:GetAccount"),
        Decision.IMPLICIT_DENY,
    ),
    ("NotAction", [allow(NotAction="iam:*", Resource="*")], Context("ses:GetAccount"), Decision.ALLOW),
    (
        "explicit deny wins",
        [
            allow(Action="*", Resource="*"),
            {"Statement": {"Effect": "Deny", "Action": "ses:*", "Resource": "*"}},
        ],
        Context("ses:GetAccount"),
        Decision.EXPLICIT_DENY,
    ),
    (
        "resource matches",
        [allow(Action="ses:GetEmailIdentity", Resource="arn:aws:ses:*:*:identity/example.*")],
        Context("ses:GetEmailIdentity", IDENTITY),
        Decision.ALLOW,
    ),
    (
        "resource does not match",
        [allow(Action="ses:GetEmailIdentity", Resource="arn:aws:ses:*:*:identity/other.com")],
        Context("ses:GetEmailIdentity", IDENTITY),
        Decision.IMPLICIT_DENY,
    ),
    (
        "NotResource",
        [allow(Action="ses:*", NotResource="arn:aws:ses:*:*:identity/other.com")],
        Context("ses:GetEmailIdentity", IDENTITY),
        Decision.ALLOW,
    ),
    (
        "ip condition holds",
        [allow(Action="ses:*", Resource="*", Condition={"IpAddress": {"aws:SourceIp": ["127.0.0.0/8"]}})],
        Context("ses:GetAccount", keys=KEYS),
        Decision.ALLOW,
    ),
    (
        "ip condition fails",
        [allow(Action="ses:*", Resource="*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})],
        Context("ses:GetAccount", keys=KEYS),
        Decision.IMPLICIT_DENY,
    ),
    (
        "missing key fails a positive operator",
        [allow(Action="ses:*", Resource="*", Condition={"StringEquals": {"ses:FromAddress": "a@b.com"}})],
        Context("ses:SendEmail", keys=KEYS),
        Decision.IMPLICIT_DENY,
    ),
    (
        "missing key passes IfExists",
        [
            allow(
                Action="ses:*",
                Resource="*",
                Condition={"StringEqualsIfExists": {"ses:FromAddress": "a@b.com"}},
            )
        ],
        Context("ses:SendEmail", keys=KEYS),
        Decision.ALLOW,
    ),
    (
        "negated operator",
        [
            allow(
                Action="ses:*",
                Resource="*",
                Condition={"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
            )
        ],
        Context("ses:GetAccount", keys=KEYS),
        Decision.ALLOW,
    ),
    (
        "unknown operator never grants",
        [allow(Action="ses:*", Resource="*", Condition={"DateGreaterThan": {"aws:RequestedRegion": "x"}})],
        Context("ses:GetAccount", keys=KEYS),
        Decision.IMPLICIT_DENY,
    ),
]


@pytest.mark.parametrize(("policies", "ctx", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_evaluate(policies: list[dict[str, Any]], ctx: Context, expected: Decision) -> None:
    assert evaluate(policies, ctx) is expected


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ({"AWS": "arn:aws:iam::123456789012:root"}, True),
        ({"AWS": "123456789012"}, True),
        ({"AWS": ["arn:aws:iam::123456789012:user/u"]}, True),
        ({"AWS": "arn:aws:iam::999999999999:root"}, False),
        ({"Service": "lambda.amazonaws.com"}, False),
        ("*", True),
    ],
)
def test_trust_policy_principals(principal: Any, expected: bool) -> None:
    trust = {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}
    ctx = Context("sts:AssumeRole", principal_arn="arn:aws:iam::123456789012:user/u")
    assert trust_allows(trust, ctx, "123456789012") is expected
