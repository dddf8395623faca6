"""Bad usage is one line and exit code 4, in ``pytest checks/`` runs and the ``sesguard`` command alike."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sesguard import cli

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"
EXAMPLES = REPO / "examples" / "templates"
SESGUARD = Path(sys.executable).with_name("sesguard")

pytest_plugins = ("pytester",)


def run_checks(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "sesguard.plugin", "-p", "no:cacheprovider", *args)


def template(pytester: pytest.Pytester) -> Path:
    path = pytester.path / "t.yaml"
    shutil.copyfile(EXAMPLES / "transactional-mail.yaml", path)
    return path


def test_a_malformed_waiver_date_is_one_line_naming_file_and_line(pytester: pytest.Pytester) -> None:
    waivers = pytester.path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - policy: SES-ID-002\n    resource: X\n    reason: ticket 12\n    expires: 2027-13-31\n"
    )
    result = run_checks(pytester, str(CHECKS), "--templates", str(template(pytester)), "--waivers", str(waivers))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.stderr.fnmatch_lines([f"*{waivers}:5: waivers[[]0[]].expires: '2027-13-31' is not a 'date'"])


def test_a_malformed_date_in_the_config_file_is_a_usage_error_too(pytester: pytest.Pytester) -> None:
    config = pytester.path / "sesguard.yaml"
    config.write_text(
        "waivers:\n  - {policy: SES-ID-002, resource: X, reason: ticket 12, expires: 2027-02-30}\n"
    )
    result = run_checks(pytester, str(CHECKS), "--templates", str(template(pytester)))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*sesguard.yaml:2: waivers[[]0[]].expires: '2027-02-30' is not a 'date'"])


def test_a_valid_waiver_date_still_waives(pytester: pytest.Pytester) -> None:
    path = pytester.path / "m.yaml"
    shutil.copyfile(EXAMPLES / "marketing-mail.yaml", path)
    (pytester.path / "sesguard.yaml").write_text(
        "waivers:\n  - {policy: SES-CS-001, resource: m.yaml:MarketingSet, reason: ticket 12, expires: 2999-01-31}\n"
    )
    out = pytester.path / "out"
    run_checks(pytester, str(CHECKS), "--templates", str(path), "--report-dir", str(out))
    rows = {r["id"]: r for r in json.loads((out / "findings.json").read_text())["findings"]}
    assert rows["SES-CS-001::m.yaml:MarketingSet"]["status"] == "waived"
    assert rows["SES-CS-001::m.yaml:MarketingSet"]["waiver"]["expires"] == "2999-01-31"


def test_a_missing_template_path_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run_checks(pytester, str(CHECKS), "--templates", str(template(pytester)), "infra/typo.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--templates: infra/typo.yaml: no such file or directory"])
    assert "ERROR" not in result.stdout.str()


def test_test_paths_after_templates_go_to_pytest_not_to_the_template_sets(pytester: pytest.Pytester) -> None:
    # the README's layout: a checkout with conftest.py and checks/, and the project's own tests/
    shutil.copytree(CHECKS, pytester.path / "checks")
    if (REPO / "conftest.py").exists():  # the plugin is also loaded by its pytest11 entry point
        shutil.copyfile(REPO / "conftest.py", pytester.path / "conftest.py")
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    # the project's tests: collected (and failing) only if `checks/` is swallowed by --templates
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_own.py").write_text("def test_own():\n    raise AssertionError('collected')\n")
    out = pytester.path / "out"
    template(pytester)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--templates", "t.yaml", "checks/", "--report-dir", str(out)
    )
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert "test_unrelated" not in result.stdout.str()
    doc = json.loads((out / "findings.json").read_text())
    assert doc["run"]["inputs"] == ["t.yaml"]
    assert {row["resource"]["set"] for row in doc["findings"]} == {"t.yaml"}
    assert "test_own" not in result.stdout.str()


def test_the_first_path_after_templates_is_always_a_template_set(pytester: pytest.Pytester) -> None:
    """``--templates .`` in a project with a conftest.py reads the project's templates."""
    pytester.makeconftest("")
    template(pytester)
    out = pytester.path / "out"
    result = run_checks(pytester, str(CHECKS), "--templates", ".", "--report-dir", str(out))
    assert result.ret == 0, result.stdout.str()[-2000:]
    doc = json.loads((out / "findings.json").read_text())
    assert doc["run"]["inputs"] == ["."]
    assert any(row["resource"].get("file", "").endswith("t.yaml") for row in doc["findings"] if row["resource"].get("file"))


def test_trailing_template_values() -> None:
    from sesguard.plugin import _trailing_template_values

    assert _trailing_template_values(["--templates", "a.yaml", "checks/", "-k", "x", "tests/"]) == {"checks/"}
    assert _trailing_template_values(["checks/", "--templates=a.yaml", "b/", "--aws"]) == {"b/"}
    assert _trailing_template_values(["--templates", "."]) == set()


def test_sarif_alone_still_writes_findings_json_and_all_is_every_format(pytester: pytest.Pytester) -> None:
    for formats, expected in (("sarif", {"findings.json", "findings.sarif"}), ("all", None)):
        out = pytester.path / f"out-{formats}"
        result = run_checks(
            pytester, str(CHECKS), "--templates", str(template(pytester)), "--report-dir", str(out),
            "--report-format", formats,
        )  # fmt: skip
        assert result.ret == 0, result.stderr.str()
        written = {p.name for p in out.iterdir()}
        if expected is not None:
            assert expected <= written and "report.html" not in written
        else:
            assert {"findings.json", "findings.sarif", "junit.xml", "report.md", "report.html"} <= written


def test_an_unknown_report_format_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run_checks(pytester, str(CHECKS), "--templates", str(template(pytester)), "--report-format", "pdf")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--report-format: unknown report format pdf*"])


@pytest.mark.parametrize(
    "argv",
    [
        ["iac"],  # no path
        ["scan", "--no-such-option"],
        ["policies", "--source", "cloud"],
        ["nonsense"],
        ["report", "--report-dir", "/nonexistent-sesguard-dir"],
        ["policies", "SES-NOPE-001"],
    ],
    ids=lambda a: " ".join(a),
)
def test_the_sesguard_command_exits_4_on_bad_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 4
    err = capsys.readouterr().err
    assert err.strip(), "a usage error says what is wrong"


def test_sesguard_local_exits_4_on_bad_usage() -> None:
    result = subprocess.run([str(SESGUARD), "local", "--port", "x"], capture_output=True, text=True, check=False)
    assert result.returncode == 4 and "invalid int value" in result.stderr


def test_sesguard_report_accepts_all(tmp_path: Path) -> None:
    from sesguard.findings.writers import REPORT_FORMATS, parse_formats

    assert parse_formats("all") == REPORT_FORMATS
    assert parse_formats("sarif,ALL") == REPORT_FORMATS
