"""Settings, waiver and policy files that are hostile or careless (alias bombs, FIFOs, a config that
turns everything off) and report folders that cannot be written: one line naming the file, exit 4,
in bounded time and memory; never a traceback, never a green run that checked nothing."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from sesguard.policies import default_policy_dir

from .harness import CHECKS, FIXTURES, MEMORY_LIMIT_BYTES, run_checks, run_checks_as_nobody, run_command

MINIMAL = FIXTURES / "cfn_ses_minimal"
SETTINGS = FIXTURES / "settings"


@pytest.mark.parametrize("where", ["sesguard.yaml", "--config", "--waivers", "--policies"])
def test_a_yaml_alias_bomb_is_refused_quickly_with_one_line(tmp_path: Path, where: str) -> None:
    """Nine levels of nine aliases under a key the schema knows: 9^9 strings once expanded (3.4 GB and
    minutes before: the schema's message quoted the whole value)."""
    args = ["--templates", str(MINIMAL)]
    if where == "sesguard.yaml":
        shutil.copy(SETTINGS / "alias-bomb.yaml", tmp_path / "sesguard.yaml")
        shown = str(tmp_path / "sesguard.yaml")
    elif where == "--policies":
        policies = tmp_path / "policies"
        shutil.copytree(Path(__file__).resolve().parents[2] / "sesguard" / "data" / "policies", policies)
        shutil.copy(SETTINGS / "alias-bomb-policy.yaml", policies / "SES-ZZZ-999.yaml")
        args += ["--policies", str(policies)]
        shown = "SES-ZZZ-999.yaml"
    else:
        bomb = SETTINGS / ("alias-bomb-waivers.yaml" if where == "--waivers" else "alias-bomb.yaml")
        args += [where, str(bomb)]
        shown = str(bomb)
    # A bad policy file is reported and the other policies still run (and write every report): that run
    # is in the time too. Expanding the bomb would take minutes and gigabytes.
    limit = 60 if where == "--policies" else 30
    run = run_checks(tmp_path, *args, timeout=limit * 2)
    assert run.code == 4
    line = run.one_line("YAML aliases expand to more than 100,000 nodes (an alias bomb?); not read")
    assert shown in line
    assert run.seconds < limit
    assert run.max_rss_bytes < MEMORY_LIMIT_BYTES / 4


def test_a_fifo_as_config_or_waiver_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "sesguard.yaml"  # also the config found in the folder the run starts in
    os.mkfifo(fifo)
    for option in ("--config", "--waivers", None):
        given = [option, str(fifo)] if option else []
        run = run_checks(tmp_path, "--templates", str(MINIMAL), *given, timeout=60)
        assert run.code == 4
        run.one_line(f"{fifo}: cannot read: {fifo} is not a regular file; it is not read")


def test_a_config_that_disables_every_policy_is_one_line_exit_4(tmp_path: Path) -> None:
    config = tmp_path / "sesguard.yaml"
    shipped = sorted(
        path.stem for path in default_policy_dir().glob("*.yaml")
    )  # a new policy needs no edit here
    assert len(shipped) > 30
    config.write_text(
        "# Every shipped policy turned off: nothing would be checked.\ndisabled: ["
        + ", ".join(shipped)
        + "]\n"
    )
    run = run_checks(tmp_path, "--templates", str(MINIMAL), timeout=60)
    assert run.code == 4
    run.one_line(
        f"sesguard: {config}: 'disabled' turns off all {len(shipped)} policies; nothing would be checked"
    )
    assert run.reports == {}


def test_a_report_dir_that_is_a_file_is_one_line_exit_4_after_the_results(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder\n")
    argv = [sys.executable, "-m", "pytest", str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
            "--templates", str(MINIMAL), "--report-dir", str(blocker / "out")]  # fmt: skip
    run = run_command(argv, tmp_path, timeout=60)
    assert run.code == 4
    line = run.one_line(f"sesguard: --report-dir {blocker / 'out'}: cannot write the reports")
    assert line.endswith(f"({blocker} is a file, not a folder)")
    lines = run.output.splitlines()
    verdict = next(i for i, text in enumerate(lines) if text.startswith("verdict: "))
    assert verdict < lines.index(line)  # the results first, then why no report exists
    assert any(text.startswith("FAILED SES-") for text in lines[:verdict])  # the failure details


def test_create_baseline_into_a_file_path_is_one_line_exit_4(tmp_path: Path) -> None:
    blocker = tmp_path / "baselines"
    blocker.write_text("not a folder\n")
    run = run_checks(tmp_path, "--templates", str(MINIMAL), "--create-baseline", str(blocker / "b.json"))
    assert run.code == 4
    run.one_line(f"sesguard: --create-baseline {blocker / 'b.json'}: cannot write it ({blocker} is a file")
    assert "findings.json" in run.reports  # the reports themselves were written


@pytest.mark.skipif(os.geteuid() != 0, reason="runs the check as another user (needs root to switch)")
def test_a_read_only_report_dir_is_one_line_exit_4_after_the_results() -> None:
    base = Path("/tmp") / f"sesguard-adversarial-ro-{os.getpid()}"
    shutil.rmtree(base, ignore_errors=True)
    try:
        base.mkdir()
        os.chmod(base, 0o777)
        (base / "out").mkdir(mode=0o755)  # root's: nobody cannot write into it
        run = run_checks_as_nobody(base, "--templates", str(MINIMAL))
        assert run.code == 4, run.output[-3000:]
        run.one_line(f"sesguard: --report-dir {base / 'out'}: cannot write the reports (Permission denied)")
        assert "verdict: non-compliant" in run.output
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("where", ["--waivers", "sesguard.yaml"])
def test_an_impossible_waiver_date_is_one_line_exit_4(tmp_path: Path, where: str) -> None:
    """``expires: 2027-13-45`` was an INTERNALERROR."""
    text = (
        "waivers:\n  - policy: SES-CS-002\n    resource: template.yaml:Transactional\n"
        "    reason: migrating (TICKET-1)\n    expires: 2027-13-45\n"
    )
    path = tmp_path / ("waivers.yaml" if where == "--waivers" else "sesguard.yaml")
    path.write_text(text)
    given = ["--waivers", str(path)] if where == "--waivers" else []
    run = run_checks(tmp_path, "--templates", str(MINIMAL), *given, timeout=60)
    assert run.code == 4
    run.one_line(f"{path}:5: waivers[0].expires: '2027-13-45' is not a 'date'")


@pytest.mark.parametrize("option", ["--inventory", "--baseline"])
def test_a_fifo_as_snapshot_or_baseline_is_refused_not_waited_on(tmp_path: Path, option: str) -> None:
    fifo = tmp_path / "saved.json"
    os.mkfifo(fifo)
    source = [] if option == "--inventory" else ["--templates", str(MINIMAL)]
    run = run_checks(tmp_path, *source, option, str(fifo), timeout=60)
    assert run.code == 4
    run.one_line(f"{fifo} is not a regular file; it is not read")
