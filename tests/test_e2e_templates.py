"""End to end: ``pytest checks/ --templates ...`` run as users run it, in a real pytest session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"
EXAMPLES = REPO / "examples" / "templates"
# rows of a template resource are named FILE:LogicalId, FILE relative to where the run starts
MARKETING = "templates/marketing-mail.yaml:"
TRANSACTIONAL = "templates/transactional-mail.yaml:"

pytest_plugins = ("pytester",)


def run_checks(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run the repository's checks in a subprocess, from the pytester folder (its cwd)."""
    return pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", *args
    )


def findings(report_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((report_dir / "findings.json").read_text())
    return data


def rows_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in doc["findings"]}


@pytest.fixture
def templates(pytester: pytest.Pytester) -> Path:
    folder = pytester.path / "templates"
    shutil.copytree(EXAMPLES, folder)
    return folder


def test_examples_give_readable_ids_outcomes_exit_code_and_findings(
    pytester: pytest.Pytester, templates: Path
) -> None:
    report_dir = pytester.path / "out"
    result = run_checks(pytester, "--templates", str(templates), "--report-dir", str(report_dir), "-rA", "-v")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*PASSED*test_policy?SES-CS-001::templates/transactional-mail.yaml:TransactionalSet?*",
            "*FAILED*test_policy?SES-CS-001::templates/marketing-mail.yaml:MarketingSet?*",
        ]
    )
    # a failing row names the file and line, the observed and expected values, and the fix
    result.stdout.fnmatch_lines(
        [
            "*templates/marketing-mail.yaml:*: SES-CS-001 ?high? Configuration set publishes bounce and complaint events",
            "*enabled event destinations cover*CLICK*expected to contain all of*BOUNCE*COMPLAINT*",
            "fix: *",
            "*CloudFormation: AWS::SES::ConfigurationSetEventDestination*",
        ]
    )
    doc = findings(report_dir)
    assert doc["format"] == "sesguard-findings" and doc["format_version"] == 1
    assert doc["run"]["policy_set_digest"].startswith("sha256:")
    assert doc["run"]["inputs"] == [str(templates)]
    rows = rows_by_id(doc)
    marketing = rows[f"SES-CS-001::{MARKETING}MarketingSet"]
    assert marketing["status"] == "fail" and marketing["fails_build"] is True
    assert marketing["resource"]["type"] == "configuration_set"
    assert marketing["resource"]["file"].endswith("marketing-mail.yaml")
    lines = (templates / "marketing-mail.yaml").read_text().splitlines()
    assert lines[marketing["resource"]["line"] - 1].strip() == "MarketingSet:"
    assert marketing["remediation"]["cloudformation"]
    assert rows[f"SES-CS-001::{TRANSACTIONAL}TransactionalSet"]["status"] == "pass"
    assert doc["summary"]["verdict"] == "non-compliant"
    assert sum(doc["summary"]["by_status"].values()) == len(doc["findings"])
    # ids are sorted and unique
    ids = [row["id"] for row in doc["findings"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))


def test_live_only_policies_say_why_they_skip(pytester: pytest.Pytester, templates: Path) -> None:
    report_dir = pytester.path / "out"
    run_checks(pytester, "--templates", str(templates), "--report-dir", str(report_dir))
    rows = rows_by_id(findings(report_dir))
    skipped = [r for r in rows.values() if r["policy_id"] == "SES-ACCT-001"]
    assert skipped, "SES-ACCT-001 (live only) gave no row: a policy that does not apply still gives one"
    assert skipped[0]["status"] == "skip"
    assert "live account" in skipped[0]["message"]


def test_selecting_rows_with_k_and_junit(pytester: pytest.Pytester, templates: Path) -> None:
    report_dir = pytester.path / "out"
    junit = pytester.path / "junit.xml"
    result = run_checks(
        pytester,
        "--templates",
        str(templates),
        "--report-dir",
        str(report_dir),
        "-k",
        "TransactionalSet",
        f"--junitxml={junit}",
    )
    assert result.ret == 0, result.stdout.str()
    doc = findings(report_dir)
    assert doc["findings"] and all("TransactionalSet" in row["id"] for row in doc["findings"])
    text = junit.read_text()
    assert 'name="policy_id" value="SES-CS-001"' in text and 'name="severity"' in text


def test_unparseable_template_is_an_error_row_and_the_rest_is_checked(
    pytester: pytest.Pytester, templates: Path
) -> None:
    (templates / "broken.yaml").write_text("Resources:\n  Bad: [\n    - x\n  Other: !Ref\n")
    report_dir = pytester.path / "out"
    result = run_checks(pytester, "--templates", str(templates), "--report-dir", str(report_dir))
    assert result.ret == 1
    doc = findings(report_dir)
    errors = [r for r in doc["findings"] if r["status"] == "error"]
    assert errors, "a broken template must produce error rows"
    assert any("broken.yaml:" in r["message"] and "cannot be parsed" in r["message"] for r in errors)
    assert rows_by_id(doc)[f"SES-CS-001::{TRANSACTIONAL}TransactionalSet"]["status"] == "pass"
    # the problem is said once for the set, with the rows it left unevaluated, not once per policy
    result.stdout.fnmatch_lines(
        ["ERROR  templates: * rows of * policies not evaluated: *broken.yaml:*cannot be parsed*"]
    )
    result.stdout.no_fnmatch_line("ERROR  SES-CS-001::templates*")


def test_unresolvable_value_never_passes(pytester: pytest.Pytester) -> None:
    template = pytester.path / "t.yaml"
    template.write_text(
        "Parameters:\n  Types: {Type: CommaDelimitedList}\nResources:\n"
        "  Set: {Type: AWS::SES::ConfigurationSet}\n"
        "  Dest:\n    Type: AWS::SES::ConfigurationSetEventDestination\n    Properties:\n"
        "      ConfigurationSetName: !Ref Set\n"
        "      EventDestination: {Enabled: true, MatchingEventTypes: !Ref Types}\n"
    )
    report_dir = pytester.path / "out"
    result = run_checks(
        pytester, "--templates", str(template), "--report-dir", str(report_dir), "-k", "SES-CS-001"
    )
    assert result.ret == 1
    row = rows_by_id(findings(report_dir))["SES-CS-001::t.yaml:Set"]
    assert row["status"] == "error"
    assert "Types without a default" in row["message"]


def test_waivers_active_expired_stale_and_fail_on(pytester: pytest.Pytester, templates: Path) -> None:
    pytester.makefile(
        ".yaml",
        sesguard="""
fail_on: high
waivers:
  - policy: SES-CS-001
    resource: MarketingSet
    reason: marketing events go to a vendor webhook (TICKET-12)
    expires: 2999-01-31
  - policy: SES-IAM-001
    resource: MarketingSender
    reason: old exception
    expires: 2001-01-01
  - policy: SES-CS-001
    resource: TransactionalSet
    reason: no longer needed
    expires: 2999-01-01
""",
    )
    report_dir = pytester.path / "out"
    result = run_checks(pytester, "--templates", str(templates), "--report-dir", str(report_dir), "-rxX")
    doc = findings(report_dir)
    rows = rows_by_id(doc)
    assert rows[f"SES-CS-001::{MARKETING}MarketingSet"]["status"] == "waived"
    assert rows[f"SES-CS-001::{MARKETING}MarketingSet"]["waiver"]["state"] == "active"
    expired = rows[f"SES-IAM-001::{MARKETING}MarketingSender"]
    assert expired["status"] == "fail" and expired["waiver"]["state"] == "expired"
    assert "waiver expired on 2001-01-01" in expired["message"]
    assert rows[f"SES-CS-001::{TRANSACTIONAL}TransactionalSet"]["waiver"]["state"] == "stale"
    states = {(w["policy_id"], w["resource"]): w["state"] for w in doc["waivers"]}
    assert states[("SES-CS-001", "TransactionalSet")] == "stale"
    assert doc["summary"]["stale_waivers"] == 1 and doc["summary"]["expired_waivers"] == 1
    assert doc["run"]["fail_on"] == "high"
    result.stdout.fnmatch_lines(["*XFAIL*SES-CS-001::*MarketingSet*waived until 2999-01-31*TICKET-12*"])
    result.stdout.fnmatch_lines(["*stale waiver: SES-CS-001::*TransactionalSet*"])
    # the waivers name rows by their former id (the bare logical ID): they still match, loudly
    result.stdout.fnmatch_lines(
        [
            f"*renamed row: waiver SES-CS-001::MarketingSet matched SES-CS-001::{MARKETING}MarketingSet"
            " by its former id; write the new id*"
        ]
    )
    renamed = {w["resource"]: w.get("renamed_to") for w in doc["waivers"]}
    assert renamed["MarketingSender"] == f"SES-IAM-001::{MARKETING}MarketingSender"
    assert result.ret == 1  # the expired waiver's critical failure still fails the run


def test_below_threshold_failures_are_reported_but_do_not_fail(
    pytester: pytest.Pytester, templates: Path
) -> None:
    report_dir = pytester.path / "out"
    result = run_checks(
        pytester,
        "--templates",
        str(templates / "marketing-mail.yaml"),
        "--report-dir",
        str(report_dir),
        "--fail-on",
        "critical",
        "-k",
        "SES-CS-001",
    )
    assert result.ret == 0, result.stdout.str()
    row = rows_by_id(findings(report_dir))[f"SES-CS-001::{MARKETING}MarketingSet"]
    assert row["status"] == "fail" and row["fails_build"] is False
    result.stdout.fnmatch_lines(["*1 xfailed*"])


def test_compliant_set_exits_zero(pytester: pytest.Pytester, templates: Path) -> None:
    report_dir = pytester.path / "out"
    result = run_checks(
        pytester,
        "--templates",
        str(templates / "transactional-mail.yaml"),
        "--report-dir",
        str(report_dir),
        "-k",
        "SES-CS-001 or SES-IAM-001",
    )
    assert result.ret == 0, result.stdout.str()
    assert findings(report_dir)["summary"]["verdict"] == "compliant"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("fail_on: severe\n", "sesguard.yaml:1: fail_on: 'severe' is not one of"),
        (
            "waivers:\n  - policy: SES-CS-001\n    resource: X\n    expires: 2030-01-01\n",
            "sesguard.yaml:2: waivers[[]0[]]: 'reason' is required",
        ),
        (
            "parameters:\n  SES-CS-001:\n    required_event_type: [BOUNCE]\n",
            "parameters.SES-CS-001.required_event_type: unknown parameter",
        ),
        ("disabled: [SES-NOPE-001]\n", "disabled: unknown policy ID 'SES-NOPE-001'"),
        ("fail_on: [\n", "sesguard.yaml:2: invalid YAML"),
    ],
)
def test_bad_config_stops_with_one_line(
    pytester: pytest.Pytester, templates: Path, content: str, expected: str
) -> None:
    (pytester.path / "sesguard.yaml").write_text(content)
    result = run_checks(pytester, "--templates", str(templates))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{expected}*"])


def test_bad_policies_are_one_line_each_and_every_other_policy_still_runs(
    pytester: pytest.Pytester, templates: Path
) -> None:
    """A policy that fails its schema, one whose path names no property, one that is not YAML: each is one
    line ``FILE:LINE: what`` on the terminal and in findings.json's ``input_problems``; every other
    policy's rows are evaluated and reported; the run exits 4 (bad input)."""
    policies = pytester.path / "policies"
    shutil.copytree(REPO / "policies", policies)
    text = (policies / "SES-CS-001.yaml").read_text()
    (policies / "SES-CS-001.yaml").write_text(
        text.replace(
            "assert:\n  path: enabled_event_types\n",
            "assert:\n  all:\n  - path: x\n    op: exists\n  - path: enabled_event_types\n",
        ).replace("  op: contains_all\n", "", 1)
    )
    text = (policies / "SES-CS-002.yaml").read_text()
    (policies / "SES-CS-002.yaml").write_text(text.replace("  path: tls_policy\n", "  path: tls_polcy\n", 1))
    (policies / "SES-CS-003.yaml").write_text("id: SES-CS-003\ntitle: [unclosed\n")
    report_dir = pytester.path / "out"
    result = run_checks(
        pytester, "--templates", str(templates), "--policies", str(policies), "--report-dir", str(report_dir)
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    expected = [
        ("SES-CS-001", "assert.all[[]1[]]: 'op' is required"),
        (
            "SES-CS-002",
            "assert.path: 'tls_polcy' names no property of configuration_set; did you mean 'tls_policy'?",
        ),
        ("SES-CS-003", "invalid YAML: "),
    ]
    result.stdout.fnmatch_lines(
        [f"ERROR  policies/{p}.yaml:*: {what}*(policy not loaded*" for p, what in expected]
    )
    for policy, _ in expected:
        assert result.stdout.str().count(f"policies/{policy}.yaml:") == 1  # said once
    doc = findings(report_dir)
    problems = {p["file"]: p for p in doc["input_problems"] if p["source"] == "policy"}
    assert sorted(problems) == [f"policies/{p}.yaml" for p, _ in expected]
    line = problems["policies/SES-CS-002.yaml"]["line"]
    assert "tls_polcy" in (policies / "SES-CS-002.yaml").read_text().splitlines()[line - 1]
    ran = {row["policy_id"] for row in doc["findings"]}
    assert not ran & {p for p, _ in expected}
    assert {"SES-CS-004", "SES-IAM-001", "SES-ID-001"} <= ran  # the others ran and were reported
    assert (report_dir / "report.html").exists()


def test_duplicate_policy_id_is_an_error(pytester: pytest.Pytester, templates: Path) -> None:
    policies = pytester.path / "policies"
    shutil.copytree(REPO / "policies", policies)
    shutil.copy(policies / "SES-CS-001.yaml", policies / "SES-CS-001.yml")
    result = run_checks(pytester, "--templates", str(templates), "--policies", str(policies))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(["ERROR  *SES-CS-001.yml: id: duplicate policy ID 'SES-CS-001'*"])


def test_policy_id_must_match_its_file_name(pytester: pytest.Pytester, templates: Path) -> None:
    policies = pytester.path / "policies"
    shutil.copytree(REPO / "policies", policies)
    shutil.copy(policies / "SES-CS-001.yaml", policies / "SES-CS-009.yaml")
    result = run_checks(pytester, "--templates", str(templates), "--policies", str(policies))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(["ERROR  *SES-CS-009.yaml:1: id: 'SES-CS-001' does not match the file name*"])


def test_a_policy_folder_without_one_good_policy_stops_the_run(
    pytester: pytest.Pytester, templates: Path
) -> None:
    policies = pytester.path / "policies"
    policies.mkdir()
    shutil.copy(REPO / "policies" / "schema.json", policies)
    (policies / "SES-CS-001.yaml").write_text("id: SES-CS-001\ntitle: [unclosed\n")
    result = run_checks(pytester, "--templates", str(templates), "--policies", str(policies))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*SES-CS-001.yaml:*: invalid YAML*"])


def test_no_source_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run_checks(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(["*choose what to check*"])


def test_settings_from_pyproject_tool_table(pytester: pytest.Pytester, templates: Path) -> None:
    pytester.makepyprojecttoml('[tool.sesguard]\nfail_on = "critical"\ndisabled = ["SES-IAM-001"]\n')
    report_dir = pytester.path / "out"
    result = run_checks(
        pytester,
        "--templates",
        str(templates),
        "--report-dir",
        str(report_dir),
        "-k",
        "SES-CS-001 or SES-IAM-001",
    )
    doc = findings(report_dir)
    assert doc["run"]["fail_on"] == "critical" and doc["run"]["config_file"].endswith("pyproject.toml")
    assert not [r for r in doc["findings"] if r["policy_id"] == "SES-IAM-001"]
    assert result.ret == 0  # the high SES-CS-001 failure is below fail_on


def test_report_formats_through_the_plugin(pytester: pytest.Pytester, templates: Path) -> None:
    report_dir = pytester.path / "out"
    run_checks(
        pytester,
        "--templates",
        str(templates),
        "--report-dir",
        str(report_dir),
        "--report-format",
        "json,sarif,junit,markdown,html",
    )
    for name in ("findings.json", "findings.sarif", "junit.xml", "report.md", "report.html", "history.jsonl"):
        assert (report_dir / name).is_file(), name
    sarif = json.loads((report_dir / "findings.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert any(r["ruleId"] == "SES-CS-001" for r in results)
    bad = run_checks(pytester, "--templates", str(templates), "--report-format", "pdf")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["*--report-format: unknown report format pdf*"])


def test_last_failed_reruns_exactly_the_failing_rows(pytester: pytest.Pytester, templates: Path) -> None:
    args = (
        str(CHECKS),
        "-p",
        "sesguard.plugin",
        "--templates",
        str(templates),
        "-o",
        f"cache_dir={pytester.path / '.cache'}",
    )
    first = pytester.runpytest_subprocess(*args, "--report-dir", str(pytester.path / "first"))
    failing = {r["id"] for r in findings(pytester.path / "first")["findings"] if r["fails_build"]}
    again = pytester.runpytest_subprocess(*args, "--lf", "--report-dir", str(pytester.path / "again"))
    assert first.ret == again.ret == 1
    rerun = {r["id"] for r in findings(pytester.path / "again")["findings"]}
    assert rerun == failing


def test_unreadable_snapshot_is_a_usage_error(pytester: pytest.Pytester) -> None:
    snapshot = pytester.path / "inventory.json"
    snapshot.write_text('{"format": "something-else"}')
    result = run_checks(pytester, "--inventory", str(snapshot))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*inventory.json: not a sesguard inventory snapshot*"])
