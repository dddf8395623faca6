"""Loading policies: schema errors as one readable line with file, line and place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sesguard.config import ConfigError, load_settings
from sesguard.policies import PolicyError, load_policies, policy_set_digest, read_policies

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(REPO / "policies", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("severity: high\n", "severity: severe\n", "severity: 'severe' is not one of"),
        ("resource: configuration_set\n", "", "'resource' is required"),
        ("  op: contains_all\n", "  op: includes\n", "assert.op: 'includes' is not one of"),
        (
            "  value: {param: required_event_types}\n",
            "  value: {param: nope}\n",
            "assert: parameter 'nope' is used but not declared",
        ),
        ("sources: [live, cfn, tf]\n", "sources: [live, cloud]\n", "sources[1]: 'cloud' is not one of"),
        ("title: Configuration", "titel: Configuration", "unknown key(s) not allowed"),
        ("assert:\n", "assert:\n  bogus: 1\n", "assert: unknown key(s) not allowed ('bogus' was unexpected)"),
    ],
)
def test_schema_errors_are_one_line(policy_dir: Path, old: str, new: str, message: str) -> None:
    _edit(policy_dir / "SES-CS-001.yaml", old, new)
    with pytest.raises(PolicyError) as error:
        load_policies(policy_dir)
    text = str(error.value)
    assert "\n" not in text
    assert "SES-CS-001.yaml" in text and message in text


def test_yaml_syntax_error_names_line(policy_dir: Path) -> None:
    (policy_dir / "SES-CS-001.yaml").write_text("id: SES-CS-001\ntitle: [unclosed\n")
    with pytest.raises(PolicyError, match=r"SES-CS-001.yaml:\d+: invalid YAML"):
        load_policies(policy_dir)


def test_line_numbers_point_into_the_file(policy_dir: Path) -> None:
    path = policy_dir / "SES-CS-001.yaml"
    _edit(path, "severity: high\n", "severity: severe\n")
    with pytest.raises(PolicyError) as error:
        load_policies(policy_dir)
    line = int(str(error.value).split(":")[1])
    assert path.read_text().splitlines()[line - 1] == "severity: severe"


def test_digest_changes_with_content(policy_dir: Path) -> None:
    before = policy_set_digest(policy_dir)
    _edit(policy_dir / "SES-CS-001.yaml", "severity: high\n", "severity: medium\n")
    assert policy_set_digest(policy_dir) != before


def test_catalog_document_is_current() -> None:
    from sesguard.policy_docs import render_catalog

    current = (REPO / "docs" / "policies.md").read_text()
    assert current == render_catalog(load_policies()), (
        "run: python -m sesguard.policy_docs > docs/policies.md"
    )


def test_catalog_has_every_public_id() -> None:
    ids = {p.id for p in load_policies()}
    expected = (
        {f"SES-ACCT-00{i}" for i in range(1, 4)}
        | {"SES-REP-001", "SES-REP-002", "SES-SUP-001", "SES-VDM-001"}
        | {"SES-MON-001", "SES-MON-002"}
        | {f"SES-ID-{i:03d}" for i in range(1, 11)}
        | {f"SES-CS-00{i}" for i in range(1, 5)}
        | {f"SES-IAM-{i:03d}" for i in range(1, 11)}
        | {"SES-RCV-001", "SES-RCV-002"}
    )
    assert ids == expected


def test_schema_names_the_model_resource_types_and_sources() -> None:
    import json

    from sesguard.model import RESOURCE_TYPES
    from sesguard.sources import SOURCES

    schema = json.loads((REPO / "policies" / "schema.json").read_text())
    assert tuple(schema["properties"]["resource"]["enum"]) == RESOURCE_TYPES
    assert tuple(schema["properties"]["sources"]["items"]["enum"]) == tuple(SOURCES)


def test_a_bad_policy_is_one_problem_and_the_others_load(policy_dir: Path) -> None:
    _edit(policy_dir / "SES-CS-001.yaml", "severity: high\n", "severity: severe\n")
    (policy_dir / "SES-CS-002.yaml").write_text("id: SES-CS-002\ntitle: [unclosed\n")
    found = read_policies(policy_dir)
    assert [(Path(p.file).name, p.line) for p in found.problems] == [
        ("SES-CS-001.yaml", 3),
        ("SES-CS-002.yaml", 3),
    ]
    assert str(found.problems[0]).endswith("SES-CS-001.yaml:3: severity: 'severe' is not one of "
                                           "['critical', 'high', 'medium', 'low', 'info']")  # fmt: skip
    ids = {p.id for p in found.policies}
    assert len(ids) == len(list(policy_dir.glob("*.yaml"))) - 2 and not ids & {"SES-CS-001", "SES-CS-002"}


def test_settings_may_name_a_policy_that_did_not_load(tmp_path: Path) -> None:
    config = tmp_path / "sesguard.yaml"
    config.write_text(
        "disabled: [SES-CS-001]\nparameters: {SES-CS-001: {x: 1}}\n"
        "waivers:\n  - {policy: SES-CS-001, resource: t.yaml:Set, reason: ticket 1, expires: 2999-01-31}\n"
    )
    others = [p for p in load_policies() if p.id != "SES-CS-001"]
    with pytest.raises(ConfigError, match="unknown policy ID 'SES-CS-001'"):
        load_settings(config, [], others)
    settings = load_settings(config, [], others, not_loaded={"SES-CS-001"})
    assert settings.disabled == ("SES-CS-001",) and settings.waivers[0].policy == "SES-CS-001"
    with pytest.raises(ConfigError, match="unknown policy ID 'SES-CS-001'"):  # another one did not load
        load_settings(config, [], others, not_loaded={"SES-CS-999"})
