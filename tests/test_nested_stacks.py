"""CloudFormation nested stacks whose template is a local file of the set are read with the
parameters the parent passes (not the child's defaults), once per parent stack that deploys them."""

from __future__ import annotations

from pathlib import Path

from sesguard.model import is_unknown
from sesguard.policies import load_policies
from sesguard.run import evaluate
from sesguard.sources.cfn import read_cloudformation

NESTED = Path(__file__).resolve().parent / "fixtures" / "cfn" / "nested"


def test_the_child_is_read_with_each_parents_parameters() -> None:
    inventory = read_cloudformation(NESTED, "nested")
    assert inventory.errors == []
    sets = {r.id: r.props for r in inventory.resources if r.type == "configuration_set"}
    assert set(sets) == {"Strict.ConfigSet", "Relaxed.ConfigSet"}  # never the child on its own
    assert (sets["Strict.ConfigSet"]["name"], sets["Strict.ConfigSet"]["tls_policy"]) == ("strict", "REQUIRE")
    assert (sets["Relaxed.ConfigSet"]["name"], sets["Relaxed.ConfigSet"]["tls_policy"]) == ("relaxed", "OPTIONAL")
    assert sets["Strict.ConfigSet"]["reputation_metrics_enabled"] is True
    # The parent passes its own parameter without default: unknown, not the child's default "true".
    assert is_unknown(sets["Relaxed.ConfigSet"]["reputation_metrics_enabled"])
    policies = [p for p in load_policies() if p.id in ("SES-CS-002", "SES-CS-003")]
    found = evaluate(inventory, policies).findings
    rows = {f"{r.policy_id}::{r.resource.id}": r.status for r in found}
    assert rows == {
        "SES-CS-002::Strict.ConfigSet": "pass",
        "SES-CS-002::Relaxed.ConfigSet": "fail",
        "SES-CS-003::Strict.ConfigSet": "pass",
        "SES-CS-003::Relaxed.ConfigSet": "error",
    }


def test_a_child_read_on_its_own_keeps_its_defaults() -> None:
    inventory = read_cloudformation(NESTED / "stacks" / "mail.yaml", "child")
    [config_set] = [r for r in inventory.resources if r.type == "configuration_set"]
    assert (config_set.id, config_set.props["tls_policy"]) == ("ConfigSet", "OPTIONAL")


def test_one_deployment_keeps_the_childs_ids(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(
        "Parameters: {Tls: {Type: String, Default: OPTIONAL}}\n"
        "Resources: {Set: {Type: AWS::SES::ConfigurationSet, Properties: {DeliveryOptions: {TlsPolicy: !Ref Tls}}}}\n"
    )
    (tmp_path / "parent.yaml").write_text(
        "Resources: {Child: {Type: AWS::CloudFormation::Stack, "
        "Properties: {TemplateURL: child.yaml, Parameters: {Tls: REQUIRE}}}}\n"
    )
    [config_set] = [r for r in read_cloudformation(tmp_path, "s").resources if r.type == "configuration_set"]
    assert (config_set.id, config_set.props["tls_policy"]) == ("Set", "REQUIRE")
