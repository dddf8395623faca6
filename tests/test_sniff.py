"""Content sniffing: what can be a template is kept (even broken), what cannot is passed over."""

from __future__ import annotations

from pathlib import Path

import pytest

from sesguard.sources.cfn.reader import template_files
from sesguard.sources.sniff import may_be_template

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("stack.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n", True),
        ("stack.yml", "Transform: AWS::Serverless-2016-10-31\nResources:\n  F: {Type: AWS::Serverless::Function}\n", True),
        ("stack.template", '{"Resources": {}}', True),
        ("App.template.json", '{\n  "Resources" : {"Set": {"Type": "AWS::SES::ConfigurationSet"}}}', True),
        ("broken.yaml", "Resources:\n  Set: [unclosed\n", True),  # fail closed: reported, not skipped
        ("plan.json", '{"format_version": "1.2", "planned_values": {}}', True),
        ("package.json", '{"name": "web", "version": "1.0.0"}', False),
        ("docker-compose.yml", "services:\n  web:\n    image: nginx\n", False),
        ("values.yaml", "resources:\n  limits: {cpu: 1}\n", False),  # Kubernetes' lower-case key
        ("notes.md", "Resources: none\n", False),
        ("main.tf", 'resource "aws_sesv2_configuration_set" "m" {\n  configuration_set_name = "m"\n}\n', True),
        ("mod.tf", 'module "mail" {\n  source = "./mail"\n}\n', True),
        ("data.tf", 'data "aws_iam_policy_document" "d" {}\n', True),
        ("gcp.tf", 'resource "google_storage_bucket" "b" {\n  name = "x"\n}\n', False),
    ],
)
def test_may_be_template(tmp_path: Path, name: str, text: str, expected: bool) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert may_be_template(path) is expected


def test_a_tf_file_without_resources_belongs_to_its_module(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text('variable "domain" {\n  default = "example.com"\n}\n')
    assert may_be_template(tmp_path / "variables.tf") is False
    (tmp_path / "main.tf").write_text('resource "aws_ses_domain_identity" "d" {\n  domain = var.domain\n}\n')
    assert may_be_template(tmp_path / "variables.tf") is True


def test_folders_pass_over_files_that_cannot_be_templates(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "web"}')
    (tmp_path / "stack.yaml").write_text((REPO / "examples" / "templates" / "marketing-mail.yaml").read_text())
    assert [p.name for p in template_files(tmp_path, None).files] == ["stack.yaml"]
    # named directly, a file is always read (and reported when it is not a template)
    assert template_files(tmp_path / "package.json", None).files == [tmp_path / "package.json"]
