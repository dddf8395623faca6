"""The ``sesguard`` command line: help, policies, the pytest command it runs, report, demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sesguard import cli
from sesguard.policies import default_policy_dir

from .conftest import ROOT, load_fixture

CLI = [sys.executable, "-c", "import sys; from sesguard.cli import main; sys.exit(main(sys.argv[1:]))"]


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The pytest command lines the CLI would run (nothing runs)."""
    ran: list[list[str]] = []

    def fake(command: list[str], env: dict[str, str] | None = None, to_stderr: bool = False) -> int:
        ran.append(list(command))
        return 7

    monkeypatch.setattr(cli, "run_pytest", fake)
    return ran


def test_help_explains_each_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for command in ("scan", "iac", "report", "policies", "local", "demo"):
        assert f"\n  {command} " in text
    for command, phrase in (
        ("scan", "--assume-role"),
        ("iac", "plan JSON"),
        ("report", "history.jsonl"),
        ("policies", "rationale"),
        ("demo", "read-only"),
    ):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        assert phrase in capsys.readouterr().out, command


def test_scan_passes_its_options_to_pytest(commands: list[list[str]]) -> None:
    code = cli.main([
        "scan", "--profile", "prod", "--regions", "us-east-1,eu-west-1", "--assume-role", "Audit",
        "--organization", "--dns", "--inventory-out", "snap.json", "--report-dir", "out",
        "--report-format", "json,sarif", "--fail-on", "high", "--config", "s.yaml",
        "--waivers", "a.yaml", "--waivers", "b.yaml", "--", "-k", "SES-IAM", "-x",
    ])  # fmt: skip
    assert code == 7  # pytest's exit code, unchanged
    assert commands == [[
        sys.executable, "-m", "pytest", str(cli.checks_dir()), "-p", "sesguard.plugin",
        "--aws", "--profile", "prod", "--regions", "us-east-1,eu-west-1", "--assume-role", "Audit",
        "--organization", "--dns", "--inventory-out", "snap.json",
        "--report-dir", "out", "--report-format", "json,sarif", "--config", "s.yaml", "--fail-on", "high",
        "--waivers", "a.yaml", "--waivers", "b.yaml", "-k", "SES-IAM", "-x",
    ]]  # fmt: skip


def test_scan_of_a_snapshot_reads_no_aws(commands: list[list[str]]) -> None:
    cli.main(["scan", "--inventory", "snap.json"])
    assert commands[0][6:] == ["--inventory", "snap.json"]


def test_iac(commands: list[list[str]]) -> None:
    cli.main(["iac", "infra/", "stack.yaml", "--fail-on", "critical"])
    assert commands[0][6:] == ["--templates", "infra/", "stack.yaml", "--fail-on", "critical"]


def test_the_checks_ship_with_the_package() -> None:
    assert (cli.checks_dir() / "test_policies.py").is_file()


def test_run_pytest_returns_the_child_exit_code() -> None:
    assert cli.run_pytest([sys.executable, "-c", "raise SystemExit(3)"]) == 3


def test_policies_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["policies"]) == 0
    out = capsys.readouterr().out
    shipped = sorted(p.stem for p in default_policy_dir().glob("*.yaml"))
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("SES-")]
    assert listed == shipped
    assert "SES-IAM-001   critical  live,cfn,tf  Sending IAM user with access keys can only send email" in out
    assert cli.main(["policies", "--source", "live", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all("live" in r["sources"] for r in rows)


def test_policies_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["policies", "show", "ses-iam-001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SES-IAM-001: Sending IAM user with access keys can only send email\n")
    assert "severity critical · resource iam_principal · sources live, cfn, tf" in out
    for section in (
        "Description:",
        "Rationale:",
        "Remediation:",
        "  Console:",
        "  AWS CLI:",
        "  CloudFormation:",
        "  Terraform:",
        "References:",
    ):
        assert f"\n{section}" in out, section
    assert "Vulnerable Site Review Period" in out  # the rationale


def test_policies_show_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    with_parameters = [
        p.stem
        for p in sorted(default_policy_dir().glob("*.yaml"))
        if "\nparameters:" in p.read_text(encoding="utf-8")
    ]
    assert with_parameters, "the shipped policies have parameters (SES-CS-001 ...): this test reads them"
    assert cli.main(["policies", with_parameters[0]]) == 0
    assert "\nParameters (set in sesguard.yaml):\n  " in capsys.readouterr().out


def test_policies_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["policies", "SES-IAM-01"]) == 4
    assert "no policy 'SES-IAM-01' (did you mean SES-IAM-0" in capsys.readouterr().err


def test_report_rebuilds_from_findings_and_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", "--report-dir", str(tmp_path)]) == 4
    assert "findings.json not found" in capsys.readouterr().err
    (tmp_path / "findings.json").write_text(json.dumps(load_fixture("live-run")), encoding="utf-8")
    assert cli.main(["report", "--report-dir", str(tmp_path), "--report-format", "all"]) == 0
    out = capsys.readouterr().out
    for name in (
        "history.jsonl",
        "findings.sarif",
        "junit.xml",
        "report.md",
        "report.html",
        "review/index.md",
    ):
        assert f"report: {tmp_path / name}" in out
    assert cli.main(["report", "--report-dir", str(tmp_path), "--report-format", "markdown"]) == 0
    assert len((tmp_path / "history.jsonl").read_text(encoding="utf-8").splitlines()) == 1
    assert cli.main(["report", "--report-dir", str(tmp_path), "--report-format", "pdf"]) == 4
    assert "unknown report format pdf" in capsys.readouterr().err


def test_iac_runs_pytest_and_writes_the_reports(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    done = subprocess.run(
        [*CLI, "iac", str(ROOT / "examples" / "templates"), "--report-dir", str(reports),
         "--report-format", "json,sarif,markdown,junit", "--", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # the examples have violations
    doc = json.loads((reports / "findings.json").read_text(encoding="utf-8"))
    assert doc["summary"]["verdict"] == "non-compliant"
    for name in ("findings.sarif", "report.md", "junit.xml", "history.jsonl"):
        assert (reports / name).is_file(), name
    assert not (reports / "report.html").exists()


@pytest.mark.live
def test_demo_scans_the_demo_account(tmp_path: Path) -> None:
    pytest.importorskip("moto", reason="the demo needs the 'local' extra")
    reports = tmp_path / "reports"
    done = subprocess.run(
        [*CLI, "demo", "--report-dir", str(reports), "--report-format", "json,html,markdown", "--", "-q",
         "-p", "no:cacheprovider"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # the demo account has violations on purpose
    assert "sesguard demo: account 123456789012" in done.stdout
    doc = json.loads((reports / "findings.json").read_text(encoding="utf-8"))
    assert {r["region"] for r in doc["rates"]} == {"us-east-1", "eu-west-1"}
    assert (reports / "report.html").is_file() and (reports / "report.md").is_file()
    statuses = {r["region"]: r["enforcement_status"] for r in doc["rates"]}
    if statuses.get("eu-west-1") != "HEALTHY":
        assert (reports / "review" / "reputation-123456789012-eu-west-1.md").is_file()


def test_demo_environment_points_only_at_the_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prod")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", "https://example.invalid")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    env: dict[str, Any] = cli.demo_env({"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, "AKIDEMO", "secret")
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1"
    assert env["AWS_ACCESS_KEY_ID"] == "AKIDEMO"
    assert not {"AWS_PROFILE", "AWS_ENDPOINT_URL_SESV2", "AWS_SESSION_TOKEN"} & set(env)
