"""Email identities: DKIM, MAIL FROM, DMARC, default configuration set, notifications, policies."""

from __future__ import annotations

from typing import Any

import pytest

from sesguard.model import Unknown, is_unknown

from .conftest import ReadHcl, props


def test_v1_domain_with_dkim_and_mail_from_passes(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
variable "domain" { default = "example.com" }
resource "aws_ses_domain_identity" "pass" { domain = var.domain }
resource "aws_ses_domain_dkim" "pass" { domain = aws_ses_domain_identity.pass.domain }
resource "aws_ses_domain_mail_from" "pass" {
  domain           = aws_ses_domain_identity.pass.domain
  mail_from_domain = "bounce.${aws_ses_domain_identity.pass.domain}"
}
""")
    p = props(inv, "aws_ses_domain_identity.pass")
    assert p["identity"] == "example.com"
    assert p["identity_type"] == "DOMAIN"
    assert p["domain"] == "example.com"
    assert p["dkim_signing_enabled"] is True
    assert p["dkim_origin"] == "AWS_SES"
    assert p["dkim_key_length"] is None  # the current key is known only live
    assert is_unknown(p["dkim_next_key_length"])  # the v1 API does not say
    assert p["mail_from_domain"] == "bounce.example.com"
    assert p["default_configuration_set"] is None
    assert p["notification_topics"] == {"BOUNCE": None, "COMPLAINT": None, "DELIVERY": None}
    assert p["policies"] == []
    assert p["dmarc_checked"] is True


def test_v1_domain_without_dkim_or_mail_from_fails(read_hcl: ReadHcl) -> None:
    p = props(read_hcl('resource "aws_ses_domain_identity" "fail" { domain = "example.com." }'),
              "aws_ses_domain_identity.fail")
    assert p["identity"] == "example.com"
    assert p["dkim_signing_enabled"] is False
    assert p["dkim_origin"] is None
    assert p["mail_from_domain"] is None
    assert p["dmarc_policy"] is None


def test_dkim_matched_by_literal_domain(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_ses_domain_identity" "d" { domain = "Example.com" }
resource "aws_ses_domain_dkim" "d" { domain = "example.com" }
""")
    assert props(inv, "aws_ses_domain_identity.d")["dkim_signing_enabled"] is True


def test_email_address_identity(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_ses_email_identity" "v1" { email = "alerts@example.com" }
resource "aws_sesv2_email_identity" "v2" { email_identity = "ops@example.org" }
""")
    v1 = props(inv, "aws_ses_email_identity.v1")
    assert (v1["identity_type"], v1["domain"], v1["dkim_signing_enabled"]) == ("EMAIL_ADDRESS", "example.com", False)
    v2 = props(inv, "aws_sesv2_email_identity.v2")
    assert (v2["identity_type"], v2["domain"]) == ("EMAIL_ADDRESS", "example.org")


@pytest.mark.parametrize(
    ("dkim_block", "expected"),
    [
        ("", {"dkim_origin": "AWS_SES", "dkim_key_length": None, "dkim_next_key_length": "RSA_2048_BIT"}),
        ('dkim_signing_attributes { next_signing_key_length = "RSA_1024_BIT" }',
         {"dkim_origin": "AWS_SES", "dkim_key_length": None, "dkim_next_key_length": "RSA_1024_BIT"}),
        ('dkim_signing_attributes {\n domain_signing_private_key = "a2V5"\n domain_signing_selector = "s1"\n}',
         {"dkim_origin": "EXTERNAL", "dkim_key_length": None, "dkim_next_key_length": None}),
    ],
    ids=["easy-dkim-default-2048", "easy-dkim-1024-fails", "byodkim"],
)
def test_v2_dkim(read_hcl: ReadHcl, dkim_block: str, expected: dict[str, Any]) -> None:
    inv = read_hcl(f'resource "aws_sesv2_email_identity" "d" {{\n email_identity = "example.com"\n {dkim_block}\n}}')
    p = props(inv, "aws_sesv2_email_identity.d")
    assert p["dkim_signing_enabled"] is True
    assert {k: p[k] for k in expected} == expected


def test_default_configuration_set_by_reference_and_by_name(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
variable "unknown_name" {}
resource "aws_sesv2_configuration_set" "main" { configuration_set_name = "main-set" }
resource "aws_sesv2_configuration_set" "anon" { configuration_set_name = var.unknown_name }
resource "aws_sesv2_email_identity" "by_ref" {
  email_identity         = "a.example.com"
  configuration_set_name = aws_sesv2_configuration_set.main.configuration_set_name
}
resource "aws_sesv2_email_identity" "by_name" {
  email_identity         = "b.example.com"
  configuration_set_name = "main-set"
}
resource "aws_sesv2_email_identity" "elsewhere" {
  email_identity         = "c.example.com"
  configuration_set_name = "defined-elsewhere"
}
resource "aws_sesv2_email_identity" "unknown_set" {
  email_identity         = "d.example.com"
  configuration_set_name = aws_sesv2_configuration_set.anon.configuration_set_name
}
resource "aws_sesv2_email_identity" "none" { email_identity = "e.example.com" }
""")
    assert props(inv, "aws_sesv2_email_identity.by_ref")["default_configuration_set"] == "main-set"
    assert props(inv, "aws_sesv2_email_identity.by_name")["default_configuration_set"] == "main-set"
    assert props(inv, "aws_sesv2_email_identity.elsewhere")["default_configuration_set"] == "defined-elsewhere"
    # the set is known but its name is not: Unknown, naming the set
    unknown = props(inv, "aws_sesv2_email_identity.unknown_set")["default_configuration_set"]
    assert unknown == Unknown("aws_sesv2_configuration_set.anon has an unknown name: var.unknown_name has no default")
    assert props(inv, "aws_sesv2_email_identity.none")["default_configuration_set"] is None


def test_v2_mail_from_attributes(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_sesv2_email_identity" "d" { email_identity = "example.com" }
resource "aws_sesv2_email_identity_mail_from_attributes" "d" {
  email_identity   = aws_sesv2_email_identity.d.email_identity
  mail_from_domain = "mail.example.com"
}
""")
    assert props(inv, "aws_sesv2_email_identity.d")["mail_from_domain"] == "mail.example.com"


def test_notification_topics(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_sns_topic" "bounces" { name = "bounces" }
resource "aws_ses_domain_identity" "d" { domain = "example.com" }
resource "aws_ses_identity_notification_topic" "bounce" {
  identity          = aws_ses_domain_identity.d.arn
  notification_type = "Bounce"
  topic_arn         = aws_sns_topic.bounces.arn
}
resource "aws_ses_identity_notification_topic" "complaint" {
  identity          = "example.com"
  notification_type = "Complaint"
  topic_arn         = "arn:aws:sns:eu-west-1:123456789012:complaints"
}
""")
    assert props(inv, "aws_ses_domain_identity.d")["notification_topics"] == {
        "BOUNCE": "arn:<partition>:sns:<region>:<account-id>:bounces",
        "COMPLAINT": "arn:aws:sns:eu-west-1:123456789012:complaints",
        "DELIVERY": None,
    }


def test_identity_policies_every_one(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_ses_domain_identity" "d" { domain = "example.com" }
data "aws_iam_policy_document" "public" {
  statement {
    sid       = "Public"
    actions   = ["SES:SendEmail", "SES:SendRawEmail"]
    resources = [aws_ses_domain_identity.d.arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
resource "aws_ses_identity_policy" "public" {
  identity = aws_ses_domain_identity.d.arn
  name     = "public"
  policy   = data.aws_iam_policy_document.public.json
}
resource "aws_sesv2_email_identity_policy" "scoped" {
  email_identity = aws_ses_domain_identity.d.domain
  policy_name    = "scoped"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "ses:SendEmail"
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
  })
}
""")
    policies = props(inv, "aws_ses_domain_identity.d")["policies"]
    assert [p["name"] for p in policies] == ["public", "scoped"]
    public = policies[0]["document"]["Statement"][0]
    assert public["Principal"] == {"AWS": "*"}
    assert public["Resource"] == "arn:<partition>:ses:<region>:<account-id>:identity/example.com"
    assert policies[1]["document"]["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"}}


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ('name = "_dmarc.${var.domain}"\n records = ["v=DMARC1; p=reject; rua=mailto:d@example.com"]', "reject"),
        ('name = "_dmarc"\n zone_id = aws_route53_zone.z.zone_id\n records = ["v=DMARC1;p=quarantine"]',
         "quarantine"),
        ('name = "_dmarc.example.com."\n records = ["v=DMARC1; p=none"]', "none"),
        ('name = "_dmarc.other.com"\n records = ["v=DMARC1; p=reject"]', None),
        ('name = "_dmarc.example.com"\n records = ["not dmarc"]', None),
        ('name = "_dmarc.${var.nodefault}"\n records = ["v=DMARC1; p=reject"]', Unknown),
    ],
    ids=["interpolated-name", "zone-relative-name", "trailing-dot", "other-domain", "not-dmarc", "unresolved"],
)
def test_dmarc_policy(read_hcl: ReadHcl, record: str, expected: Any) -> None:
    inv = read_hcl(f"""
variable "domain" {{ default = "example.com" }}
variable "nodefault" {{}}
resource "aws_route53_zone" "z" {{ name = "example.com" }}
resource "aws_ses_domain_identity" "d" {{ domain = var.domain }}
resource "aws_route53_record" "dmarc" {{
  type = "TXT"
  ttl  = 300
  {record}
}}
""")
    policy = props(inv, "aws_ses_domain_identity.d")["dmarc_policy"]
    if expected is Unknown:
        assert is_unknown(policy)
    else:
        assert policy == expected


def test_unknown_identity_is_unknown_not_guessed(read_hcl: ReadHcl) -> None:
    p = props(read_hcl('variable "id" {}\nresource "aws_sesv2_email_identity" "x" { email_identity = var.id }'),
              "aws_sesv2_email_identity.x")
    assert p["identity"] == Unknown("var.id has no default")
    assert is_unknown(p["identity_type"])
    assert is_unknown(p["domain"])
