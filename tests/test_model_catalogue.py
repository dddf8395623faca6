"""The property catalogue is the model's contract: docs/model.md is rendered from it, every property a
source or derive produces is in it, and a policy naming another property does not load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sesguard.derive import derive
from sesguard.model import Resource
from sesguard.model.catalogue import CATALOGUE, undeclared
from sesguard.model.docs import render_model
from sesguard.policies import PolicyError, load_policies
from sesguard.sources.templates import read_templates

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"
CORPUS = REPO.parent / "shared" / "corpus" / "iac"
INPUTS = {
    "examples": REPO / "examples" / "templates",
    "cfn fixtures": REPO / "tests" / "fixtures" / "cfn",
    "tf fixtures": REPO / "tests" / "fixtures" / "terraform",
    "cfn corpus": CORPUS / "cloudformation",
    "tf corpus": CORPUS / "terraform",
}

pytest_plugins = ("pytester",)


def test_model_document_is_current() -> None:
    current = (REPO / "docs" / "model.md").read_text(encoding="utf-8")
    assert current == render_model(), "run: python -m sesguard.model.docs > docs/model.md"


@pytest.fixture(scope="module")
def template_resources() -> list[Resource]:
    present = {label: path for label, path in INPUTS.items() if path.is_dir()}
    if len(present) < len(INPUTS):
        pytest.skip(f"inputs absent: {sorted(set(INPUTS) - set(present))} (the corpora live in ../shared/corpus)")
    inventory = read_templates(list(present.values()))
    inventory = derive(inventory)
    return inventory.resources


def test_every_template_property_is_in_the_catalogue(template_resources: list[Resource]) -> None:
    assert template_resources
    assert undeclared(template_resources) == set()


def test_every_template_property_of_the_catalogue_is_produced(template_resources: list[Resource]) -> None:
    """No stale entry: what the catalogue says cfn or tf provides, they provide somewhere."""
    made = {(r.type, name, r.source) for r in template_resources for name in r.props}
    promised = {
        (rtype, p.name, source)
        for rtype, props in CATALOGUE.items()
        for p in props
        for source in p.sources
        if source != "live"
    }
    assert promised - made == set()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(REPO / "policies", target)
    return target


@pytest.mark.parametrize(
    ("policy", "old", "new", "message"),
    [
        ("SES-CS-001", "  path: enabled_event_types\n", "  path: enabled_event_type\n",
         "assert.path: 'enabled_event_type' names no property of configuration_set; "
         "did you mean 'enabled_event_types'?"),
        ("SES-MON-001", "path: threshold,", "path: treshold,", "is not a field of alarms items; did you mean 'threshold'?"),
        ("SES-REP-001", "  path: bounce_rate\n", "  path: bounce_rates\n", "severity_bands.path: 'bounce_rates'"),
        ("SES-CS-001", "props: {enabled_event_types: [DELIVERY]}", "props: {enabled_events: [DELIVERY]}",
         "examples[1].props.enabled_events: 'enabled_events' names no property of configuration_set"),
        ("SES-MON-001", "path: quiet_region,", "path: quiet,", "applies_when.condition.path: 'quiet'"),
    ],
)  # fmt: skip
def test_a_path_naming_no_property_is_a_load_error(
    policy_dir: Path, policy: str, old: str, new: str, message: str
) -> None:
    path = policy_dir / f"{policy}.yaml"
    _edit(path, old, new)
    with pytest.raises(PolicyError) as error:
        load_policies(policy_dir)
    text = str(error.value)
    assert "\n" not in text and message in text, text
    line, misspelt = int(text.split(":")[1]), text.split("'")[1]
    assert misspelt in path.read_text().splitlines()[line - 1]


def test_a_typo_in_a_policy_path_is_reported_with_file_and_line_and_the_rest_still_runs(
    pytester: pytest.Pytester,
) -> None:
    """``pytest checks/ --policies DIR``: a misspelt path is bad input naming the file and line (exit 4),
    never a silent 'not available from this source' on every row; the other policies still run."""
    policies = pytester.path / "policies"
    shutil.copytree(REPO / "policies", policies)
    _edit(policies / "SES-CS-001.yaml", "  path: enabled_event_types\n", "  path: enabeld_event_types\n")
    templates = pytester.path / "templates"
    shutil.copytree(REPO / "examples" / "templates", templates)
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
        "--templates", str(templates), "--policies", str(policies),
    )  # fmt: skip
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(
        ["ERROR  policies/SES-CS-001.yaml:11: assert.path: 'enabeld_event_types' names no property of"
         " configuration_set; did you mean 'enabled_event_types'?*"]
    )  # fmt: skip
    assert "SES-CS-001::" not in result.stdout.str()  # the bad policy has no rows
    result.stdout.fnmatch_lines(["FAILED SES-CS-004::*"])  # the others were evaluated


def test_catalogue_entries_are_well_formed() -> None:
    for rtype, props in CATALOGUE.items():
        names = [p.name for p in props]
        assert len(names) == len(set(names)), rtype
        for prop in props:
            assert prop.sources and set(prop.sources) <= {"live", "cfn", "tf"}, prop
            assert prop.meaning and "\n" not in prop.meaning, prop


