"""The CloudFormation source through real cfn-lint decoding: tags, lines, intrinsics, links, IAM."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sesguard.derive import derive
from sesguard.model import ACCOUNT, TEMPLATE_SET, Inventory, Resource, is_unknown
from sesguard.sources.cfn import read_cloudformation

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "iac" / "cloudformation"


def read(tmp_path: Path, text: str, name: str = "template.yaml") -> Inventory:
    path = tmp_path / name
    path.write_text(text)
    inventory = read_cloudformation(path, str(path))
    derive(inventory)
    return inventory


def by_id(inventory: Inventory) -> dict[str, Resource]:
    return {r.id: r for r in inventory.resources}


def test_short_form_tags_parameters_pseudo_parameters_and_lines(tmp_path: Path) -> None:
    inventory = read(
        tmp_path,
        """Parameters:
  Domain: {Type: String, Default: example.com}
  Prefix: {Type: String, Default: bounce}
Resources:
  Set:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: !Join ["-", [!Ref Domain, "main"]]
  Identity:
    Type: AWS::SES::EmailIdentity
    Properties:
      EmailIdentity: !Ref Domain
      MailFromAttributes:
        MailFromDomain: !Sub "${Prefix}.${Domain}"
      ConfigurationSetAttributes:
        ConfigurationSetName: !Ref Set
""",
    )
    resources = by_id(inventory)
    identity = resources["Identity"]
    assert identity.location.line == 9
    assert resources["Set"].location.line == 5
    assert identity.props["identity"] == "example.com"
    assert identity.props["identity_type"] == "DOMAIN"
    assert identity.props["mail_from_domain"] == "bounce.example.com"
    assert identity.props["default_configuration_set"] == "example.com-main"
    assert resources["Set"].props["name"] == "example.com-main"
    assert identity.props["dkim_signing_enabled"] is True  # CloudFormation's default


def test_json_templates_have_lines_too(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Set": {
                "Type": "AWS::SES::ConfigurationSet",
                "Properties": {"DeliveryOptions": {"TlsPolicy": "REQUIRE"}},
            }
        }
    }
    inventory = read(tmp_path, json.dumps(template, indent=2), "t.json")
    resource = by_id(inventory)["Set"]
    assert resource.props["tls_policy"] == "REQUIRE"
    assert resource.location.line == 3


def test_fn_if_with_different_branches_is_unknown_and_equal_branches_resolve(tmp_path: Path) -> None:
    inventory = read(
        tmp_path,
        """Conditions:
  Prod: !Equals [!Ref "AWS::AccountId", "111111111111"]
Resources:
  Differs:
    Type: AWS::SES::ConfigurationSet
    Properties:
      DeliveryOptions: {TlsPolicy: !If [Prod, REQUIRE, OPTIONAL]}
  Same:
    Type: AWS::SES::ConfigurationSet
    Properties:
      DeliveryOptions: {TlsPolicy: !If [Prod, REQUIRE, REQUIRE]}
  NoValue:
    Type: AWS::SES::ConfigurationSet
    Properties:
      DeliveryOptions: {TlsPolicy: !If [Prod, REQUIRE, !Ref "AWS::NoValue"]}
""",
    )
    resources = by_id(inventory)
    assert is_unknown(resources["Differs"].props["tls_policy"])
    assert "different values" in resources["Differs"].props["tls_policy"].reason
    assert resources["Same"].props["tls_policy"] == "REQUIRE"
    assert is_unknown(resources["NoValue"].props["tls_policy"])


def test_parameter_without_default_and_import_value_are_unknown(tmp_path: Path) -> None:
    inventory = read(
        tmp_path,
        """Parameters:
  Domain: {Type: String}
Resources:
  A:
    Type: AWS::SES::EmailIdentity
    Properties: {EmailIdentity: !Ref Domain}
  B:
    Type: AWS::SES::EmailIdentity
    Properties: {EmailIdentity: !ImportValue shared-domain}
""",
    )
    resources = by_id(inventory)
    assert "without a default" in resources["A"].props["identity"].reason
    assert is_unknown(resources["B"].props["identity"])


def test_event_destinations_attach_by_ref_and_by_literal_name(tmp_path: Path) -> None:
    inventory = read(
        tmp_path,
        """Resources:
  Named:
    Type: AWS::SES::ConfigurationSet
    Properties: {Name: app}
  ByName:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: app
      EventDestination: {Enabled: true, MatchingEventTypes: [bounce], SnsDestination: {TopicARN: arn}}
  ByRef:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Named
      EventDestination: {Enabled: true, MatchingEventTypes: [complaint], SnsDestination: {TopicARN: arn}}
  Disabled:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Named
      EventDestination: {MatchingEventTypes: [delivery], SnsDestination: {TopicARN: arn}}
""",
    )
    props = by_id(inventory)["Named"].props
    assert props["enabled_event_types"] == ["BOUNCE", "COMPLAINT"]
    assert len(props["event_destinations"]) == 3


def _principal(inventory: Inventory, logical_id: str) -> dict[str, Any]:
    return by_id(inventory)[logical_id].props


def test_sending_principals_found_across_inline_group_managed_and_policy_resources(tmp_path: Path) -> None:
    inventory = read(
        tmp_path,
        """Resources:
  Senders:
    Type: AWS::IAM::Group
  Ops:
    Type: AWS::IAM::Group
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSESFullAccess]
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: "ses:SendRawEmail", Resource: "*"}]
  ViaGroupPolicy:
    Type: AWS::IAM::User
    Properties: {Groups: [!Ref Senders]}
  GroupPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: send
      Groups: [!Ref Senders]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: ["ses:SendEmail"], Resource: "*"}]
  ViaAddition:
    Type: AWS::IAM::User
  Addition:
    Type: AWS::IAM::UserToGroupAddition
    Properties: {GroupName: !Ref Ops, Users: [!Ref ViaAddition]}
  ViaManaged:
    Type: AWS::IAM::User
    Properties: {ManagedPolicyArns: [!Ref Shared]}
  ViaNotAction:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: all-but-iam
          PolicyDocument:
            Statement: [{Effect: Allow, NotAction: "iam:*", Resource: "*"}]
  Reader:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement: [{Effect: Allow, Action: ["ses:Get*", "ses:List*"], Resource: "*"}]
  ExternalGroup:
    Type: AWS::IAM::User
    Properties: {Groups: [legacy-senders]}
""",
    )
    assert _principal(inventory, "ViaGroupPolicy")["is_sending"] is True
    assert _principal(inventory, "ViaGroupPolicy")["actions_beyond_send"] == []
    assert _principal(inventory, "ViaAddition")["is_sending"] is True
    assert _principal(inventory, "ViaAddition")["actions_beyond_send"] == ["ses:*"]
    assert _principal(inventory, "ViaManaged")["is_sending"] is True
    not_action = _principal(inventory, "ViaNotAction")
    assert not_action["is_sending"] is True and "NotAction" in not_action["actions_beyond_send"][0]
    assert _principal(inventory, "Reader")["is_sending"] is False
    assert is_unknown(_principal(inventory, "ExternalGroup")["is_sending"])


def test_access_keys_login_profiles_and_network_scoping(tmp_path: Path) -> None:
    inventory = read(
        tmp_path,
        """Resources:
  Smtp:
    Type: AWS::IAM::User
    Properties:
      LoginProfile: {Password: "{{resolve:secretsmanager:x}}"}
      Policies:
        - PolicyName: send
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ses:SendRawEmail
                Resource: !Sub "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/example.com"
                Condition: {IpAddress: {"aws:SourceIp": 192.0.2.0/24}}
  Active:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref Smtp}
  Inactive:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref Smtp, Status: Inactive}
""",
    )
    props = _principal(inventory, "Smtp")
    assert props["console_password"] is True
    assert props["has_access_keys"] is True and props["active_key_count"] == 1
    assert props["send_resource_scoped"] is True
    assert props["send_network_restricted"] is True


def test_secret_exposure_and_literal_credentials_are_masked(tmp_path: Path) -> None:
    inventory = read(
        tmp_path,
        """Parameters:
  SmtpPassword:
    Type: String
    Default: BHmkjU3nFAlTGtDuRwGeNz4xDPg8KqJbp0vWzhY4Ra1x
Resources:
  User: {Type: AWS::IAM::User}
  Key:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref User}
  Stored:
    Type: AWS::SecretsManager::Secret
    Properties: {SecretString: !GetAtt Key.SecretAccessKey}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          KEY_ID: AKIAIOSFODNN7EXAMPLE
          SECRET: !Sub "${Key.SecretAccessKey}"
Outputs:
  Secret:
    Value: !GetAtt [Key, SecretAccessKey]
""",
    )
    template_set = next(r for r in inventory.resources if r.type == TEMPLATE_SET)
    exposures = template_set.props["secret_exposures"]
    assert {e["where"] for e in exposures} == {"stack output", "resource property"}
    assert all(e["line"] for e in exposures)
    assert not any("Stored" in e["detail"] for e in exposures)
    credentials = template_set.props["literal_credentials"]
    kinds = {c["kind"] for c in credentials}
    assert kinds == {"access key ID", "SMTP password"}
    text = json.dumps(credentials)
    assert "AKIAIOSFODNN7EXAMPLE" not in text and "BHmkjU3nFAlTG" not in text
    assert "AKIA****************" in text


def test_account_row_only_for_sets_with_ses_resources(tmp_path: Path) -> None:
    ses = read(tmp_path, "Resources:\n  S: {Type: AWS::SES::ConfigurationSet}\n", "a.yaml")
    other = read(tmp_path, "Resources:\n  B: {Type: AWS::S3::Bucket}\n", "b.yaml")
    assert any(r.type == ACCOUNT for r in ses.resources)
    assert not any(r.type == ACCOUNT for r in other.resources)


def test_non_template_yaml_in_a_folder_is_skipped_but_named_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "workflow.yml").write_text("on: push\njobs: {}\n")
    folder = read_cloudformation(tmp_path, "set")
    assert not folder.errors and not folder.resources
    named = read_cloudformation(tmp_path / "workflow.yml", "set")
    assert "not a CloudFormation template" in named.errors[0].message


def test_parse_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("Resources:\n  A:\n    Type: [\n")
    (tmp_path / "good.yaml").write_text("Resources:\n  S: {Type: AWS::SES::ConfigurationSet}\n")
    inventory = read_cloudformation(tmp_path, "set")
    assert len(inventory.errors) == 1
    assert "bad.yaml:" in inventory.errors[0].message
    assert any(r.id == "S" for r in inventory.resources)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not present")
@pytest.mark.parametrize(
    "path", sorted(CORPUS.glob("*")) if CORPUS.is_dir() else [], ids=lambda p: p.name[:60]
)
def test_every_corpus_template_reads_without_internal_error(path: Path) -> None:
    from sesguard.engine import build_findings
    from sesguard.policies import load_policies

    inventory = read_cloudformation(path, path.name)
    derive(inventory)
    assert not inventory.meta.get("internal_errors"), [e.message for e in inventory.errors]
    policies = load_policies()
    rows = build_findings(policies, inventory, {p.id: p.defaults() for p in policies})
    assert rows, "every set gets rows"
    assert not [r for r in rows if "internal error" in r.message]
