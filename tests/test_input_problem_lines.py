"""One clear error per input problem (issue 12): a Terraform module that declares a resource twice, a
file that is not a template, a template that does not parse, each is said once on the terminal and in
the Markdown report, with the number of rows it left unevaluated; the rows stay ``error`` rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sesguard.reports.document import md_cell

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"

pytest_plugins = ("pytester",)

DUPLICATE_SET = """resource "aws_sesv2_configuration_set" "x" {
  configuration_set_name = "%s"
}
"""


def _run(pytester: pytest.Pytester, *inputs: str) -> tuple[pytest.RunResult, dict[str, Any], str]:
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "-p", "no:randomly", "--tb=no",
        "--templates", *inputs, "--report-dir", str(out), "--report-format", "markdown",
    )  # fmt: skip
    doc: dict[str, Any] = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return result, doc, (out / "report.md").read_text(encoding="utf-8")


def _said_once(result: pytest.RunResult, markdown: str, problem: str, doc: dict[str, Any]) -> None:
    """The problem is one terminal line and one Markdown line, naming how many rows it blocked; those
    rows are still ``error`` rows of findings.json, each naming the problem."""
    lines = [line for line in result.outlines if problem in line]
    errors = [row for row in doc["findings"] if row["status"] == "error" and problem in row["message"]]
    assert len(errors) > 10  # every policy that needed the set
    policies = len({row["policy_id"] for row in errors})
    assert lines == [f"ERROR  {errors[0]['resource']['set']}: {len(errors)} rows of {policies} policies "
                     f"not evaluated: {lines[0].split('not evaluated: ', 1)[1]}"]  # fmt: skip
    said = [line for line in markdown.splitlines() if md_cell(problem) in line]
    assert len(said) == 1 and f"| {len(errors)} |" in said[0]
    [cause] = [c for c in doc["causes"] if problem in c["text"]]
    assert sorted(cause["rows"]) == sorted(row["id"] for row in errors)


CASES = {
    # a Terraform module (one folder) whose two files declare the same resource
    "declared twice": ({"infra/a.tf": DUPLICATE_SET % "a", "infra/b.tf": DUPLICATE_SET % "b"}, "infra",
                       "aws_sesv2_configuration_set.x is declared twice"),
    # a file named on the command line that is not a template
    "not a template": ({"notes.txt": "remember the milk\n"}, "notes.txt", "not a CloudFormation template"),
    # a CloudFormation template that does not parse
    "does not parse": ({"broken.yaml": "Resources:\n  Set:\n    Type: AWS::SES::ConfigurationSet\n  A: [unclosed\n"},
                       "broken.yaml", "template cannot be parsed"),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_an_input_problem_is_said_once(pytester: pytest.Pytester, case: str) -> None:
    files, given, problem = CASES[case]
    for name, text in files.items():
        (pytester.path / name).parent.mkdir(exist_ok=True)
        (pytester.path / name).write_text(text, encoding="utf-8")
    result, doc, markdown = _run(pytester, str(pytester.path / given))
    assert result.ret == 1
    _said_once(result, markdown, problem, doc)


def test_two_problems_of_one_set_are_each_said_once(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "infra"
    folder.mkdir()
    (folder / "one.yaml").write_text("Resources:\n  A: [unclosed\n", encoding="utf-8")
    (folder / "two.yaml").write_text("Resources: {B: {Type: AWS::SES::ConfigurationSet}\n", encoding="utf-8")
    result, doc, _ = _run(pytester, str(folder))
    causes = [c for c in doc["causes"] if c.get("set") == "infra"]
    assert len(causes) == 2 and causes[0]["rows"] == causes[1]["rows"]
    for cause in causes:
        assert sum(cause["text"] in line for line in result.outlines) == 1
