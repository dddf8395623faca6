"""An alarm whose metric math cannot follow the reputation metric (``m1 * 0``) does not satisfy the
alarm policies (it passed SES-MON-002)."""

from __future__ import annotations

from pathlib import Path

from .harness import FIXTURES, run_checks, statuses


def test_a_complaint_alarm_on_m1_times_zero_does_not_pass(tmp_path: Path) -> None:
    run = run_checks(tmp_path, "--templates", str(FIXTURES / "alarm_math"), "-k", "SES-MON")
    complaint = set(statuses(run, "SES-MON-002").values())
    bounce = set(statuses(run, "SES-MON-001").values())
    assert complaint and "pass" not in complaint, complaint
    assert bounce == {"pass"}  # the control: an alarm on the metric itself
    assert run.code == 1
