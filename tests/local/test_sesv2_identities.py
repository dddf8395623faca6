"""SES v2 email identities: DKIM, MAIL FROM, default configuration set, policies, pagination, errors."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from sesguard.local import LocalEndpoint
from sesguard.local.client import AdminError

from .conftest import ClientFactory

pytestmark = pytest.mark.live

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ses:SendEmail", "Resource": "*"}],
    }
)


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_domain_identity_starts_pending_with_easy_dkim_2048(client: ClientFactory) -> None:
    created = client("sesv2").create_email_identity(EmailIdentity="example.com")
    assert created["IdentityType"] == "DOMAIN"
    assert created["VerifiedForSendingStatus"] is False
    dkim = created["DkimAttributes"]
    assert dkim["SigningEnabled"] is True
    assert dkim["Status"] == "PENDING"
    assert dkim["SigningAttributesOrigin"] == "AWS_SES"
    assert dkim["CurrentSigningKeyLength"] == dkim["NextSigningKeyLength"] == "RSA_2048_BIT"
    assert len(dkim["Tokens"]) == 3
    got = client("sesv2").get_email_identity(EmailIdentity="example.com")
    assert got["VerificationStatus"] == "PENDING"
    assert "MailFromAttributes" not in got
    assert got["DkimAttributes"]["LastKeyGenerationTimestamp"].year >= 2024


def test_email_identity_has_no_dkim_of_its_own(client: ClientFactory) -> None:
    client("sesv2").create_email_identity(EmailIdentity="me@example.com")
    got = client("sesv2").get_email_identity(EmailIdentity="me@example.com")
    assert got["IdentityType"] == "EMAIL_ADDRESS"
    # No SigningAttributesOrigin: an address signs with its domain's DKIM setup, if any.
    assert got["DkimAttributes"] == {"SigningEnabled": False, "Status": "NOT_STARTED"}


def test_admin_verification_shows_in_get_and_list(ep: LocalEndpoint, client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity="example.com", MailFromDomain="mail.example.com"
    )
    ep.verify_identity("example.com")
    got = sesv2.get_email_identity(EmailIdentity="example.com")
    assert got["VerificationStatus"] == "SUCCESS"
    assert got["VerifiedForSendingStatus"] is True
    assert got["DkimAttributes"]["Status"] == "SUCCESS"
    assert got["MailFromAttributes"]["MailFromDomainStatus"] == "SUCCESS"
    listed = sesv2.list_email_identities()["EmailIdentities"]
    assert listed == [
        {
            "IdentityType": "DOMAIN",
            "IdentityName": "example.com",
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        }
    ]
    ep.set_identity_status("example.com", verification_status="FAILED", dkim_status="TEMPORARY_FAILURE")
    got = sesv2.get_email_identity(EmailIdentity="example.com")
    assert (got["VerificationStatus"], got["DkimAttributes"]["Status"]) == ("FAILED", "TEMPORARY_FAILURE")


def test_dkim_1024_and_byodkim(ep: LocalEndpoint, client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(
        EmailIdentity="old.example.com", DkimSigningAttributes={"NextSigningKeyLength": "RSA_1024_BIT"}
    )
    dkim = sesv2.get_email_identity(EmailIdentity="old.example.com")["DkimAttributes"]
    assert dkim["CurrentSigningKeyLength"] == "RSA_1024_BIT"
    sesv2.put_email_identity_dkim_signing_attributes(
        EmailIdentity="old.example.com",
        SigningAttributesOrigin="AWS_SES",
        SigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"},
    )
    dkim = sesv2.get_email_identity(EmailIdentity="old.example.com")["DkimAttributes"]
    assert (dkim["CurrentSigningKeyLength"], dkim["NextSigningKeyLength"]) == ("RSA_1024_BIT", "RSA_2048_BIT")

    answer = sesv2.put_email_identity_dkim_signing_attributes(
        EmailIdentity="old.example.com",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": "a2V5"},
    )
    assert answer["DkimStatus"] == "PENDING"
    dkim = sesv2.get_email_identity(EmailIdentity="old.example.com")["DkimAttributes"]
    assert dkim["SigningAttributesOrigin"] == "EXTERNAL"
    assert dkim["Tokens"] == ["s1"]  # the selector
    # The API documents these three for Easy DKIM only: AWS sends none of them for BYODKIM.
    assert not {"CurrentSigningKeyLength", "NextSigningKeyLength", "LastKeyGenerationTimestamp"} & set(dkim)
    with pytest.raises(AdminError, match="BYODKIM"):  # the fake cannot be told to invent one
        ep.set_identity_status("old.example.com", dkim_key_generated_days_ago=400)


def test_dkim_signing_can_be_turned_off(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.put_email_identity_dkim_attributes(EmailIdentity="example.com", SigningEnabled=False)
    assert sesv2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]["SigningEnabled"] is False


def test_mail_from_round_trip_and_removal(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity="example.com", MailFromDomain="bounce.example.com", BehaviorOnMxFailure="REJECT_MESSAGE"
    )
    assert sesv2.get_email_identity(EmailIdentity="example.com")["MailFromAttributes"] == {
        "MailFromDomain": "bounce.example.com",
        "MailFromDomainStatus": "PENDING",
        "BehaviorOnMxFailure": "REJECT_MESSAGE",
    }
    sesv2.put_email_identity_mail_from_attributes(EmailIdentity="example.com")
    assert "MailFromAttributes" not in sesv2.get_email_identity(EmailIdentity="example.com")
    with pytest.raises(ClientError) as caught:
        sesv2.put_email_identity_mail_from_attributes(
            EmailIdentity="example.com", MailFromDomain="mail.other.org"
        )
    assert error_of(caught) == ("BadRequestException", 400)


def test_default_configuration_set_attribute(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="main")
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.put_email_identity_configuration_set_attributes(
        EmailIdentity="example.com", ConfigurationSetName="main"
    )
    assert sesv2.get_email_identity(EmailIdentity="example.com")["ConfigurationSetName"] == "main"
    with pytest.raises(ClientError) as caught:
        sesv2.put_email_identity_configuration_set_attributes(
            EmailIdentity="example.com", ConfigurationSetName="no"
        )
    assert error_of(caught) == ("NotFoundException", 404)
    sesv2.delete_configuration_set(ConfigurationSetName="main")
    assert "ConfigurationSetName" not in sesv2.get_email_identity(EmailIdentity="example.com")


def test_identity_policies_crud(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(EmailIdentity="example.com", Tags=[{"Key": "env", "Value": "prod"}])
    sesv2.create_email_identity_policy(EmailIdentity="example.com", PolicyName="open", Policy=POLICY)
    sesv2.create_email_identity_policy(EmailIdentity="example.com", PolicyName="second", Policy=POLICY)
    with pytest.raises(ClientError) as caught:
        sesv2.create_email_identity_policy(EmailIdentity="example.com", PolicyName="open", Policy=POLICY)
    assert error_of(caught) == ("AlreadyExistsException", 400)
    assert set(sesv2.get_email_identity_policies(EmailIdentity="example.com")["Policies"]) == {
        "open",
        "second",
    }
    changed = POLICY.replace("SendEmail", "SendRawEmail")
    sesv2.update_email_identity_policy(EmailIdentity="example.com", PolicyName="open", Policy=changed)
    got = sesv2.get_email_identity(EmailIdentity="example.com")
    assert got["Policies"]["open"] == changed
    assert got["Tags"] == [{"Key": "env", "Value": "prod"}]
    sesv2.delete_email_identity_policy(EmailIdentity="example.com", PolicyName="second")
    assert list(sesv2.get_email_identity_policies(EmailIdentity="example.com")["Policies"]) == ["open"]
    with pytest.raises(ClientError) as caught:
        sesv2.update_email_identity_policy(EmailIdentity="example.com", PolicyName="gone", Policy=POLICY)
    assert error_of(caught) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as caught:
        sesv2.create_email_identity_policy(EmailIdentity="example.com", PolicyName="bad", Policy="{not json")
    assert error_of(caught) == ("BadRequestException", 400)


def test_create_twice_get_missing_delete_missing(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(EmailIdentity="example.com")
    with pytest.raises(ClientError) as caught:
        sesv2.create_email_identity(EmailIdentity="example.com")
    assert error_of(caught) == ("AlreadyExistsException", 400)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_email_identity(EmailIdentity="missing.example.com")
    sesv2.delete_email_identity(EmailIdentity="example.com")
    with pytest.raises(ClientError) as caught:
        sesv2.delete_email_identity(EmailIdentity="example.com")
    assert error_of(caught) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as caught:
        sesv2.create_email_identity(EmailIdentity="not an identity")
    assert error_of(caught) == ("BadRequestException", 400)


def test_list_email_identities_paginates(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    names = [f"user{i}@example.com" for i in range(7)] + ["example.com"]
    for name in names:
        sesv2.create_email_identity(EmailIdentity=name)
    first = sesv2.list_email_identities(PageSize=3)
    assert len(first["EmailIdentities"]) == 3 and "NextToken" in first
    pages = [first]
    while "NextToken" in pages[-1]:
        pages.append(sesv2.list_email_identities(PageSize=3, NextToken=pages[-1]["NextToken"]))
    assert [len(p["EmailIdentities"]) for p in pages] == [3, 3, 2]
    seen = [i["IdentityName"] for p in pages for i in p["EmailIdentities"]]
    assert seen == sorted(names)
    with pytest.raises(ClientError) as caught:
        sesv2.list_email_identities(NextToken="%%%")
    assert error_of(caught) == ("BadRequestException", 400)


def test_identities_are_per_region(client: ClientFactory) -> None:
    client("sesv2", "eu-west-1").create_email_identity(EmailIdentity="example.eu")
    assert client("sesv2").list_email_identities()["EmailIdentities"] == []
    assert len(client("sesv2", "eu-west-1").list_email_identities()["EmailIdentities"]) == 1


def test_identity_names_with_at_sign_travel_in_the_path(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(EmailIdentity="first.last+tag@example.com")
    got = sesv2.get_email_identity(EmailIdentity="first.last+tag@example.com")
    assert got["IdentityType"] == "EMAIL_ADDRESS"
