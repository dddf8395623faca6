"""References, variables, locals, templates and functions resolve; the rest is Unknown with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sesguard.model import Unknown, is_unknown
from sesguard.sources.terraform.hcl_reader import parse_file
from sesguard.sources.terraform.module import HclModule


def _local(tmp_path: Path, text: str, name: str = "x", extra: dict[str, str] | None = None) -> Any:
    (tmp_path / "main.tf").write_text(text)
    for file_name, content in (extra or {}).items():
        (tmp_path / file_name).write_text(content)
    module = HclModule(tmp_path, [parse_file(tmp_path / "main.tf", "main.tf")])
    return module.local(name)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"plain"', "plain"),
        ("42", 42),
        ("0.05", 0.05),
        ("true", True),
        ("null", None),
        ('"${var.domain}"', "example.com"),
        ('"_dmarc.${var.domain}"', "_dmarc.example.com"),
        ('"mail.${local.sub}.${var.domain}"', "mail.eu.example.com"),
        ("var.port + 1", 588),
        ("var.port > 500 ? \"big\" : \"small\"", "big"),
        ("!var.enabled", False),
        ('upper("require")', "REQUIRE"),
        ('format("arn:aws:ses:%s:%s:identity/%s", "eu-west-1", "123456789012", var.domain)',
         "arn:aws:ses:eu-west-1:123456789012:identity/example.com"),
        ('join(",", ["a", "b"])', "a,b"),
        ('concat(["a"], ["b"])', ["a", "b"]),
        ('lookup({a = 1}, "b", 2)', 2),
        ("[for s in var.list : upper(s) if s != \"b\"]", ["A", "C"]),
        ("{for s in var.list : s => length(s)}", {"a": 1, "b": 1, "c": 1}),
        ('try(var.obj.missing, "fallback")', "fallback"),
        ("var.obj.key", "value"),
        ('var.list[1]', "b"),
        ('"$${not_interpolated}"', "${not_interpolated}"),
        ('"tab\\there"', "tab\there"),
        ('jsondecode("{\\"a\\": [1]}")', {"a": [1]}),
        ("length(var.list)", 3),
        ('coalesce("", "x")', "x"),
    ],
)
def test_expression_values(tmp_path: Path, expression: str, expected: Any) -> None:
    text = f"""
variable "domain" {{ default = "example.com" }}
variable "port" {{ default = 587 }}
variable "enabled" {{ default = true }}
variable "list" {{ default = ["a", "b", "c"] }}
variable "obj" {{ default = {{ key = "value" }} }}
locals {{
  sub = "eu"
  x   = {expression}
}}
"""
    assert _local(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("expression", "reason_part"),
    [
        ("var.nodefault", "var.nodefault has no default"),
        ('"${var.nodefault}.example.com"', "var.nodefault has no default"),
        ("module.m.out", "module.m is not declared"),
        ("count.index", "count.index"),
        ("each.value", "each.key"),
        ("aws_kms_key.k.key_id", "known only after apply"),
        ("aws_iam_access_key.k.secret", "known only after apply"),
        ("timestamp()", "function timestamp() is not evaluated"),
        ('regex("a+", "aaa")', "function regex() is not evaluated"),
        ('"%{ if true }x%{ endif }"', "template directives"),
        ("local.loop_a", "reference cycle"),
        ("aws_missing.thing.name", "not declared"),
        ('var.flag ? "a" : "b"', "var.flag has no default"),
    ],
)
def test_unresolvable_is_unknown_with_reason(tmp_path: Path, expression: str, reason_part: str) -> None:
    text = f"""
variable "nodefault" {{}}
variable "flag" {{ type = bool }}
resource "aws_kms_key" "k" {{}}
resource "aws_iam_access_key" "k" {{ user = "u" }}
locals {{
  loop_a = local.loop_b
  loop_b = local.loop_a
  x = {expression}
}}
"""
    value = _local(tmp_path, text)
    assert is_unknown(value), value
    assert reason_part in value.reason


def test_conditional_with_equal_branches_is_known(tmp_path: Path) -> None:
    assert _local(tmp_path, 'variable "f" {}\nlocals { x = var.f ? "same" : "same" }') == "same"


def test_jsonencode_keeps_structure_with_unknown_leaf(tmp_path: Path) -> None:
    text = """
variable "arn" {}
locals { x = jsondecode(jsonencode({ Resource = var.arn, Action = "ses:SendEmail" })) }
"""
    value = _local(tmp_path, text)
    assert value["Action"] == "ses:SendEmail"
    assert value["Resource"] == Unknown("var.arn has no default")


def test_heredoc_with_interpolation_and_trim(tmp_path: Path) -> None:
    text = """
variable "domain" { default = "example.com" }
locals {
  x = <<-EOT
    {
      "Resource": "arn:aws:ses:*:*:identity/${var.domain}"
    }
    EOT
}
"""
    value = _local(tmp_path, text)
    assert value == '{\n  "Resource": "arn:aws:ses:*:*:identity/example.com"\n}\n'


def test_resource_attributes_and_built_arns(tmp_path: Path) -> None:
    text = """
resource "aws_ses_domain_identity" "d" { domain = "example.com" }
resource "aws_iam_user" "u" {
  name = "sender"
  path = "/smtp/"
}
resource "aws_sesv2_configuration_set" "cs" { configuration_set_name = "main" }
data "aws_caller_identity" "me" {}
data "aws_region" "here" {}
locals {
  x = [
    aws_ses_domain_identity.d.domain, aws_ses_domain_identity.d.id, aws_ses_domain_identity.d.arn,
    aws_iam_user.u.arn, aws_sesv2_configuration_set.cs.configuration_set_name,
    "arn:aws:ses:${data.aws_region.here.name}:${data.aws_caller_identity.me.account_id}:identity/x",
  ]
}
"""
    assert _local(tmp_path, text) == [
        "example.com",
        "example.com",
        "arn:<partition>:ses:<region>:<account-id>:identity/example.com",
        "arn:<partition>:iam::<account-id>:user/smtp/sender",
        "main",
        "arn:aws:ses:<region>:<account-id>:identity/x",
    ]


def test_count_splat_and_index(tmp_path: Path) -> None:
    text = """
resource "aws_iam_user" "u" {
  count = 2
  name  = "fixed"
}
locals { x = [aws_iam_user.u[*].name, aws_iam_user.u[0].name, aws_iam_user.u.*.name] }
"""
    assert _local(tmp_path, text) == [["fixed", "fixed"], "fixed", ["fixed", "fixed"]]


def test_file_and_templatefile(tmp_path: Path) -> None:
    text = """
locals {
  x = [file("${path.module}/p.json"), templatefile("t.tpl", { who = "world" }), file("missing.txt")]
}
"""
    value = _local(tmp_path, text, extra={"p.json": '{"a": 1}', "t.tpl": "hello ${who}"})
    assert value[:2] == ['{"a": 1}', "hello world"]
    assert is_unknown(value[2])


def test_tfvars_override_defaults(read_hcl: Any) -> None:
    inventory = read_hcl({
        "main.tf": 'variable "name" { default = "from-default" }\nresource "aws_iam_user" "u" { name = var.name }',
        "terraform.tfvars": 'name = "from-tfvars"',
    })
    user = next(r for r in inventory.resources if r.id == "aws_iam_user.u")
    assert user.props["name"] == "from-tfvars"
