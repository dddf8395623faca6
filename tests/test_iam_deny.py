"""Explicit Deny overrides Allow, as AWS evaluates it: Action / NotAction / Resource / NotResource,
conditions, and Denies that cannot be read (facts they could change are Unknown, never a pass)."""

from __future__ import annotations

from typing import Any

import pytest

from sesguard.iam_analysis import analyse_sending
from sesguard.iam_deny import globs_overlap, parse_deny
from sesguard.model import Unknown, is_unknown

IDENTITY = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
OTHER_IDENTITY = "arn:aws:ses:eu-west-1:123456789012:identity/other.example"
SEND = ["ses:SendEmail", "ses:SendRawEmail"]
UNRESOLVED = Unknown("Ref to parameter DenyActions without default")


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any = SEND, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def deny_not(not_action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "NotAction": not_action, "Resource": resource, **extra}


def test_ses_star_with_a_notaction_deny_can_only_send() -> None:
    result = analyse_sending([doc(allow("ses:*"), deny_not(SEND))])
    assert (result.is_sending, result.actions_beyond_send) == (True, [])


def test_an_allow_cancelled_by_a_service_deny_is_no_grant() -> None:
    result = analyse_sending([doc(allow([*SEND, "sqs:SendMessage"]), deny("sqs:*"))])
    assert result.actions_beyond_send == []
    assert result.is_sending is True


def test_a_user_whose_every_send_action_is_denied_is_not_sending() -> None:
    result = analyse_sending([doc(allow(SEND), deny("ses:Send*"))])
    assert result.is_sending is False
    # Across documents too (an inline Allow, a managed Deny).
    assert analyse_sending([doc(allow(SEND)), doc(deny("ses:*"))]).is_sending is False


def test_a_deny_of_some_send_actions_leaves_the_others() -> None:
    assert analyse_sending([doc(allow(SEND), deny("ses:SendRawEmail"))]).is_sending is True


def test_notresource_deny_scopes_an_allow_on_star() -> None:
    result = analyse_sending([doc(allow(SEND), {"Effect": "Deny", "Action": "ses:*", "NotResource": [IDENTITY]})])
    assert (result.is_sending, result.resource_scoped) == (True, True)


def test_a_deny_on_named_identities_leaves_star_unscoped() -> None:
    result = analyse_sending([doc(allow(SEND), deny("ses:*", [IDENTITY]))])
    assert (result.is_sending, result.resource_scoped) == (True, False)


def test_a_deny_on_the_only_allowed_identity_removes_the_grant() -> None:
    assert analyse_sending([doc(allow(SEND, [IDENTITY]), deny("ses:*", IDENTITY))]).is_sending is False
    narrowed_elsewhere = {"Effect": "Deny", "Action": "ses:*", "NotResource": [OTHER_IDENTITY]}
    assert analyse_sending([doc(allow(SEND, [IDENTITY]), narrowed_elsewhere)]).is_sending is False


def test_star_less_a_notaction_deny_is_what_the_notaction_names() -> None:
    result = analyse_sending([doc(allow("*"), deny_not([*SEND, "s3:GetObject"]))])
    assert result.actions_beyond_send == ["s3:GetObject (what a NotAction Deny leaves of *)"]
    assert analyse_sending([doc(allow("*"), deny_not(SEND))]).actions_beyond_send == []


def test_a_partial_ses_deny_lists_what_ses_star_still_grants() -> None:
    result = analyse_sending([doc(allow("ses:*"), deny_not(["ses:Send*"]))])
    left_over = result.actions_beyond_send
    assert isinstance(left_over, list)
    [left] = left_over
    assert left.startswith("ses:Send* (less what a Deny refuses: grants ses:SendBounce")


def test_notaction_allow_under_a_star_deny_is_no_grant() -> None:
    statement = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert analyse_sending([doc(statement, deny_not(SEND))]).actions_beyond_send == []
    assert analyse_sending([doc(statement)]).actions_beyond_send == ["NotAction ['iam:*'] (allows every other action)"]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
        {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
    ],
)
def test_a_deny_with_a_known_condition_refuses_some_requests_only(condition: dict[str, Any]) -> None:
    result = analyse_sending([doc(allow("ses:*"), deny_not(SEND, Condition=condition))])
    assert result.actions_beyond_send == ["ses:*"]
    assert analyse_sending([doc(allow(SEND), deny("ses:*", Condition=condition))]).is_sending is True


def test_a_deny_that_cannot_be_read_makes_what_it_could_change_unknown() -> None:
    maybe_there = {"Effect": "Deny", "NotAction": SEND, "Resource": "*", "Condition": UNRESOLVED}
    beyond = analyse_sending([doc(allow("ses:*"), maybe_there)]).actions_beyond_send
    assert isinstance(beyond, Unknown) and "Condition of a Deny is unknown" in beyond.reason
    unknown_actions = analyse_sending([doc(allow(SEND), deny([UNRESOLVED]))])
    assert is_unknown(unknown_actions.is_sending)
    # It cannot take away what it does not name: an Allow of s3:* stays beyond send.
    assert analyse_sending([doc(allow(["s3:*", *SEND]), deny("ses:*", Condition=UNRESOLVED))]).actions_beyond_send == [
        "s3:*"
    ]
    # Nor make a compliant fact worse or better: nothing beyond send stays nothing.
    assert analyse_sending([doc(allow(SEND), deny([UNRESOLVED]))]).actions_beyond_send == []


def test_an_unreadable_notresource_deny_makes_an_unscoped_send_unknown() -> None:
    maybe_scoping = {"Effect": "Deny", "Action": "ses:*", "NotResource": [UNRESOLVED]}
    assert is_unknown(analyse_sending([doc(allow(SEND), maybe_scoping)]).resource_scoped)


def test_globs() -> None:
    assert globs_overlap("s3:*", "s3:GetObject") and globs_overlap("*", "sqs:SendMessage")
    assert not globs_overlap("s3:GetObject", "sqs:*")
    assert globs_overlap("s3:Get*", "s3:*Object")
    parsed = parse_deny({"Effect": "Deny", "NotAction": ["ses:SendEmail"], "NotResource": "arn:x"})
    assert parsed.not_actions == ("ses:SendEmail",) and parsed.not_resources == ("arn:x",)
    assert parsed.covers_action("sqs:SendMessage") and not parsed.covers_action("ses:SendEmail")
