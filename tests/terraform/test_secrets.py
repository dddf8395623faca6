"""SES-IAM-009 (secret exposures) and SES-IAM-010 (literal credentials) facts of a template set."""

from __future__ import annotations

from typing import Any

import pytest

from sesguard.model import TEMPLATE_SET

from .conftest import ReadHcl, of_type

# AWS's documented example credentials (not real).
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
OLD_KEY_ID = "AKIAJ2345EXAMPLEKEYZ"

KEY = """
resource "aws_iam_user" "smtp" { name = "smtp" }
resource "aws_iam_access_key" "smtp" { user = aws_iam_user.smtp.name }
"""


def _set_props(inventory: Any) -> dict[str, Any]:
    (template_set,) = of_type(inventory, TEMPLATE_SET)
    props: dict[str, Any] = template_set.props
    return props


@pytest.mark.parametrize(
    ("output", "exposed"),
    [
        ('value = aws_iam_access_key.smtp.secret', True),
        ('value = aws_iam_access_key.smtp.ses_smtp_password_v4', True),
        ('value = nonsensitive(aws_iam_access_key.smtp.ses_smtp_password_v4)', True),
        ('value = "${aws_iam_access_key.smtp.secret}"', True),
        ('value = { password = aws_iam_access_key.smtp.ses_smtp_password_v4 }', True),
        ('value = aws_iam_access_key.smtp', True),
        ('value = local.creds', True),
        ('value = aws_iam_access_key.smtp.secret\n sensitive = true', False),
        ('value = aws_iam_access_key.smtp.id', False),
        ('value = aws_iam_access_key.smtp.encrypted_secret', False),
        ('value = [for k in [aws_iam_access_key.smtp] : k.id]', False),
    ],
    ids=["secret", "smtp-password", "nonsensitive", "interpolated", "in-object", "whole-key", "via-local",
         "sensitive", "key-id", "pgp-encrypted", "iterated-id"],
)
def test_output_exposure(read_hcl: ReadHcl, output: str, exposed: bool) -> None:
    inv = read_hcl(KEY + f"""
locals {{ creds = {{ secret = aws_iam_access_key.smtp.secret }} }}
output "o" {{
  {output}
}}
""")
    exposures = _set_props(inv)["secret_exposures"]
    assert bool(exposures) is exposed, exposures
    if exposed:
        (exposure,) = exposures
        assert exposure["where"] == "output.o"
        assert exposure["file"].endswith("main.tf")
        assert exposure["line"] == 6
        if "nonsensitive" in output:
            assert "nonsensitive()" in exposure["detail"]


def test_secret_stores_and_other_arguments(read_hcl: ReadHcl) -> None:
    inv = read_hcl(KEY + """
resource "aws_secretsmanager_secret" "s" { name = "smtp" }
resource "aws_secretsmanager_secret_version" "ok" {
  secret_id     = aws_secretsmanager_secret.s.id
  secret_string = jsonencode({ password = aws_iam_access_key.smtp.ses_smtp_password_v4 })
}
resource "aws_ssm_parameter" "ok" {
  name  = "/smtp/password"
  type  = "SecureString"
  value = aws_iam_access_key.smtp.ses_smtp_password_v4
}
resource "aws_ssm_parameter" "plain" {
  name  = "/smtp/password-plain"
  type  = "String"
  value = aws_iam_access_key.smtp.ses_smtp_password_v4
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  environment {
    variables = { SMTP_PASSWORD = aws_iam_access_key.smtp.ses_smtp_password_v4 }
  }
  tags = { secret = aws_iam_access_key.smtp.secret }
}
module "mailer" {
  source   = "./mailer"
  password = aws_iam_access_key.smtp.ses_smtp_password_v4
}
""")
    exposures = _set_props(inv)["secret_exposures"]
    assert [e["where"] for e in exposures] == [
        "aws_ssm_parameter.plain.value",
        "aws_lambda_function.f.tags",
        "aws_lambda_function.f.environment.variables",
        "module.mailer.password",
    ]
    assert "SecureString" in exposures[0]["detail"]
    assert "a tag" in exposures[1]["detail"]
    assert "does not follow" in exposures[3]["detail"]


def test_literal_credentials_masked(read_hcl: ReadHcl) -> None:
    inv = read_hcl(f"""
provider "aws" {{
  region     = "eu-west-1"
  access_key = "{KEY_ID}"
  secret_key = "{SECRET}"
}}
variable "smtp_password" {{ default = "{SECRET}" }}
# an old key: {OLD_KEY_ID}
resource "aws_lambda_function" "f" {{
  function_name = "f"
  role          = "r"
  environment {{
    variables = {{ AWS_SECRET_ACCESS_KEY = "{SECRET}" }}
  }}
}}
""")
    found = _set_props(inv)["literal_credentials"]
    assert [(c["kind"], c["field"], c["line"]) for c in found] == [
        ("access key ID", "provider.aws.access_key", 4),
        ("secret access key", "provider.aws.secret_key", 5),
        ("secret access key", "variable.smtp_password", 7),
        ("secret access key", "aws_lambda_function.f.environment.variables.AWS_SECRET_ACCESS_KEY", 13),
        ("access key ID", "text", 8),
    ]
    assert {c["masked"] for c in found} == {"AKIA****************", "********"}  # secrets show nothing of themselves
    assert all(c["file"].endswith("main.tf") for c in found)
    rendered = repr(inv)
    assert KEY_ID not in rendered
    assert OLD_KEY_ID not in rendered
    assert SECRET not in rendered


def test_clean_set_has_empty_lists(read_hcl: ReadHcl) -> None:
    props = _set_props(read_hcl(KEY + 'output "id" { value = aws_iam_access_key.smtp.id }'))
    assert props == {"secret_exposures": [], "literal_credentials": []}


def test_literal_in_tfvars(read_hcl: ReadHcl) -> None:
    inv = read_hcl({"main.tf": 'variable "aws_secret_key" {}', "terraform.tfvars": f'aws_secret_key = "{SECRET}"'})
    (found,) = _set_props(inv)["literal_credentials"]
    assert (found["field"], found["kind"], found["line"]) == ("tfvars.aws_secret_key", "secret access key", 1)
    assert found["file"].endswith("terraform.tfvars")


CHILD = """
variable "password" {}
variable "name" { default = "x" }
resource "aws_ssm_parameter" "secure" {
  name  = "/secure"
  type  = "SecureString"
  value = var.password
}
resource "aws_ssm_parameter" "%s" {
  name  = var.name
  type  = "%s"
  value = var.password
}
output "password" {
  value     = var.password
  sensitive = true
}
"""


def test_local_child_module_is_followed(read_hcl: ReadHcl) -> None:
    inv = read_hcl({
        "main.tf": KEY + """
module "leaky" {
  source   = "./leaky"
  password = aws_iam_access_key.smtp.ses_smtp_password_v4
  name     = "not-a-secret"
}
module "safe" {
  source   = "./safe"
  password = aws_iam_access_key.smtp.ses_smtp_password_v4
}
module "remote" {
  source   = "git::https://example.com/mailer.git"
  password = aws_iam_access_key.smtp.ses_smtp_password_v4
}
output "round_trip" { value = nonsensitive(module.safe.password) }
output "kept_sensitive" {
  value     = module.safe.password
  sensitive = true
}
""",
        "leaky/main.tf": CHILD % ("plain", "String"),
        "safe/main.tf": CHILD % ("also_secure", "SecureString"),
    })
    exposures = _set_props(inv)["secret_exposures"]
    assert [(e["where"], e["line"]) for e in exposures] == [
        ("output.round_trip", 18),
        ("module.leaky.aws_ssm_parameter.plain.value", 12),
        ("module.remote.password", 16),
    ]
    assert exposures[0]["detail"] == (
        "output round_trip takes aws_iam_access_key.smtp.ses_smtp_password_v4 via module.safe.password "
        "unwrapped with nonsensitive()")
    assert exposures[1]["file"].endswith("leaky/main.tf")
    assert "does not follow" in exposures[2]["detail"]
