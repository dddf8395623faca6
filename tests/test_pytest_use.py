"""pytest as users run it: the plugin from its entry point, pytest-xdist, and the terminal output.

Every run is a real pytest subprocess (``pytester.runpytest_subprocess``) with the plugin loaded the
way an installed sesguard loads it: the ``pytest11`` entry point, no ``-p`` and no conftest.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "templates"
TERRAFORM = REPO / "tests" / "fixtures" / "terraform"

pytest_plugins = ("pytester",)


@pytest.fixture
def templates(pytester: pytest.Pytester) -> Path:
    folder = pytester.path / "templates"
    shutil.copytree(EXAMPLES, folder)
    return folder


def load(report_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((report_dir / "findings.json").read_text())
    return data


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """findings.json without what differs between two runs of the same input (times)."""
    run = {k: v for k, v in doc["run"].items() if not k.endswith("_at")}
    return {**doc, "run": run}


def junit_cases(path: Path) -> dict[str, str]:
    """pytest's --junitxml: row name -> outcome."""
    cases = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome = next((child.tag for child in case if child.tag != "properties"), "passed")
        cases[case.attrib["name"]] = outcome
    return cases


def failing_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"(FAILED|ERROR ) SES-", line)]


def test_xdist_gives_the_serial_findings_reports_and_exit_code(
    pytester: pytest.Pytester, templates: Path
) -> None:
    runs = {}
    for name, extra in (("serial", ()), ("xdist", ("-n", "2"))):
        out = pytester.path / name
        result = pytester.runpytest_subprocess(
            "--templates", str(templates), "--report-dir", str(out), "--report-format", "json,sarif,junit",
            f"--junitxml={out}/pytest.xml", "-p", "no:randomly", *extra,
        )  # fmt: skip
        runs[name] = (result, out)
    (serial, serial_dir), (xdist, xdist_dir) = runs["serial"], runs["xdist"]
    assert serial.ret == xdist.ret == 1
    assert "gw0" in xdist.stdout.str() or "2 workers" in xdist.stdout.str()
    serial_doc, xdist_doc = load(serial_dir), load(xdist_dir)
    assert len(xdist_doc["findings"]) == len(serial_doc["findings"]) > 50
    assert comparable(xdist_doc) == comparable(serial_doc)
    for report in ("findings.sarif", "junit.xml"):
        found = sorted(p.name for p in serial_dir.iterdir())
        assert report in found, found
        assert (xdist_dir / report).read_bytes().count(b"SES-") == (serial_dir / report).read_bytes().count(
            b"SES-"
        )
    assert junit_cases(xdist_dir / "pytest.xml") == junit_cases(serial_dir / "pytest.xml")
    assert sorted(failing_lines(xdist.stdout.str())) == sorted(failing_lines(serial.stdout.str()))
    assert xdist.parseoutcomes() == serial.parseoutcomes()


def test_xdist_keeps_lf_and_k(pytester: pytest.Pytester, templates: Path) -> None:
    out = pytester.path / "out"
    args = ("--templates", str(templates), "--report-dir", str(out), "-n", "2", "-p", "no:randomly")
    first = pytester.runpytest_subprocess(*args)
    failing = {r["id"] for r in load(out)["findings"] if r["status"] in ("fail", "error")}
    assert first.ret == 1 and failing
    again = pytester.runpytest_subprocess(*args, "--lf")
    assert again.ret == 1
    assert {r["id"] for r in load(out)["findings"]} == failing
    assert again.parseoutcomes().get("passed", 0) == 0
    chosen = pytester.runpytest_subprocess(*args, "-k", "SES-CS-")
    rows = load(out)["findings"]
    assert rows and all(r["policy_id"].startswith("SES-CS-") for r in rows)
    assert chosen.ret == 1


def test_installed_plugin_collects_the_checks_only_when_asked(
    pytester: pytest.Pytester, templates: Path
) -> None:
    """A user's own suite is untouched without a sesguard option; with one, only the checks run."""
    pytester.makepyfile(test_mine="def test_mine():\n    assert True\n")
    pytester.makeini("[pytest]\ntestpaths = .\n")
    own = pytester.runpytest_subprocess()
    own.assert_outcomes(passed=1)
    assert "= sesguard =" not in own.stdout.str() and "sesguard config" not in own.stdout.str()
    assert not (pytester.path / "reports").exists()

    checks = pytester.runpytest_subprocess("--templates", str(templates), "-p", "no:randomly")
    assert checks.ret == 1
    assert "test_mine" not in checks.stdout.str()
    assert load(pytester.path / "reports")["summary"]["verdict"] == "non-compliant"

    pyargs = pytester.runpytest_subprocess(
        "--pyargs", "sesguard.checks", "--templates", str(templates), "--report-dir", "pyargs"
    )
    assert pyargs.ret == 1
    assert (
        comparable(load(pytester.path / "pyargs"))["findings"] == load(pytester.path / "reports")["findings"]
    )


def test_default_output_is_one_line_per_failing_row(pytester: pytest.Pytester, templates: Path) -> None:
    quiet = pytester.runpytest_subprocess("--templates", str(templates), "-p", "no:randomly")
    text = quiet.stdout.str()
    doc = load(pytester.path / "reports")
    failing = [
        r for r in doc["findings"] if r["status"] == "error" or (r["status"] == "fail" and r["fails_build"])
    ]
    lines = failing_lines(text)
    outcomes = quiet.parseoutcomes()
    assert len(lines) == len(failing) == outcomes["failed"] + outcomes.get("errors", 0)
    assert "= FAILURES =" not in text and "short test summary" not in text and "fix: " not in text
    quiet.stdout.fnmatch_lines(
        [
            "FAILED SES-CS-001::templates/marketing-mail.yaml:MarketingSet [[]high[]] *templates/marketing-mail.yaml:17:"
            " enabled event destinations*"
        ]
    )
    assert lines[0].startswith("FAILED") and "[critical]" in lines[0]  # most severe first

    verbose = pytester.runpytest_subprocess("--templates", str(templates), "-v", "-p", "no:randomly")
    verbose.stdout.fnmatch_lines(["*= FAILURES =*", "*SES-CS-001 ?high? Configuration set*", "fix: *"])
    tb = pytester.runpytest_subprocess("--templates", str(templates), "--tb=short", "-rf")
    tb.stdout.fnmatch_lines(
        # (pytest cuts the summary line's message at the terminal width: the longer id leaves no room at 80)
        ["*= FAILURES =*", "fix: *", "*short test summary*", "FAILED *SES-CS-001::templates/marketing-mail.yaml:MarketingSet*"]
    )


def test_verbose_run_details_every_failing_row(pytester: pytest.Pytester) -> None:
    """-v prints each failing row's detail once (pytest's failure summary, kept linear by the plugin)."""
    folder = pytester.path / "many"
    folder.mkdir()
    body = "".join(
        f"  Set{i}:\n    Type: AWS::SES::ConfigurationSet\n    Properties:\n      Name: set-{i}\n"
        for i in range(60)
    )
    (folder / "sets.yaml").write_text("Resources:\n" + body)
    result = pytester.runpytest_subprocess("--templates", str(folder), "-v", "-p", "no:randomly")
    assert result.ret == 1
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 120
    assert result.stdout.str().count("fix: ") == outcomes["failed"]
    assert len(failing_lines(result.stdout.str())) == outcomes["failed"] + outcomes.get("errors", 0)
