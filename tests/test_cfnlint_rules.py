"""The catalog as cfn-lint rules: the real cfn-lint CLI with ``--append-rules`` gives the engine's verdicts."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from sesguard.derive import derive
from sesguard.engine import build_findings
from sesguard.policies import load_policies
from sesguard.sources.cfn import read_cloudformation

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((REPO / "examples" / "templates").glob("*.yaml")) + sorted(
    (REPO / "tests" / "fixtures" / "cfn" / "policies").glob("*.*")
)
RULE_PREFIXES = ("E95", "W95", "I95")


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
            found[str(Path(parts[0]).resolve())].add((parts[6].split(" ", 1)[0], int(parts[1])))
    return found


def engine(path: Path) -> set[tuple[str, int]]:
    policies = [p for p in load_policies() if "cfn" in p.sources]
    inventory = read_cloudformation(path, str(path))
    derive(inventory)
    rows = build_findings(policies, inventory, {p.id: p.defaults() for p in policies})
    return {(row.policy_id, row.resource.location.line or 1) for row in rows if row.status in ("fail", "error")}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_shows_the_same_verdicts_as_pytest_checks(path: Path) -> None:
    assert cfn_lint_all().get(str(path.resolve()), set()) == engine(path)


def test_the_comparison_is_not_empty() -> None:
    assert sum(len(v) for v in cfn_lint_all().values()) > 50
