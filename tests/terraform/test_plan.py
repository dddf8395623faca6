"""Plan JSON (``terraform show -json``): recognition, addresses, values, references and secrets.

The fixtures under tests/fixtures/terraform/plan/ were made with terraform 1.11 and hashicorp/aws 5.100
(tests/fixtures/terraform/make_plans.sh); the tests never run terraform.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sesguard.model import ACCOUNT, TEMPLATE_SET, is_unknown
from sesguard.sources.terraform import is_plan_json, read_terraform

from .conftest import FIXTURES, by_id, of_type, props

PLANS = FIXTURES / "plan"


def test_is_plan_json_by_content(tmp_path: Path) -> None:
    assert is_plan_json(PLANS / "module.json")
    renamed = tmp_path / "whatever.txt"
    renamed.write_text((PLANS / "parity.json").read_text())
    assert is_plan_json(renamed)
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format_version": "1.0", "values": {"root_module": {}}}))
    assert not is_plan_json(state)
    (tmp_path / "broken.json").write_text('{"format_version": "1.2", "planned_values": ')
    assert not is_plan_json(tmp_path / "broken.json")
    assert not is_plan_json(tmp_path / "absent.json")
    assert not is_plan_json(FIXTURES / "parity" / "main.tf")


def test_plan_locations_have_no_line() -> None:
    inv = read_terraform(PLANS / "parity.json", "plan")
    assert inv.errors == []
    identity = by_id(inv, "aws_sesv2_email_identity.domain")
    assert identity.location.file == str(PLANS / "parity.json")
    assert identity.location.line is None


def test_module_plan_addresses_and_values() -> None:
    inv = read_terraform(PLANS / "module.json", "plan")
    assert inv.errors == []
    ids = {r.id for r in inv.resources}
    assert {
        'aws_sesv2_email_identity.domain["a.example.com"]',
        'aws_sesv2_email_identity.domain["b.example.com"]',
        "module.sender.aws_iam_user.sender[0]",
        "module.sender.aws_iam_user.sender[1]",
        "aws_ses_configuration_set.legacy",
    } <= ids
    a = props(inv, 'aws_sesv2_email_identity.domain["a.example.com"]')
    assert (a["identity"], a["identity_type"], a["dkim_origin"], a["dkim_next_key_length"]) == (
        "a.example.com", "DOMAIN", "AWS_SES", "RSA_2048_BIT")
    assert a["policies"][0]["document"]["Statement"][0]["Principal"] == "*"
    assert props(inv, 'aws_sesv2_email_identity.domain["b.example.com"]')["policies"] == []
    legacy = props(inv, "aws_ses_configuration_set.legacy")
    assert legacy["tls_policy"] == "OPTIONAL"
    assert legacy["event_destinations"][0]["event_types"] == ["BOUNCE", "COMPLAINT"]


def test_module_plan_iam_resolves_attachments_through_configuration_references() -> None:
    inv = read_terraform(PLANS / "module.json", "plan")
    first = props(inv, "module.sender.aws_iam_user.sender[0]")
    second = props(inv, "module.sender.aws_iam_user.sender[1]")
    assert first["name"] == "sender-0"
    # the attachment's policy_arn is unknown at plan time: the configuration's reference finds the policy
    origins = sorted(d["origin"] for d in first["policy_documents"])
    assert origins == ["managed:arn:<partition>:iam::<account-id>:policy/ses-send",
                       "managed:arn:aws:iam::aws:policy/AdministratorAccess"]
    send = next(d["document"] for d in second["policy_documents"])
    assert send["Statement"][0]["Condition"] == {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}
    assert [k["id"] for k in second["access_keys"]] == ["module.sender.aws_iam_access_key.sender[1]"]


def test_module_plan_account_and_secrets() -> None:
    inv = read_terraform(PLANS / "module.json", "plan")
    (account,) = of_type(inv, ACCOUNT)
    assert account.props["suppressed_reasons"] == ["BOUNCE"]
    assert account.props["vdm_enabled"] is True
    (alarm,) = account.props["alarms"]
    assert (alarm["namespace"], alarm["metric_name"], alarm["threshold"], alarm["actions"]) == (
        "AWS/SES", "Reputation.ComplaintRate", 0.001, 1)
    (template_set,) = of_type(inv, TEMPLATE_SET)
    exposures = template_set.props["secret_exposures"]
    assert [e["where"] for e in exposures] == [
        "output.smtp_password", "module.sender.aws_ssm_parameter.smtp_plain.value"]
    assert all(e["line"] is None for e in exposures)
    assert template_set.props["literal_credentials"] == []


def test_parity_plan_unknown_after_apply_values() -> None:
    inv = read_terraform(PLANS / "parity.json", "plan")
    (account,) = of_type(inv, ACCOUNT)
    # alarm_actions refers to a topic created in the same plan: its ARN (so the set) is unknown
    assert is_unknown(account.props["alarms"][0]["actions"])
    cs = props(inv, "aws_sesv2_configuration_set.main")
    assert cs["sending_enabled"] is True  # provider-computed, not configured: the AWS default applies


@pytest.mark.parametrize(
    ("content", "code"),
    [("not json", "not-terraform"), ('{"format_version": "1.2"}', "not-terraform")],
)
def test_bad_plan_file(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    assert [e.code for e in read_terraform(path, "s").errors] == [code]


def test_plan_literal_credentials_masked(tmp_path: Path) -> None:
    data = json.loads((PLANS / "parity.json").read_text())
    data["configuration"]["provider_config"]["aws"]["expressions"]["access_key"] = {
        "constant_value": "AKIAIOSFODNN7EXAMPLE"}
    data["variables"] = {"smtp_password": {"value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    inv = read_terraform(path, "s")
    (template_set,) = of_type(inv, TEMPLATE_SET)
    found = template_set.props["literal_credentials"]
    assert [(c["kind"], c["field"]) for c in found] == [
        ("access key ID", "provider.aws.access_key"), ("secret access key", "variable.smtp_password")]
    assert "AKIAIOSFODNN7EXAMPLE" not in repr(inv)
    assert "wJalrXUtnFEMI" not in repr(inv)
