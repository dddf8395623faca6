"""``for_each`` / ``count`` expansion: one resource per instance, named by Terraform's own address."""

from __future__ import annotations

from sesguard.model import EMAIL_IDENTITY, IAM_PRINCIPAL, is_unknown

from .conftest import ReadHcl, by_id, of_type, props

DOMAINS = '''
locals {
  domains = {
    shop = "shop.example.com"
    news = "news.example.com"
  }
}

resource "aws_sesv2_email_identity" "domains" {
  for_each       = local.domains
  email_identity = each.value
}
'''


def test_for_each_over_a_locals_map_gives_one_identity_per_key(read_hcl: ReadHcl) -> None:
    inv = read_hcl(DOMAINS)
    ids = sorted(r.id for r in of_type(inv, EMAIL_IDENTITY))
    assert ids == ['aws_sesv2_email_identity.domains["news"]', 'aws_sesv2_email_identity.domains["shop"]']
    assert props(inv, 'aws_sesv2_email_identity.domains["shop"]')["identity"] == "shop.example.com"
    assert props(inv, 'aws_sesv2_email_identity.domains["news"]')["domain"] == "news.example.com"


def test_for_each_over_a_set_of_strings_keys_by_the_element(read_hcl: ReadHcl) -> None:
    inv = read_hcl('''
variable "domains" {
  type    = set(string)
  default = ["b.example.com", "a.example.com", "a.example.com"]
}
resource "aws_ses_domain_identity" "d" {
  for_each = toset(var.domains)
  domain   = each.key
}
''')
    ids = [r.id for r in of_type(inv, EMAIL_IDENTITY)]
    assert sorted(ids) == ['aws_ses_domain_identity.d["a.example.com"]', 'aws_ses_domain_identity.d["b.example.com"]']


def test_tfvars_decide_the_keys(read_hcl: ReadHcl) -> None:
    inv = read_hcl({
        "main.tf": '''
variable "domains" { type = list(string) }
resource "aws_ses_domain_identity" "d" {
  for_each = toset(var.domains)
  domain   = each.value
}
''',
        "terraform.tfvars": 'domains = ["tfvars.example.com"]\n',
    })
    assert [r.id for r in of_type(inv, EMAIL_IDENTITY)] == ['aws_ses_domain_identity.d["tfvars.example.com"]']


def test_count_gives_indexed_instances_with_count_index(read_hcl: ReadHcl) -> None:
    inv = read_hcl('''
resource "aws_iam_user" "sender" {
  count = 3
  name  = "sender-${count.index}"
}
''')
    names = {r.id: r.props["name"] for r in of_type(inv, IAM_PRINCIPAL)}
    assert names == {
        "aws_iam_user.sender[0]": "sender-0",
        "aws_iam_user.sender[1]": "sender-1",
        "aws_iam_user.sender[2]": "sender-2",
    }


def test_count_zero_and_empty_for_each_create_nothing(read_hcl: ReadHcl) -> None:
    inv = read_hcl('''
resource "aws_iam_user" "none" {
  count = 0
  name  = "x"
}
resource "aws_ses_domain_identity" "none" {
  for_each = {}
  domain   = each.value
}
''')
    assert of_type(inv, IAM_PRINCIPAL) == [] and of_type(inv, EMAIL_IDENTITY) == []


def test_unknown_keys_give_one_row_whose_facts_say_why(read_hcl: ReadHcl) -> None:
    inv = read_hcl('''
variable "domains" { type = set(string) }
resource "aws_ses_domain_identity" "d" {
  for_each = var.domains
  domain   = each.value
}
''')
    (identity,) = of_type(inv, EMAIL_IDENTITY)
    assert identity.id == "aws_ses_domain_identity.d"
    value = identity.props["identity"]
    assert is_unknown(value)
    assert "unknown number of instances" in value.reason and "var.domains has no default" in value.reason


def test_mail_from_with_for_each_is_linked_per_instance(read_hcl: ReadHcl) -> None:
    inv = read_hcl(DOMAINS + '''
resource "aws_sesv2_email_identity_mail_from_attributes" "domains" {
  for_each               = { for k, v in local.domains : k => v if k == "shop" }
  email_identity         = aws_sesv2_email_identity.domains[each.key].email_identity
  mail_from_domain       = "bounce.${each.value}"
  behavior_on_mx_failure = "REJECT_MESSAGE"
}
''')
    assert props(inv, 'aws_sesv2_email_identity.domains["shop"]')["mail_from_domain"] == "bounce.shop.example.com"
    assert props(inv, 'aws_sesv2_email_identity.domains["news"]')["mail_from_domain"] is None


def test_mail_from_iterating_over_the_identities_themselves(read_hcl: ReadHcl) -> None:
    inv = read_hcl(DOMAINS + '''
resource "aws_sesv2_email_identity_mail_from_attributes" "all" {
  for_each         = aws_sesv2_email_identity.domains
  email_identity   = each.value.email_identity
  mail_from_domain = "mail.${each.value.email_identity}"
}
''')
    for key, domain in (("shop", "shop.example.com"), ("news", "news.example.com")):
        assert props(inv, f'aws_sesv2_email_identity.domains["{key}"]')["mail_from_domain"] == f"mail.{domain}"


def test_mail_from_with_unknown_keys_makes_the_linked_fact_unknown_not_absent(read_hcl: ReadHcl) -> None:
    inv = read_hcl(DOMAINS + '''
variable "which" { type = set(string) }
resource "aws_sesv2_email_identity_mail_from_attributes" "some" {
  for_each         = var.which
  email_identity   = aws_sesv2_email_identity.domains[each.key].email_identity
  mail_from_domain = "bounce.example.com"
}
''')
    for key in ("shop", "news"):
        value = props(inv, f'aws_sesv2_email_identity.domains["{key}"]')["mail_from_domain"]
        assert is_unknown(value), value


def test_references_by_index_splat_and_values(read_hcl: ReadHcl) -> None:
    inv = read_hcl('''
resource "aws_iam_user" "u" {
  count = 2
  name  = "u${count.index}"
}
resource "aws_iam_group" "g" { name = "senders" }
resource "aws_iam_group_membership" "m" {
  name  = "m"
  group = aws_iam_group.g.name
  users = aws_iam_user.u[*].name
}
resource "aws_iam_access_key" "k" {
  user = aws_iam_user.u[1].name
}
''')
    assert props(inv, "aws_iam_user.u[0]")["groups"] == ["senders"]
    assert props(inv, "aws_iam_user.u[1]")["groups"] == ["senders"]
    assert [k["id"] for k in props(inv, "aws_iam_user.u[1]")["access_keys"]] == ["aws_iam_access_key.k"]
    assert props(inv, "aws_iam_user.u[0]")["access_keys"] == []


def test_keys_are_quoted_as_terraform_quotes_them(read_hcl: ReadHcl) -> None:
    inv = read_hcl('''
resource "aws_ses_email_identity" "e" {
  for_each = toset(["a\\"b@example.com"])
  email    = each.key
}
''')
    by_id(inv, 'aws_ses_email_identity.e["a\\"b@example.com"]')
