"""The catalog as cfn-lint rules: the real cfn-lint CLI with ``--append-rules`` gives the engine's verdicts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sesguard.derive import derive
from sesguard.engine import build_findings
from sesguard.policies import load_policies
from sesguard.sources.cfn import read_cloudformation

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((REPO / "examples" / "templates").glob("*.yaml"))
MATCH = re.compile(
    r"^(?P<rule>[EWI]95\d\d) (?P<policy>SES-[A-Z]+-\d{3}) .*\n(?P<file>[^\n]+):(?P<line>\d+):\d+$", re.M
)


def cfn_lint(path: Path) -> set[tuple[str, int]]:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [str(cfn_lint), "--append-rules", "sesguard.cfnlint_rules", "--format", "parseable", "--", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Tried to append rules" not in result.stderr, result.stderr
    found = set()
    for line in result.stdout.splitlines():
        # parseable: file:line:col:endline:endcol:rule:message
        parts = line.split(":", 6)
        if len(parts) == 7 and parts[5].startswith(("E95", "W95", "I95")):
            found.add((parts[6].split(" ", 1)[0], int(parts[1])))
    return found


def engine(path: Path) -> set[tuple[str, int]]:
    policies = [p for p in load_policies() if "cfn" in p.sources]
    inventory = read_cloudformation(path, str(path))
    derive(inventory)
    rows = build_findings(policies, inventory, {p.id: p.defaults() for p in policies})
    found = set()
    for row in rows:
        if row.status in ("fail", "error"):
            line = row.resource.location.line if row.resource.location.line else 1
            found.add((row.policy_id, line))
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_shows_the_same_verdicts_as_pytest_checks(path: Path) -> None:
    expected = engine(path)
    assert expected or "transactional" in path.name
    assert cfn_lint(path) == expected
