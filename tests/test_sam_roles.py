"""SAM functions and state machines are read with the execution roles SAM creates for them: policy
templates (SESCrudPolicy ...), managed policy names and inline statements expanded as SAM expands them.

The roles are checked against aws-sam-translator's own transform of the same template, and the SAM
template against the same stack written by hand with AWS::IAM::Role + AWS::IAM::Policy (same facts,
same verdicts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.decode import decode
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from sesguard.model import Branches, Resource, is_unknown
from sesguard.policies import load_policies
from sesguard.run import derive, evaluate
from sesguard.sources.cfn import read_cloudformation
from sesguard.sources.cfn.sam_roles import with_sam_roles

SAM = Path(__file__).resolve().parent / "fixtures" / "sam"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "iac" / "cloudformation"
SAM_TESTS = "aws__serverless-application-model__tests__translator__"
FACTS = (
    "principal_type",
    "is_sending",
    "actions_beyond_send",
    "send_resource_scoped",
    "send_network_restricted",
    "has_access_keys",
)


def _decoded(path: Path) -> Any:
    template, matches = decode(str(path))
    assert not matches and template is not None
    return template


def _sam_transform(template: Any) -> dict[str, Any]:
    """What the SAM transform deploys (aws-sam-translator, as CloudFormation runs it)."""
    session = boto3.Session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    result: dict[str, Any] = Translator(None, Parser(), boto_session=session).translate(
        json.loads(json.dumps(template)), {}
    )
    return result


def _roles(template: Any) -> dict[str, Any]:
    return {
        str(k): json.loads(json.dumps(v, default=str))
        for k, v in template["Resources"].items()
        if v["Type"] == "AWS::IAM::Role"
    }


def _principal_facts(path: Path) -> dict[str, dict[str, Any]]:
    inventory = read_cloudformation(path, "s")
    assert inventory.errors == []
    inventory = derive(inventory)
    return {r.id: _comparable(r) for r in inventory.resources if r.type == "iam_principal"}


def _comparable(resource: Resource) -> dict[str, Any]:
    found = {}
    for key in FACTS:
        value = resource.props.get(key)
        found[key] = sorted(value) if isinstance(value, list) else value
    return found


def test_the_roles_are_the_ones_the_sam_transform_creates() -> None:
    template = _decoded(SAM / "sam.yaml")
    ours = _roles(with_sam_roles(template))
    theirs = _roles(_sam_transform(template))
    assert (
        set(ours)
        == set(theirs)
        == {
            "CrudSenderRole",
            "BulkSenderRole",
            "TemplateEditorRole",
            "UnknownIdentitySenderRole",
            "FullAccessRole",
            "ProdOnlySenderRole",
            "WorkflowRole",
        }
    )  # OwnRole names its role: SAM creates none
    for role_id, role in theirs.items():
        role["Properties"].pop("Tags", None)  # SAM's "lambda:createdBy" tag
        assert ours[role_id] == role, role_id


def test_sam_template_and_its_hand_written_equivalent_give_the_same_facts() -> None:
    sam = _principal_facts(SAM / "sam.yaml")
    plain = _principal_facts(SAM / "plain.yaml")
    assert sam == plain
    # What SAM's policy templates grant, as AWS documents them (policy_templates.json):
    assert sam["CrudSenderRole"]["is_sending"] is True
    assert sam["CrudSenderRole"]["send_resource_scoped"] is True  # identity/${IdentityName}
    assert "ses:VerifyEmailIdentity" in sam["CrudSenderRole"]["actions_beyond_send"]
    assert sam["TemplateEditorRole"]["is_sending"] is False  # templates and SendBounce only
    assert "ses:SendBounce" in sam["TemplateEditorRole"]["actions_beyond_send"]
    assert sam["FullAccessRole"]["send_resource_scoped"] is False  # AmazonSESFullAccess: ses:* on *
    assert sam["WorkflowRole"]["is_sending"] is True
    # A template argument from a parameter without default is Unknown, never a pass.
    assert is_unknown(sam["UnknownIdentitySenderRole"]["send_resource_scoped"])
    # A policy template under Fn::If is judged branch by branch.
    assert isinstance(sam["ProdOnlySenderRole"]["is_sending"], Branches)


def test_sam_template_and_its_hand_written_equivalent_give_the_same_verdicts() -> None:
    policies = load_policies()
    verdicts = []
    for name in ("sam.yaml", "plain.yaml"):
        inventory = read_cloudformation(SAM / name, "s")
        rows = evaluate(inventory, policies).findings
        verdicts.append(sorted((r.policy_id, r.resource.type, r.status) for r in rows))
    assert verdicts[0] == verdicts[1]


def test_the_role_rows_point_at_the_function() -> None:
    inventory = read_cloudformation(SAM / "sam.yaml", "s")
    [role] = [r for r in inventory.resources if r.id == "CrudSenderRole"]
    lines = (SAM / "sam.yaml").read_text().splitlines()
    assert role.location.line is not None and lines[role.location.line - 1].strip() == "CrudSender:"


@pytest.mark.parametrize(
    ("policies", "problem"),
    [
        ("[{SESCrudPolicy: {}}]", "IdentityName"),  # SAM rejects a missing template parameter
        ("[{SESCrudPolicy: example.com}]", "SESCrudPolicy"),  # arguments that are not a mapping
        ("[{SESNotATemplatePolicy: {IdentityName: x}}]", "SESNotATemplatePolicy"),
    ],
)
def test_a_policy_sam_rejects_makes_the_role_unknown(tmp_path: Path, policies: str, problem: str) -> None:
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        f"    Properties: {{Runtime: python3.12, Handler: a.b, CodeUri: s3://b/k, Policies: {policies}}}\n"
    )
    facts = _principal_facts(tmp_path / "t.yaml")["FnRole"]
    assert is_unknown(facts["is_sending"])
    assert problem in facts["is_sending"].reason


def test_properties_that_are_not_an_object_make_the_role_unknown(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn: {Type: AWS::Serverless::Function, Properties: [Policies, AmazonSESFullAccess]}\n"
    )
    inventory = read_cloudformation(tmp_path / "t.yaml", "s")
    inventory = derive(inventory)
    [role] = [r for r in inventory.resources if r.id == "FnRole"]
    assert is_unknown(role.props["is_sending"]) and "not an object" in role.props["is_sending"].reason


def test_invalid_globals_make_the_roles_unknown(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals: {Function: {Policies: [AmazonSESFullAccess]}}\n"
        "Resources:\n"
        "  Fn: {Type: AWS::Serverless::Function, Properties: {Runtime: python3.12, Handler: a.b, CodeUri: s3://b/k}}\n"
    )
    facts = _principal_facts(tmp_path / "t.yaml")["FnRole"]
    assert is_unknown(facts["is_sending"]) and "Globals" in facts["is_sending"].reason


def test_a_role_given_in_one_branch_only_is_created_in_the_other(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters: {RoleArn: {Type: String}}\n"
        "Conditions: {HasRole: !Not [!Equals [!Ref RoleArn, '']]}\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      Handler: a.b\n"
        "      CodeUri: s3://b/k\n"
        "      Role: !If [HasRole, !Ref RoleArn, !Ref AWS::NoValue]\n"
        "      Policies: [AmazonSESFullAccess]\n"
    )
    template = _decoded(tmp_path / "t.yaml")
    ours = _roles(with_sam_roles(template))
    theirs = _roles(_sam_transform(template))
    theirs["FnRole"]["Properties"].pop("Tags")
    assert ours == theirs and ours["FnRole"]["Condition"] == "NOTHasRole"
    assert (
        with_sam_roles(template)["Conditions"]["NOTHasRole"]
        == _sam_transform(template)["Conditions"]["NOTHasRole"]
    )


def test_sams_own_translator_test_gives_the_same_facts_before_and_after_the_transform() -> None:
    """SAM's test of every policy template (input and the output SAM produces), from the corpus."""
    source = CORPUS / f"{SAM_TESTS}input__all_policy_templates.yaml"
    expanded = CORPUS / f"{SAM_TESTS}output__all_policy_templates.json"
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus folder {CORPUS} is absent")
    before = _principal_facts(source)
    after = _principal_facts(expanded)
    assert before == after
    assert before["KitchenSinkFunctionRole"]["is_sending"] is True
