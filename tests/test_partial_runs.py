"""``pytest checks/ -k ...`` and ``--lf`` runs are recorded as partial (end to end)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"

pytest_plugins = ("pytester",)


def test_k_and_lf_runs_are_partial_and_full_runs_are_not(pytester: pytest.Pytester) -> None:
    template = pytester.path / "m.yaml"
    shutil.copyfile(REPO / "examples" / "templates" / "marketing-mail.yaml", template)
    out = pytester.path / "out"
    common = [str(CHECKS), "-p", "sesguard.plugin", "--templates", str(template), "--report-dir", str(out)]
    pytester.runpytest_subprocess(*common)
    pytester.runpytest_subprocess(*common, "--lf")
    pytester.runpytest_subprocess(*common, "-k", "SES-CS-001")
    entries = [json.loads(line) for line in (out / "history.jsonl").read_text().splitlines()]
    assert [e["partial"] for e in entries] == [False, True, True]
    doc = json.loads((out / "findings.json").read_text())
    assert doc["run"]["partial"] is True and doc["run"]["selected_rows"] == 1
