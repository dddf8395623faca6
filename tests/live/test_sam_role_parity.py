"""The execution roles of tests/fixtures/sam/sam.yaml, deployed as the SAM transform deploys them (its
own output, intrinsic values filled in) into the local endpoint and read live, have the facts sesguard
gives the SAM template (tests/test_sam_roles.py checks the template side against the hand-written one)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
from cfnlint.decode import decode
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory
from sesguard.run import derive
from sesguard.sources.cfn import read_cloudformation

from .live_support import ACCOUNT, HOME, Scan

SAM = Path(__file__).resolve().parents[1] / "fixtures" / "sam" / "sam.yaml"
FACTS = ("is_sending", "actions_beyond_send", "send_resource_scoped", "send_network_restricted")
# Roles a live account can hold as they are: the others depend on a parameter without default or a
# condition, which only a deployment decides.
DEPLOYABLE = ("CrudSenderRole", "BulkSenderRole", "TemplateEditorRole", "FullAccessRole", "WorkflowRole")
PSEUDO = {"AWS::Partition": "aws", "AWS::Region": HOME, "AWS::AccountId": ACCOUNT}
PARAMETERS = {"Identity": "example.com"}


def _deployed(value: Any) -> Any:
    """A value of the transform's output as CloudFormation deploys it (Fn::Sub and Ref filled in)."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"}:
        text, names = value["Fn::Sub"] if isinstance(value["Fn::Sub"], list) else (value["Fn::Sub"], {})
        known = {**PSEUDO, **{k: _deployed(v) for k, v in names.items()}}
        return re.sub(r"\$\{([^}]+)\}", lambda m: str(known[m.group(1)]), text)
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return PARAMETERS[value["Ref"]]
    if isinstance(value, dict):
        return {k: _deployed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deployed(v) for v in value]
    return value


def _facts(inventory: Inventory, names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    inventory = derive(inventory)
    found = {}
    for resource in inventory.resources:
        name = str(resource.props.get("name"))
        if resource.type == "iam_principal" and name in names:
            props = resource.props
            found[name] = {k: sorted(props[k]) if isinstance(props[k], list) else props[k] for k in FACTS}
    return found


def test_sam_roles_read_live_have_the_templates_facts(endpoint: LocalEndpoint, scan: Scan) -> None:
    template, _ = decode(str(SAM))
    session = boto3.Session(region_name=HOME, aws_access_key_id="x", aws_secret_access_key="x")
    output = Translator(None, Parser(), boto_session=session).translate(json.loads(json.dumps(template)), {})
    iam = endpoint.client("iam", HOME)
    for role_id in DEPLOYABLE:
        role = _deployed(output["Resources"][role_id]["Properties"])
        iam.create_role(
            RoleName=role_id, AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"])
        )
        for arn in role["ManagedPolicyArns"]:  # AWS-managed: present in every AWS account
            assert endpoint.add_aws_managed_policy(arn.rsplit("/", 1)[-1]) == arn
            iam.attach_role_policy(RoleName=role_id, PolicyArn=arn)
        for policy in role.get("Policies", []):
            # SAM's documents carry no Version (IAM then reads them as 2008-10-17, the same for these
            # statements); moto only takes 2012-10-17.
            document = {"Version": "2012-10-17", **policy["PolicyDocument"]}
            iam.put_role_policy(
                RoleName=role_id, PolicyName=policy["PolicyName"], PolicyDocument=json.dumps(document)
            )
    live = scan(regions=[HOME])
    assert live.errors == []
    from_template = _facts(read_cloudformation(SAM, "sam"), DEPLOYABLE)
    assert set(from_template) == set(DEPLOYABLE)
    assert _facts(live, DEPLOYABLE) == from_template
