"""sesguard's short run protocol (:mod:`sesguard.runtest`) against pytest's full one, as users see them.

The same rows run twice: through the short protocol, and through pytest's full protocol (forced by a
plugin's autouse fixture, which the short protocol honours). Every report pytest's consumers get (a
plugin records them), the JUnit XML, the terminal and the exit code must be the same.
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

pytest_plugins = ("pytester",)

RECORDER = """
import json, os
import pytest

REPORTS = []


def pytest_runtest_logreport(report):
    crash = getattr(report.longrepr, "reprcrash", None)
    REPORTS.append({
        "nodeid": report.nodeid, "when": report.when, "outcome": report.outcome,
        "location": list(report.location), "keywords": sorted(report.keywords),
        "longrepr": list(report.longrepr) if isinstance(report.longrepr, tuple) else str(report.longrepr),
        "crash": None if crash is None else [crash.path, crash.lineno, crash.message],
        "user_properties": [list(p) for p in report.user_properties], "sections": report.sections,
        "wasxfail": getattr(report, "wasxfail", None), "duration_ok": report.duration >= 0 and report.stop >= report.start,
    })


def pytest_sessionfinish(session):
    with open(os.environ["REPORTS_OUT"], "w") as out:
        json.dump(REPORTS, out)
"""

FULL_PROTOCOL = """

@pytest.fixture(autouse=True)
def nothing_to_set_up():
    yield
"""

WAIVERS = """
waivers:
  - {policy: SES-CS-001, resource: MarketingSet, reason: events go to a vendor webhook (T-12), expires: 2999-01-31}
  - {policy: SES-CS-001, resource: TransactionalSet, reason: no longer needed, expires: 2999-01-01}
"""


def _run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str, *args: str
) -> tuple[pytest.RunResult, list[dict[str, Any]], str]:
    out = pytester.path / name
    out.mkdir()
    monkeypatch.setenv("REPORTS_OUT", str(out / "reports.json"))
    result = pytester.runpytest_subprocess(
        "--templates", "templates", "broken.yaml", "--waivers", "waivers.yaml", "--report-dir", str(out),
        f"--junitxml={out}/pytest.xml", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "recorder", *args,
    )  # fmt: skip
    reports = json.loads((out / "reports.json").read_text())
    junit = re.sub(r' (time|timestamp|hostname)="[^"]*"', "", (out / "pytest.xml").read_text())
    return result, reports, junit


def _terminal(result: pytest.RunResult, name: str) -> list[str]:
    """The output without what differs between two runs (times, the report folder's name)."""
    lines = (re.sub(r" in [0-9.]+s( \([0-9:]+\))?", "", line).strip("= ") for line in result.stdout.lines)
    return [line.replace(f"/{name}/", "/out/") for line in lines]


@pytest.mark.parametrize("options", [(), ("-v", "-rA"), ("--tb=line", "-rfEsxX")])
def test_the_short_protocol_reports_what_pytests_full_protocol_reports(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "templates")
    (pytester.path / "waivers.yaml").write_text(WAIVERS)
    (pytester.path / "broken.yaml").write_text(
        "Resources:\n  Id:\n    Type: AWS::SES::EmailIdentity\n    Properties: {EmailIdentity: !Ref Missing}\n"
    )
    pytester.syspathinsert()
    (pytester.path / "recorder.py").write_text(RECORDER)
    short, short_reports, short_junit = _run(pytester, monkeypatch, "short", *options)
    (pytester.path / "recorder.py").write_text(RECORDER + FULL_PROTOCOL)
    full, full_reports, full_junit = _run(pytester, monkeypatch, "full", *options)

    outcomes = {(r["when"], r["outcome"], r["wasxfail"] is not None) for r in short_reports}
    # every kind of row: passed, failed, skipped, waived (xfail), not evaluated (setup error)
    assert {("call", "passed", False), ("call", "failed", False), ("call", "skipped", False)} <= outcomes
    assert {("call", "skipped", True), ("setup", "failed", False), ("teardown", "passed", False)} <= outcomes
    assert all(r["duration_ok"] for r in short_reports)
    assert short_reports == full_reports
    assert short_junit == full_junit
    assert short.ret == full.ret == 1
    assert _terminal(short, "short") == _terminal(full, "full")
    assert "stale waiver" in short.stdout.str()


PROBE = """
import os

FULL = []


def pytest_runtest_logreport(report):
    # pytest's full protocol names the test in PYTEST_CURRENT_TEST during each phase (and its report)
    if report.when == "call" and os.environ.get("PYTEST_CURRENT_TEST", "").startswith(report.nodeid):
        FULL.append(report.nodeid)


def pytest_sessionfinish(session):
    with open(os.environ["PROBE_OUT"], "w") as out:
        out.write(str(len(FULL)))
"""

PHASE_HOOK = """
import os

CALLS = []


def pytest_runtest_call(item):
    CALLS.append(item.nodeid)


def pytest_sessionfinish(session):
    with open(os.environ["PHASE_OUT"], "w") as out:
        out.write(str(len(CALLS)))
"""


def test_rows_take_the_full_protocol_only_when_something_could_tell(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows take the short protocol unless a fixture, a marker, another plugin's (or a conftest's)
    phase hook or an option such as ``--setup-show`` could tell the difference."""
    shutil.copytree(EXAMPLES, pytester.path / "templates")
    pytester.makepyfile(rowprobe=PROBE, rowphase=PHASE_HOOK)
    pytester.syspathinsert()
    probe, phase = pytester.path / "full", pytester.path / "phase"
    monkeypatch.setenv("PROBE_OUT", str(probe))
    monkeypatch.setenv("PHASE_OUT", str(phase))

    def full_protocol_rows(*args: str) -> int:
        result = pytester.runpytest_subprocess("-p", "rowprobe", "--templates", "templates", *args)
        assert result.ret == 1, result.stdout.str()
        return int(probe.read_text())

    assert full_protocol_rows() == 0  # pytest-randomly (installed with the tests) does not count
    assert full_protocol_rows("--setup-show") > 50
    assert full_protocol_rows("-p", "rowphase") > 50
    assert int(phase.read_text()) > 50  # the plugin's phase hook saw every row
    pytester.makepyfile(
        rowfixture="import pytest\n\n@pytest.fixture(autouse=True)\ndef around():\n    yield\n"
    )
    assert full_protocol_rows("-p", "rowfixture") > 50
    (pytester.path / "conftest.py").write_text(
        "import pytest\n\ndef pytest_collection_modifyitems(items):\n"
        "    for item in items:\n        item.add_marker(pytest.mark.slow)\n"
    )
    assert full_protocol_rows() > 50
    # a project's conftest hooking a phase of the rows beside it (the checks re-exported locally) gets them
    (pytester.path / "conftest.py").write_text(PHASE_HOOK)
    pytester.makepyfile(test_rows="from sesguard.checks.test_policies import test_policy\n")
    phase.unlink()
    assert full_protocol_rows("test_rows.py") > 50
    assert int(phase.read_text()) > 50


def test_a_run_with_the_projects_own_tests_sets_up_and_tears_down_as_pytest_does(
    pytester: pytest.Pytester,
) -> None:
    """The project's session fixture, used before the rows, is finalized once, after the last row."""
    shutil.copytree(EXAMPLES, pytester.path / "templates")
    pytester.makepyfile(
        test_mine="""
        import os
        import pytest

        @pytest.fixture(scope="session")
        def resource():
            yield "r"
            with open("finalized", "a") as out:
                out.write("once\\n")

        def test_mine(resource):
            assert resource == "r"
        """
    )
    result = pytester.runpytest_subprocess(
        "test_mine.py", "--pyargs", "sesguard.checks", "--templates", "templates", "-p", "no:randomly", "-v"
    )
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*test_mine.py::test_mine PASSED*"])
    assert (pytester.path / "finalized").read_text() == "once\n"
    rows = [
        line
        for line in result.stdout.lines
        if re.search(r"::test_policy\[SES-.*\] (PASSED|FAILED|SKIPPED|ERROR)", line)
    ]
    assert len(rows) > 50
    junit = pytester.path / "j.xml"
    pytester.runpytest_subprocess(
        "test_mine.py", "--pyargs", "sesguard.checks", "--templates", "templates", "-p", "no:randomly",
        f"--junitxml={junit}",
    )  # fmt: skip
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert len(cases) == len(rows) + 1


CRASHER = """
import sesguard.checks.test_policies as checks

real = checks.check_finding


def crash_on_cs002(finding):
    if finding.policy_id == "SES-CS-002":
        raise RuntimeError("a bug in a check")
    real(finding)


def pytest_configure(config):
    checks.check_finding = crash_on_cs002
"""


def test_a_crash_in_a_check_fails_its_row_as_pytest_would_and_the_run_goes_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "templates")
    (pytester.path / "waivers.yaml").write_text(WAIVERS)
    (pytester.path / "broken.yaml").write_text("Resources: {}\n")
    pytester.syspathinsert()
    (pytester.path / "crasher.py").write_text(CRASHER)
    (pytester.path / "recorder.py").write_text(RECORDER)
    short, short_reports, short_junit = _run(pytester, monkeypatch, "short", "-p", "crasher", "-v")
    (pytester.path / "recorder.py").write_text(RECORDER + FULL_PROTOCOL)
    full, full_reports, full_junit = _run(pytester, monkeypatch, "full", "-p", "crasher", "-v")
    crashed = [r for r in short_reports if "RuntimeError: a bug in a check" in r["longrepr"]]
    assert crashed and all(r["when"] == "call" and r["outcome"] == "failed" for r in crashed)
    assert all("SES-CS-002" in r["nodeid"] and r["crash"][2].startswith("[") for r in crashed)  # the row line
    assert short_reports == full_reports
    assert short_junit == full_junit
    assert short.ret == full.ret == 1
    assert "INTERNALERROR" not in short.stdout.str()
    assert _terminal(short, "short") == _terminal(full, "full")
