"""The catalog as cfn-lint rules: the real cfn-lint CLI with ``--append-rules`` gives the engine's verdicts."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from sesguard.cfnlint_ids import NoRuleId, rule_id
from sesguard.policies import load_policies
from sesguard.run import evaluate
from sesguard.sources.cfn import read_cloudformation

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((REPO / "examples" / "templates").glob("*.yaml")) + sorted(
    (REPO / "tests" / "fixtures" / "cfn" / "policies").glob("*.*")
)
RULE_PREFIXES = ("E9", "W9", "I9")


TEMPLATE_POLICIES = [p for p in load_policies() if "cfn" in p.sources]
RULE_IDS = {p.id: rule_id(p.id, p.severity) for p in TEMPLATE_POLICIES}
CFN_LINT = Path(sys.executable).with_name("cfn-lint")


@cache
def cfn_lint_all() -> dict[str, set[tuple[str, int]]]:
    """One cfn-lint run over every template: {file: {(policy ID, line)}}."""
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [str(cfn_lint), "--append-rules", "sesguard.cfnlint_rules", "--format", "parseable", "--",
         *map(str, TEMPLATES)],
        capture_output=True, text=True, check=False,
    )
    assert "Tried to append rules" not in result.stderr, result.stderr
    found: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for line in result.stdout.splitlines():
        # parseable: file:line:col:endline:endcol:rule:message
        parts = line.split(":", 6)
        if len(parts) == 7 and parts[5].startswith(RULE_PREFIXES):
            policy_id = parts[6].split(" ", 1)[0]
            assert parts[5] == RULE_IDS[policy_id], line  # one rule per policy, its documented ID
            found[str(Path(parts[0]).resolve())].add((policy_id, int(parts[1])))
    return found


def engine(path: Path) -> set[tuple[str, int]]:
    policies = [p for p in load_policies() if "cfn" in p.sources]
    inventory = read_cloudformation(path, str(path))
    rows = evaluate(inventory, policies).findings
    return {(row.policy_id, row.resource.location.line or 1) for row in rows if row.status in ("fail", "error")}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_shows_the_same_verdicts_as_pytest_checks(path: Path) -> None:
    assert cfn_lint_all().get(str(path.resolve()), set()) == engine(path)


def test_the_comparison_is_not_empty() -> None:
    assert sum(len(v) for v in cfn_lint_all().values()) > 50


def test_one_rule_per_policy_with_a_stable_documented_id() -> None:
    assert len(set(RULE_IDS.values())) == len(RULE_IDS)
    # the documented examples, and the letter is the severity
    assert rule_id("SES-CS-001", "high") == "E9101"
    assert rule_id("SES-IAM-010", "critical") == "E9310"
    assert rule_id("SES-CS-002", "medium") == "W9102"
    assert rule_id("SES-ACCT-003", "info") == "I9003"
    # the former group rules name no policy
    assert not {"E9501", "W9502", "I9503"} & set(RULE_IDS.values())
    with pytest.raises(NoRuleId):
        rule_id("SES-NEW-001", "high")
    from sesguard import cfnlint_rules

    rules = {cls.id: cls for cls in cfnlint_rules.rule_classes().values()}
    assert set(rules) == set(RULE_IDS.values())
    tls = rules["W9102"]
    assert tls.policy_id == "SES-CS-002" and tls.source_url.startswith("https://docs.aws.amazon.com/")


def _lint(tmp_path: Path, text: str, *options: str) -> set[tuple[str, str, int]]:
    template = tmp_path / "template.yaml"
    template.write_text(text)
    result = subprocess.run(
        [str(CFN_LINT), str(template), "--append-rules", "sesguard.cfnlint_rules", "--format", "parseable",
         *options],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    rows = set()
    for line in result.stdout.splitlines():
        parts = line.split(":", 6)
        if len(parts) == 7 and parts[5].startswith(RULE_PREFIXES):
            rows.add((parts[5], parts[6].split(" ", 1)[0], int(parts[1])))
    return rows


TWO_SETS = """\
Resources:
  First:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: first
      DeliveryOptions: {TlsPolicy: OPTIONAL}
  Second:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: second
      DeliveryOptions: {TlsPolicy: OPTIONAL}
"""


def test_ignore_checks_and_metadata_ignores_work_per_policy(tmp_path: Path) -> None:
    everything = _lint(tmp_path, TWO_SETS)
    tls = {row for row in everything if row[1] == "SES-CS-002"}
    assert {(rid, line) for rid, _, line in tls} == {("W9102", 2), ("W9102", 7)}
    assert {row for row in everything if row[1] == "SES-CS-001"}, "the other policies still report"
    # --ignore-checks: one policy everywhere, nothing else
    assert _lint(tmp_path, TWO_SETS, "--ignore-checks", "W9102") == everything - tls
    # a resource's Metadata: that policy on that resource only
    ignored = TWO_SETS.replace(
        "  First:\n    Type: AWS::SES::ConfigurationSet\n",
        "  First:\n    Type: AWS::SES::ConfigurationSet\n"
        "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [W9102]\n",
    )
    rows = _lint(tmp_path, ignored)
    assert ("W9102", "SES-CS-002", 2) not in rows
    assert any(r[:2] == ("W9102", "SES-CS-002") and r[2] > 2 for r in rows)


def test_every_shipped_policy_has_a_rule_id() -> None:
    ids = {rule_id(p.id, p.severity) for p in load_policies()}
    assert len(ids) == len(load_policies())
