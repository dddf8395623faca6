"""Local module calls: evaluated with the caller's arguments, rows named ``module.NAME.<address>``."""

from __future__ import annotations

from typing import Any

from sesguard.model import ACCOUNT, CONFIGURATION_SET, EMAIL_IDENTITY, TEMPLATE_SET, Inventory, is_unknown
from sesguard.sources.terraform import read_terraform

from .conftest import FIXTURES, ReadHcl, of_type, props

CHILD = '''
variable "name" { type = string }
variable "tls_policy" {
  type    = string
  default = "OPTIONAL"
}
resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = var.name
  delivery_options {
    tls_policy = var.tls_policy
  }
}
output "name" { value = aws_sesv2_configuration_set.this.configuration_set_name }
'''


def test_the_caller_argument_wins_over_the_child_default(read_hcl: ReadHcl) -> None:
    inv = read_hcl({
        "main.tf": '''
module "strict" {
  source     = "./modules/cs"
  name       = "strict"
  tls_policy = "REQUIRE"
}
module "lax" {
  source = "./modules/cs"
  name   = "lax"
}
''',
        "modules/cs/main.tf": CHILD,
    })
    sets = {r.id: r.props for r in of_type(inv, CONFIGURATION_SET)}
    # one row per call, named by the call; the child folder is not also read on its own defaults
    assert sorted(sets) == [
        "module.lax.aws_sesv2_configuration_set.this",
        "module.strict.aws_sesv2_configuration_set.this",
    ]
    assert sets["module.strict.aws_sesv2_configuration_set.this"]["tls_policy"] == "REQUIRE"
    assert sets["module.lax.aws_sesv2_configuration_set.this"]["tls_policy"] == "OPTIONAL"
    assert sets["module.lax.aws_sesv2_configuration_set.this"]["name"] == "lax"


def test_module_for_each_and_count_name_instances_by_key(read_hcl: ReadHcl) -> None:
    inv = read_hcl({
        "main.tf": '''
locals {
  envs = { prod = "REQUIRE", staging = "OPTIONAL" }
}
module "env" {
  for_each   = local.envs
  source     = "./modules/cs"
  name       = "${each.key}-set"
  tls_policy = each.value
}
module "extra" {
  count  = 2
  source = "./modules/cs"
  name   = "extra-${count.index}"
}
''',
        "modules/cs/main.tf": CHILD,
    })
    sets = {r.id: r.props for r in of_type(inv, CONFIGURATION_SET)}
    assert sets['module.env["prod"].aws_sesv2_configuration_set.this']["tls_policy"] == "REQUIRE"
    assert sets['module.env["staging"].aws_sesv2_configuration_set.this']["name"] == "staging-set"
    assert sets["module.extra[1].aws_sesv2_configuration_set.this"]["name"] == "extra-1"
    assert len(sets) == 4


def test_nested_modules_and_outputs(read_hcl: ReadHcl) -> None:
    inv = read_hcl({
        "main.tf": '''
module "outer" {
  source = "./modules/outer"
  domain = "example.com"
}
resource "aws_sesv2_email_identity" "root" {
  email_identity         = "root.example.com"
  configuration_set_name = module.outer.set_name
}
''',
        "modules/outer/main.tf": '''
variable "domain" { type = string }
module "inner" {
  source     = "../cs"
  name       = "inner-${var.domain}"
  tls_policy = "REQUIRE"
}
resource "aws_sesv2_email_identity" "this" {
  email_identity         = var.domain
  configuration_set_name = module.inner.name
}
output "set_name" { value = module.inner.name }
''',
        "modules/cs/main.tf": CHILD,
    })
    cs = props(inv, "module.outer.module.inner.aws_sesv2_configuration_set.this")
    assert cs["tls_policy"] == "REQUIRE" and cs["name"] == "inner-example.com"
    identity = props(inv, "module.outer.aws_sesv2_email_identity.this")
    assert identity["identity"] == "example.com"
    assert identity["default_configuration_set"] == "inner-example.com"
    assert props(inv, "aws_sesv2_email_identity.root")["default_configuration_set"] == "inner-example.com"


def test_resources_in_modules_link_by_value_across_modules(read_hcl: ReadHcl) -> None:
    inv = read_hcl({
        "main.tf": '''
resource "aws_ses_domain_identity" "d" { domain = "example.com" }
module "dkim" {
  source = "./modules/dkim"
  domain = aws_ses_domain_identity.d.domain
}
''',
        "modules/dkim/main.tf": '''
variable "domain" { type = string }
resource "aws_ses_domain_dkim" "this" { domain = var.domain }
resource "aws_ses_domain_mail_from" "this" {
  domain           = var.domain
  mail_from_domain = "bounce.${var.domain}"
}
''',
    })
    identity = props(inv, "aws_ses_domain_identity.d")
    assert identity["dkim_signing_enabled"] is True
    assert identity["mail_from_domain"] == "bounce.example.com"


def test_remote_module_is_an_error_of_the_account_rows_naming_the_source(read_hcl: ReadHcl) -> None:
    inv = read_hcl('''
module "ses" {
  source  = "cloudposse/ses/aws"
  version = "0.25.0"
  domain  = "example.com"
}
resource "aws_sesv2_email_identity" "x" {
  email_identity         = "x.example.com"
  configuration_set_name = module.ses.configuration_set_name
}
''')
    (error,) = inv.errors
    assert error.code == "module-not-read" and error.affects == (ACCOUNT,)
    assert "module.ses comes from cloudposse/ses/aws, which is not read" in error.message
    assert error.location.line == 2
    value = props(inv, "aws_sesv2_email_identity.x")["default_configuration_set"]
    assert is_unknown(value) and "cloudposse/ses/aws" in value.reason


def test_module_call_with_unknown_count_is_not_read_and_says_why(read_hcl: ReadHcl) -> None:
    inv = read_hcl({
        "main.tf": '''
variable "n" { type = number }
module "cs" {
  count  = var.n
  source = "./modules/cs"
  name   = "x"
}
''',
        "modules/cs/main.tf": CHILD,
    })
    assert of_type(inv, CONFIGURATION_SET) == []
    (error,) = inv.errors
    assert "module.cs has an unknown number of instances" in error.message and "var.n" in error.message


def test_a_module_cycle_is_reported_once_and_not_followed(read_hcl: ReadHcl) -> None:
    inv = read_hcl({
        "main.tf": '''
module "again" {
  source = "./"
}
module "a" {
  source = "./modules/a"
}
resource "aws_ses_domain_identity" "d" { domain = "example.com" }
''',
        "modules/a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
        "modules/b/main.tf": 'module "a" {\n  source = "../a"\n}\nresource "aws_ses_domain_identity" "b" { domain = "b.example.com" }\n',
    })
    ids = sorted(r.id for r in of_type(inv, EMAIL_IDENTITY))
    assert ids == ["aws_ses_domain_identity.d", "module.a.module.b.aws_ses_domain_identity.b"]
    messages = [e.message for e in inv.errors]
    assert len(messages) == 2 and all("a cycle Terraform rejects" in m for m in messages), messages


def test_a_child_folder_read_alone_is_its_own_root(read_hcl: ReadHcl, tmp_path: object) -> None:
    from pathlib import Path

    from sesguard.sources.terraform import read_terraform

    read_hcl({"main.tf": 'module "m" {\n  source = "./modules/cs"\n  name = "m"\n}\n', "modules/cs/main.tf": CHILD})
    inv = read_terraform(Path(str(tmp_path)) / "module" / "modules" / "cs", "child")
    (cs,) = of_type(inv, CONFIGURATION_SET)
    assert cs.id == "aws_sesv2_configuration_set.this"
    assert is_unknown(cs.props["name"])  # var.name has no default


def _by_id(inventory: Inventory) -> dict[str, dict[str, Any]]:
    """Per resource id its props, with policy documents in a stable order."""
    result: dict[str, dict[str, Any]] = {}
    for resource in inventory.resources:
        if resource.type in (ACCOUNT, TEMPLATE_SET):
            continue
        facts = dict(resource.props)
        if "policy_documents" in facts:
            facts["policy_documents"] = sorted(facts["policy_documents"], key=lambda d: str(d["origin"]))
        result[resource.id] = facts
    return result


def test_hcl_instances_and_module_rows_match_the_plan_json_addresses_and_facts() -> None:
    """plan_src/root is the source of plan/module.json (terraform 1.x): for_each keys, count indexes
    and a module call named as Terraform names them, with the same facts from both readers."""
    hcl = read_terraform(FIXTURES / "plan_src" / "root", "hcl")
    plan = read_terraform(FIXTURES / "plan" / "module.json", "plan")
    assert hcl.errors == [] and plan.errors == []
    from_hcl, from_plan = _by_id(hcl), _by_id(plan)
    assert sorted(from_hcl) == sorted(from_plan) == [
        "aws_ses_configuration_set.legacy",
        'aws_sesv2_email_identity.domain["a.example.com"]',
        'aws_sesv2_email_identity.domain["b.example.com"]',
        "module.sender.aws_iam_user.sender[0]",
        "module.sender.aws_iam_user.sender[1]",
    ]
    assert from_hcl == from_plan
