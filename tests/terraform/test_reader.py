"""read_terraform on files and directories: discovery, modules, locations, errors that never raise."""

from __future__ import annotations

import json
from pathlib import Path

from sesguard.model import ACCOUNT, TEMPLATE_SET, SetRef
from sesguard.sources.terraform import read_terraform

from .conftest import FIXTURES, by_id, of_type

IDENTITY = 'resource "aws_ses_domain_identity" "d" {\n  domain = "example.com"\n}\n'


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def test_locations_are_file_as_given_and_block_line(tmp_path: Path) -> None:
    _write(tmp_path, {"infra/main.tf": "# header\n\n" + IDENTITY, "infra/iam.tf": 'resource "aws_iam_user" "u" {}'})
    inv = read_terraform(tmp_path / "infra", "infra")
    identity = by_id(inv, "aws_ses_domain_identity.d")
    assert identity.location.file == str(tmp_path / "infra" / "main.tf")
    assert identity.location.line == 3
    assert identity.native_type == "aws_ses_domain_identity"
    assert identity.source == "tf"
    assert identity.set_name == "infra"
    assert by_id(inv, "aws_iam_user.u").location.line == 1
    assert inv.sets == {"infra": SetRef("tf", "infra")}
    assert inv.errors == []


def test_parse_error_is_a_source_error_and_the_rest_is_read(tmp_path: Path) -> None:
    _write(tmp_path, {
        "good.tf": IDENTITY,
        "bad.tf": 'resource "aws_iam_user" "u" {\n  name = "u"\n  oops = \n}\n',
        "sub/also_bad.tf": "resource {",
        "sub/fine.tf": 'resource "aws_ses_email_identity" "e" { email = "a@example.com" }',
    })
    inv = read_terraform(tmp_path, "set")
    messages = sorted(e.message for e in inv.errors)
    assert len(messages) == 2
    bad = next(e for e in inv.errors if e.location.file and e.location.file.endswith("bad.tf")
               and "also" not in e.location.file)
    assert bad.message == f"{tmp_path / 'bad.tf'}:3: syntax error: unexpected text"
    assert bad.location.line == 3
    assert bad.source == "tf"
    assert bad.set_name == "set"
    assert {r.id for r in inv.resources} >= {"aws_ses_domain_identity.d", "aws_ses_email_identity.e"}


def test_parse_error_message_never_quotes_the_text(tmp_path: Path) -> None:
    _write(tmp_path, {"bad.tf": 'provider "aws" {\n  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" x\n}'})
    (error,) = read_terraform(tmp_path, "set").errors
    assert "wJalr" not in error.message


def test_not_utf8_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "bin.tf").write_bytes(b"\xff\xfe\x00resource")
    _write(tmp_path, {"ok.tf": IDENTITY})
    inv = read_terraform(tmp_path, "set")
    assert [e.message for e in inv.errors] == [f"{tmp_path / 'bin.tf'}: not UTF-8 text"]
    assert by_id(inv, "aws_ses_domain_identity.d")


def test_single_file_reads_its_module_but_emits_only_its_resources(tmp_path: Path) -> None:
    _write(tmp_path, {
        "variables.tf": 'variable "domain" { default = "example.com" }',
        "main.tf": 'resource "aws_ses_domain_identity" "d" { domain = var.domain }',
        "dkim.tf": 'resource "aws_ses_domain_dkim" "d" { domain = aws_ses_domain_identity.d.domain }\n'
                   'resource "aws_iam_user" "u" { name = "u" }',
    })
    inv = read_terraform(tmp_path / "main.tf", "main")
    assert [r.id for r in inv.resources if r.type not in (ACCOUNT, TEMPLATE_SET)] == ["aws_ses_domain_identity.d"]
    identity = by_id(inv, "aws_ses_domain_identity.d")
    assert identity.props["identity"] == "example.com"
    assert identity.props["dkim_signing_enabled"] is True
    assert identity.location.file == str(tmp_path / "main.tf")
    (account,) = of_type(inv, ACCOUNT)
    assert account.props["ses_resource_count"] == 1


def test_nested_modules_resolve_separately_and_skip_hidden(tmp_path: Path) -> None:
    _write(tmp_path, {
        "main.tf": 'variable "name" { default = "root" }\nresource "aws_iam_user" "root" { name = var.name }',
        "modules/child/main.tf": 'variable "name" { default = "child" }\n'
                                 'resource "aws_iam_user" "child" { name = var.name }',
        ".terraform/modules/x/main.tf": 'resource "aws_iam_user" "cached" { name = "cached" }',
        ".git/x.tf": "not terraform {",
    })
    inv = read_terraform(tmp_path, "set")
    assert inv.errors == []
    assert by_id(inv, "aws_iam_user.root").props["name"] == "root"
    assert by_id(inv, "aws_iam_user.child").props["name"] == "child"
    assert all(r.id != "aws_iam_user.cached" for r in inv.resources)


def test_plan_json_in_a_directory_is_read_other_json_ignored(tmp_path: Path) -> None:
    _write(tmp_path, {
        "package.json": json.dumps({"name": "x", "format_version": "1"}),
        "plans/p.json": (FIXTURES / "plan" / "parity.json").read_text(),
    })
    inv = read_terraform(tmp_path, "set")
    assert inv.errors == []
    assert by_id(inv, "aws_sesv2_email_identity.domain").location.file == str(tmp_path / "plans" / "p.json")


def test_missing_and_empty_paths_are_source_errors(tmp_path: Path) -> None:
    missing = read_terraform(tmp_path / "nope", "s")
    assert [e.code for e in missing.errors] == ["not-found"]
    empty = read_terraform(tmp_path, "s")
    assert [e.code for e in empty.errors] == ["empty"]
    (tmp_path / "x.json").write_text("{}")
    assert [e.code for e in read_terraform(tmp_path / "x.json", "s").errors] == ["not-terraform"]
    # the set is still known, with its (clean) template_set row
    assert [r.type for r in empty.resources] == [TEMPLATE_SET]


def test_duplicate_declarations_are_reported(tmp_path: Path) -> None:
    _write(tmp_path, {"a.tf": IDENTITY, "b.tf": "\n" + IDENTITY})
    inv = read_terraform(tmp_path, "set")
    (error,) = inv.errors
    assert error.code == "duplicate"
    assert error.location.line == 2
    assert len([r for r in inv.resources if r.id == "aws_ses_domain_identity.d"]) == 1


def test_many_repeated_declarations_are_one_bounded_error(tmp_path: Path) -> None:
    names = [f'resource "aws_sns_topic" "t{i}" {{ name = "t{i}" }}\n' for i in range(40)]
    _write(tmp_path, {"a.tf": "".join(names), "b.tf": "".join(names), "c.tf": 'locals { x = 1 }\n'})
    inv = read_terraform(tmp_path, "set")
    (error,) = inv.errors
    assert error.code == "duplicate" and error.location.line == 1
    assert "40 names are declared twice" in error.message and "and 35 more" in error.message
    assert len(error.message) < 600


def test_a_folder_of_unrelated_modules_gives_short_error_rows(tmp_path: Path) -> None:
    """Policies of a set with input problems say so briefly: the problem once, not repeated in full."""
    from sesguard.policies import load_policies
    from sesguard.run import evaluate

    names = [f'resource "aws_sns_topic" "t{i}" {{ name = "t{i}" }}\n' for i in range(40)]
    _write(tmp_path, {"a.tf": "".join(names), "b.tf": "".join(names), "c.tf": IDENTITY})
    inv = read_terraform(tmp_path, "set")
    rows = [f for f in evaluate(inv, load_policies()).findings if f.status == "error" and f.key == "set"]
    assert rows
    assert all(len(r.message) < 700 and r.message.count("declared twice") == 1 for r in rows)
    # the set's own rows keep their id whether or not the set has input problems
    keys = {f.id for f in evaluate(inv, load_policies()).findings if f.policy_id == "SES-IAM-010"}
    assert keys == {"SES-IAM-010::set", "SES-IAM-010::set (input problems)"}
