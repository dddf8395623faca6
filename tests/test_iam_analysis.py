"""iam_analysis: what policy documents allow for SES sending, fail closed on what cannot be read."""

from __future__ import annotations

from typing import Any

import pytest

from sesguard.aws_managed import aws_managed_policy_document, aws_managed_policy_name
from sesguard.iam_analysis import (
    analyse_sending,
    condition_keys,
    network_deny,
    parse_operator,
    public_statements,
    resources_scoped,
    ses_actions,
    ses_resource_kind,
)
from sesguard.model import Unknown, is_unknown

IDENTITY = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
CONFIG_SET = "arn:aws:ses:eu-west-1:123456789012:configuration-set/main"
TEMPLATE = "arn:aws:ses:eu-west-1:123456789012:template/welcome"
OFFICE = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
OUTSIDE_OFFICE = {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any = "ses:SendRawEmail", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# --- condition operators ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("operator", "qualifier", "base", "if_exists", "restricts"),
    [
        ("StringEquals", None, "stringequals", False, True),
        ("IpAddress", None, "ipaddress", False, True),
        ("StringNotEquals", None, "stringnotequals", False, False),
        ("StringNotLike", None, "stringnotlike", False, False),
        ("ArnNotEquals", None, "arnnotequals", False, False),
        ("ArnNotLike", None, "arnnotlike", False, False),
        ("NotIpAddress", None, "notipaddress", False, False),
        ("NumericNotEquals", None, "numericnotequals", False, False),
        ("StringEqualsIfExists", None, "stringequals", True, False),
        ("StringNotEqualsIfExists", None, "stringnotequals", True, False),
        ("ForAnyValue:StringEquals", "foranyvalue", "stringequals", False, True),
        ("ForAnyValue:StringNotEquals", "foranyvalue", "stringnotequals", False, False),
        ("ForAllValues:StringEquals", "forallvalues", "stringequals", False, False),
        ("Null", None, "null", False, False),
    ],
)
def test_operators_are_taken_apart_and_only_positive_tests_restrict(
    operator: str, qualifier: str | None, base: str, if_exists: bool, restricts: bool
) -> None:
    parsed = parse_operator(operator)
    assert (parsed.qualifier, parsed.base, parsed.if_exists) == (qualifier, base, if_exists)
    assert parsed.restricts is restricts
    value = "203.0.113.0/24" if "ipaddress" in base else "vpc-0abc"  # IP tests judge their ranges
    keys = condition_keys({"Condition": {operator: {"aws:SourceVpc": value}}})
    assert keys.keys == (frozenset({"aws:sourcevpc"}) if restricts else frozenset())
    assert keys.unknown is None


def test_condition_keys_are_lower_cased_and_values_matching_everything_do_not_restrict() -> None:
    keys = condition_keys(
        {"Condition": {"StringEquals": {"AWS:SourceVpce": "vpce-1", "ses:FromAddress": "a@b"}}}
    )
    assert keys.keys == {"aws:sourcevpce", "ses:fromaddress"}
    assert condition_keys({"Condition": {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}}}).keys == frozenset()
    assert condition_keys({"Condition": {"IpAddress": {"aws:SourceIp": "::/0"}}}).keys == frozenset()
    assert condition_keys({"Condition": {"StringLike": {"ses:FromAddress": "*"}}}).keys == frozenset()
    assert condition_keys({"Condition": {"StringLike": {"ses:FromAddress": "*@example.com"}}}).keys == {
        "ses:fromaddress"
    }


def test_unknown_conditions_are_reported_not_taken_for_no_condition() -> None:
    whole = condition_keys({"Condition": Unknown("Fn::If on condition IsProd")})
    assert whole.keys == frozenset() and whole.unknown is not None and "IsProd" in whole.unknown.reason
    block = condition_keys({"Condition": {"IpAddress": Unknown("Fn::If on condition IsProd")}})
    assert block.unknown is not None
    value = condition_keys({"Condition": {"IpAddress": {"aws:SourceIp": Unknown("Ref to parameter Cidr")}}})
    assert value.unknown is not None and "Cidr" in value.unknown.reason
    # An unreadable negated test cannot restrict anyway: nothing unknown about it.
    assert condition_keys({"Condition": {"NotIpAddress": Unknown("x")}}).unknown is None
    # A restricting key that is certain wins over an unreadable other test.
    mixed = condition_keys(
        {"Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}, "StringEquals": Unknown("x")}}
    )
    assert mixed.restricts_any(frozenset({"aws:sourceip"})) is True
    assert is_unknown(mixed.restricts_any(frozenset({"ses:fromaddress"})))


# --- resource scoping -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("resource", "kind"),
    [
        (IDENTITY, "identity"),
        ("arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/example.com", "identity"),
        ("arn:<partition>:ses:<region>:<account-id>:identity/noreply@example.com", "identity"),
        ("arn:aws:ses:*:*:identity/example.com", "identity"),
        ("arn:aws:ses:eu-west-1:123456789012:identity/${Domain}", "identity"),
        (CONFIG_SET, "configuration-set"),
        (TEMPLATE, "template"),
        ("arn:aws:ses:eu-west-1:123456789012:identity/*", None),
        ("arn:aws:ses:*:*:*", None),
        ("arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/inbound", None),
        ("arn:aws:s3:::bucket/*", None),
        ("*", None),
        ("${Identity}", None),
    ],
)
def test_ses_resource_kinds(resource: str, kind: str | None) -> None:
    assert ses_resource_kind(resource) == kind


@pytest.mark.parametrize(
    ("resource", "scoped"),
    [
        (IDENTITY, True),
        ([IDENTITY, CONFIG_SET], True),
        ([IDENTITY, TEMPLATE, CONFIG_SET], True),
        ([CONFIG_SET], False),  # names no identity
        ([IDENTITY, "*"], False),
        ([IDENTITY, "arn:aws:ses:eu-west-1:123456789012:identity/*"], False),
        ([IDENTITY, "arn:aws:s3:::bucket"], False),
        ([], False),
    ],
)
def test_resource_scoping(resource: Any, scoped: bool) -> None:
    assert resources_scoped(allow(resource=resource)) is scoped


def test_not_resource_is_never_scoped() -> None:
    assert resources_scoped({"Effect": "Allow", "Action": "ses:SendEmail", "NotResource": IDENTITY}) is False


def test_unknown_resources_are_unknown_unless_a_known_one_already_decides() -> None:
    whole = resources_scoped(allow(resource=Unknown("Ref to parameter SenderIdentityArn without a default")))
    assert isinstance(whole, Unknown) and "SenderIdentityArn" in whole.reason
    assert is_unknown(resources_scoped(allow(resource=[IDENTITY, Unknown("Ref to parameter Extra")])))
    assert resources_scoped(allow(resource=["*", Unknown("Ref to parameter Extra")])) is False


# --- analyse_sending: scoping -----------------------------------------------------------------------
def test_negated_from_address_does_not_scope() -> None:
    negated = analyse_sending(
        [doc(allow("ses:SendEmail", Condition={"StringNotEquals": {"ses:FromAddress": "ceo@x"}}))]
    )
    assert negated.is_sending is True and negated.resource_scoped is False
    positive = analyse_sending(
        [doc(allow("ses:SendEmail", Condition={"StringEquals": {"ses:FromAddress": "app@x"}}))]
    )
    assert positive.resource_scoped is True


def test_identity_and_configuration_set_arns_are_scoped() -> None:
    assert analyse_sending([doc(allow("ses:SendEmail", [IDENTITY, CONFIG_SET]))]).resource_scoped is True


def test_unknown_resource_makes_scoping_unknown_not_false() -> None:
    result = analyse_sending(
        [doc(allow(resource=Unknown("Ref to parameter SenderIdentityArn without a default")))]
    )
    assert (
        isinstance(result.resource_scoped, Unknown) and "SenderIdentityArn" in result.resource_scoped.reason
    )
    # ... but one certainly unscoped statement decides.
    both = analyse_sending([doc(allow(resource=Unknown("Ref to parameter P")), allow("ses:SendEmail", "*"))])
    assert both.resource_scoped is False


def test_unknown_condition_makes_both_facts_unknown_unless_the_resource_scopes() -> None:
    condition = Unknown("Fn::If on condition IsProd gives different values in its branches")
    unscoped = analyse_sending([doc(allow(Condition=condition))])
    assert isinstance(unscoped.network_restricted, Unknown) and "IsProd" in unscoped.network_restricted.reason
    assert is_unknown(unscoped.resource_scoped)
    scoped = analyse_sending([doc(allow(resource=IDENTITY, Condition=condition))])
    assert scoped.resource_scoped is True and is_unknown(scoped.network_restricted)


# --- analyse_sending: networks ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("condition", "restricted"),
    [
        (OFFICE, True),
        ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, True),
        ({"StringEquals": {"aws:SourceVpc": "vpc-1"}}, True),
        ({"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, False),
        ({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}, False),
        ({"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, False),
        ({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}, False),
        ({"ForAllValues:StringEquals": {"aws:SourceVpc": "vpc-1"}}, False),
        ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, False),
        ({"Bool": {"aws:SecureTransport": "true"}}, False),
    ],
)
def test_allow_statement_network_conditions(condition: dict[str, Any], restricted: bool) -> None:
    assert analyse_sending([doc(allow(Condition=condition))]).network_restricted is restricted


@pytest.mark.parametrize(
    "deny_statement",
    [
        deny(Condition=OUTSIDE_OFFICE),
        deny("ses:*", Condition=OUTSIDE_OFFICE),
        deny(["ses:SendEmail", "ses:SendRawEmail"], Condition=OUTSIDE_OFFICE),
        deny(Condition={**OUTSIDE_OFFICE, "Bool": {"aws:ViaAWSService": "false"}}),
        deny(Condition={"NotIpAddressIfExists": {"aws:SourceIp": ["203.0.113.0/24"]}}),
        deny(Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}),
        deny(Condition={"StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}),
        deny(Condition={**OUTSIDE_OFFICE, "StringNotEquals": {"aws:SourceVpce": "vpce-1"}}),
        {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": OUTSIDE_OFFICE},
    ],
)
def test_deny_outside_known_networks_restricts_sending(deny_statement: dict[str, Any]) -> None:
    result = analyse_sending([doc(allow(["ses:SendEmail", "ses:SendRawEmail"]), deny_statement)])
    assert result.network_restricted is True


@pytest.mark.parametrize(
    "deny_statement",
    [
        deny(resource=IDENTITY, Condition=OUTSIDE_OFFICE),  # other identities stay open
        deny("ses:SendEmail", Condition=OUTSIDE_OFFICE),  # SendRawEmail stays open
        {"Effect": "Deny", "NotAction": "ses:*", "Resource": "*", "Condition": OUTSIDE_OFFICE},
        {"Effect": "Deny", "Action": "*", "NotResource": IDENTITY, "Condition": OUTSIDE_OFFICE},
        deny(Condition={**OUTSIDE_OFFICE, "StringEquals": {"aws:PrincipalTag/team": "mail"}}),
        deny(Condition={"NotIpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
        deny(Condition={"ForAnyValue:StringNotEquals": {"aws:SourceVpc": "vpc-1"}}),
        deny(Condition={"StringNotEquals": {"ses:FromAddress": "a@b"}}),
        deny(Condition={"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}),
    ],
)
def test_denies_that_do_not_restrict_to_known_networks(deny_statement: dict[str, Any]) -> None:
    result = analyse_sending([doc(allow(["ses:SendEmail", "ses:SendRawEmail"]), deny_statement)])
    assert result.network_restricted is False


def test_deny_in_another_document_counts() -> None:
    result = analyse_sending([doc(allow()), doc(deny(Condition=OUTSIDE_OFFICE))])
    assert result.network_restricted is True


def test_unreadable_deny_makes_network_restriction_unknown() -> None:
    maybe = deny(Condition={"NotIpAddress": {"aws:SourceIp": Unknown("Ref to parameter OfficeCidr")}})
    assert is_unknown(network_deny(maybe))
    result = analyse_sending([doc(allow(), maybe)])
    assert isinstance(result.network_restricted, Unknown) and "OfficeCidr" in result.network_restricted.reason
    whole = deny(Condition=Unknown("Fn::If on condition IsProd"))
    assert is_unknown(analyse_sending([doc(allow(), whole)]).network_restricted)
    # A Deny whose known parts already rule it out stays irrelevant.
    excluded = deny(resource=IDENTITY, Condition=Unknown("Fn::If on condition IsProd"))
    assert network_deny(excluded) == frozenset()


def test_unreadable_document_leaves_certain_failures_and_hides_certain_passes() -> None:
    unreadable = Unknown("managed policy arn:aws:iam::123456789012:policy/shared is not defined here")
    unscoped = analyse_sending([doc(allow()), unreadable])
    assert unscoped.resource_scoped is False
    # The unreadable document may hold a Deny outside known networks.
    assert is_unknown(unscoped.network_restricted)
    scoped = analyse_sending([doc(allow(resource=IDENTITY, Condition=OFFICE)), unreadable])
    assert is_unknown(scoped.resource_scoped) and is_unknown(scoped.network_restricted)
    assert scoped.is_sending is True and scoped.beyond_known is False


def test_unknown_effect_is_an_unreadable_statement() -> None:
    result = analyse_sending(
        [doc({"Effect": Unknown("Ref to parameter Effect"), "Action": "ses:*", "Resource": "*"})]
    )
    assert is_unknown(result.is_sending)
    assert any("Effect is unknown" in r for r in result.unknown_reasons)


def test_not_sending_is_vacuously_scoped_and_restricted() -> None:
    result = analyse_sending([doc(allow("ses:GetAccount"))])
    assert result.is_sending is False
    assert result.resource_scoped is True and result.network_restricted is True


# --- public_statements ------------------------------------------------------------------------------
def _policy(statement: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": "p",
            "document": doc({"Sid": "S", "Effect": "Allow", "Action": "ses:SendEmail", **statement}),
        }
    ]


def test_public_statements_negated_or_if_exists_conditions_do_not_restrict() -> None:
    assert public_statements(_policy({"Principal": "*"})) == ["p/S"]
    assert (
        public_statements(
            _policy({"Principal": {"AWS": "*"}, "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}})
        )
        == []
    )
    assert public_statements(
        _policy({"Principal": "*", "Condition": {"StringNotEquals": {"aws:SourceAccount": "1"}}})
    ) == ["p/S"]
    assert public_statements(
        _policy({"Principal": "*", "Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}})
    ) == ["p/S"]
    assert public_statements(_policy({"Principal": {"AWS": "arn:aws:iam::1:root"}})) == []


def test_public_statements_unknown_principal_or_condition_is_unknown() -> None:
    assert is_unknown(public_statements(_policy({"Principal": Unknown("Ref to parameter Who")})))
    assert is_unknown(public_statements(_policy({"Principal": {"AWS": [Unknown("Ref to parameter Who")]}})))
    assert is_unknown(
        public_statements(_policy({"Principal": "*", "Condition": Unknown("Fn::If on condition C")}))
    )
    # An unknown condition on a statement that is not public changes nothing.
    assert (
        public_statements(_policy({"Principal": {"AWS": "arn:aws:iam::1:root"}, "Condition": Unknown("x")}))
        == []
    )


# --- AWS-managed policy ARNs ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/AmazonSESFullAccess",
        "arn:aws-us-gov:iam::aws:policy/AmazonSESFullAccess",
        "arn:${AWS::Partition}:iam::aws:policy/AmazonSESFullAccess",
        "arn:<partition>:iam::aws:policy/AmazonSESFullAccess",
    ],
)
def test_aws_managed_policy_arns_with_partition_placeholders(arn: str) -> None:
    assert aws_managed_policy_name(arn) == "AmazonSESFullAccess"
    assert aws_managed_policy_document(arn) is not None


def test_customer_managed_policy_arns_are_not_aws_managed() -> None:
    assert (
        aws_managed_policy_name("arn:${AWS::Partition}:iam::123456789012:policy/AmazonSESFullAccess") is None
    )
    assert aws_managed_policy_name("arn:aws:iam::123456789012:policy/x") is None


def test_the_ses_actions_are_those_of_botocores_service_models() -> None:
    """Read from botocore's model files (no ``botocore.session``), they are what its loader gives."""
    import botocore.session

    session = botocore.session.get_session()
    expected = {
        f"ses:{op}"
        for service in ("ses", "sesv2")
        for op in session.get_service_model(service).operation_names
    }
    assert set(ses_actions()) == expected | {
        "ses:SendEmail",
        "ses:SendRawEmail",
        "ses:SendBulkEmail",
        "ses:SendTemplatedEmail",
        "ses:SendBulkTemplatedEmail",
    }
    assert {"ses:CreateEmailIdentity", "ses:DeleteIdentity", "ses:PutAccountVdmAttributes"} <= set(
        ses_actions()
    )
