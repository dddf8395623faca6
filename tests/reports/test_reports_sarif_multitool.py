"""SARIF that GitHub shows well, checked by Microsoft's SARIF multitool with GitHub's rules (``Gh;Sarif``).

``.ci/run`` installs ``@microsoft/sarif-multitool`` from npm into ``.ci/tools``; where npm or the
tool is unavailable the validation tests skip with the reason. ``SARIF_MULTITOOL`` may name the
``Sarif.Multitool`` binary elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sesguard.reports import sarif

from .conftest import ROOT

TOOLS = ROOT / ".ci" / "tools" / "node_modules" / "@microsoft"


def _multitool() -> Path:
    named = os.environ.get("SARIF_MULTITOOL")
    candidates = [Path(named)] if named else sorted(TOOLS.glob("sarif-multitool-*/Sarif.Multitool"))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip(
        "the SARIF multitool is not installed (.ci/run installs @microsoft/sarif-multitool from npm into "
        ".ci/tools; npm was unavailable or the install failed)"
    )


def validate(log: dict[str, Any], tmp_path: Path) -> list[str]:
    """The multitool's findings (warnings and errors) on ``log``, one line each."""
    target = tmp_path / "findings.sarif"
    target.write_text(json.dumps(log, indent=1), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    result = subprocess.run(
        [str(_multitool()), "validate", "--rule-kind", "Gh;Sarif", "--output", str(out), str(target)],
        capture_output=True, text=True, check=False, env=env, timeout=300,
    )  # fmt: skip
    assert out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    run = report["runs"][0]
    assert all(i.get("executionSuccessful") for i in run.get("invocations", [])), result.stdout[-3000:]
    return [
        f"{r['ruleId']} {r.get('level', 'warning')}: {r['message'].get('text') or r['message'].get('arguments')}"
        for r in run.get("results", [])
        if r.get("level", "warning") in ("error", "warning")
    ]


@pytest.mark.parametrize("fixture", ["template_doc", "live_doc"])
def test_the_multitool_finds_nothing_to_flag(fixture: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    log = sarif.build(request.getfixturevalue(fixture))
    assert validate(log, tmp_path) == []


def test_the_multitool_flags_what_github_needs(template_doc: dict[str, Any], tmp_path: Path) -> None:
    """The validation can fail: without informationUri and regions, the multitool says so."""
    log = sarif.build(template_doc)
    del log["runs"][0]["tool"]["driver"]["informationUri"]
    for result in log["runs"][0]["results"]:
        result["locations"][0].get("physicalLocation", {}).pop("region", None)
    problems = validate(log, tmp_path)
    assert any(p.startswith("SARIF2005") for p in problems), problems
    assert any(p.startswith("SARIF2017") for p in problems), problems
