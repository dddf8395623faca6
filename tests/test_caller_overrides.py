"""A caller's value overrides the child's default, in both directions (issue 12): a CloudFormation
parent passing a parameter to a local nested stack, a Terraform root passing an argument to a local
module, and terraform's own plan of that root. A child whose default is compliant must fail when the
caller passes a non-compliant value (a false pass otherwise), one whose default is not compliant must
pass when the caller passes a compliant value (a false fail otherwise); an argument that cannot be
known is an error, never the child's default. tests/fixtures/overrides/README.md has the table.

Run as users run it: ``pytest checks/ --templates ...`` (real cfn-lint decoding, real HCL parsing)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "overrides"

pytest_plugins = ("pytester",)

# caller -> SES-CS-002 verdict (the plan was made with -var tls=OPTIONAL, so it knows "unset")
EXPECTED = {"tightened": "pass", "loosened": "fail", "defaulted": "pass", "unset": "error"}
IN_PLAN = {**EXPECTED, "unset": "fail"}


def _verdicts(pytester: pytest.Pytester) -> dict[str, dict[str, str]]:
    """Per set (cfn, tf, plan), the SES-CS-002 verdict of each caller's configuration set."""
    for name in ("cfn", "tf", "plan-tls-OPTIONAL.json"):
        source = FIXTURE / name
        if source.is_dir():
            shutil.copytree(source, pytester.path / name)
        else:
            shutil.copy(source, pytester.path / name)
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(REPO / "checks"), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "-p", "no:randomly",
        "--tb=no", "-k", "SES-CS-002", "--report-dir", str(out),
        "--templates", "cfn", "tf", "plan-tls-OPTIONAL.json",
    )  # fmt: skip
    assert result.ret == 1, result.outlines[-20:]  # the loosened set fails
    doc: dict[str, Any] = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    found: dict[str, dict[str, str]] = {}
    for row in doc["findings"]:
        resource = row["resource"]
        assert row["policy_id"] == "SES-CS-002"
        found.setdefault(resource["set"], {})[resource["id"]] = row["status"]
    return found


def test_a_callers_value_wins_over_the_childs_default_both_ways(pytester: pytest.Pytester) -> None:
    found = _verdicts(pytester)
    assert set(found) == {"cfn", "tf", "plan-tls-OPTIONAL.json"}
    # CloudFormation: rows named Stack.LogicalId; a child deployed once keeps its own ids (row-ids.md)
    names = {"Tightened": "ConfigSet"}
    cfn = {
        caller: found["cfn"][names.get(caller.title(), f"{caller.title()}.ConfigSet")] for caller in EXPECTED
    }
    assert cfn == EXPECTED
    for source, expected in (("tf", EXPECTED), ("plan-tls-OPTIONAL.json", IN_PLAN)):
        rows = {
            caller: found[source][f"module.{caller}.aws_sesv2_configuration_set.this"] for caller in EXPECTED
        }
        assert rows == expected, source
    assert len(found["cfn"]) == len(found["tf"]) == len(found["plan-tls-OPTIONAL.json"]) == len(EXPECTED)
