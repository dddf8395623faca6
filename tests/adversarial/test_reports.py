"""Report writers and the run history under broken inputs: Unknown rates, corrupt history lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .harness import FIXTURES, run_checks, run_command

MINIMAL = FIXTURES / "cfn_ses_minimal"


def _sesguard_report(tmp_path: Path, report_dir: Path) -> tuple[int, str]:
    run = run_command(
        [sys.executable, "-c", "import sys; from sesguard.cli import main; sys.exit(main())", "report",
         "--report-dir", str(report_dir), "--report-format", "all"],
        tmp_path,
        timeout=60,
    )  # fmt: skip
    return run.code, run.output


def test_reports_are_written_when_the_rates_could_not_be_read(tmp_path: Path) -> None:
    """GetMetricData denied or throttled: the rates are Unknown (their reason, in findings.json)."""
    first = run_checks(tmp_path, "--templates", str(MINIMAL))
    report_dir = tmp_path / "reports-out"
    doc = json.loads(first.reports["findings.json"])
    unknown = "Unknown: cloudwatch GetMetricData was denied (AccessDenied)"
    doc["rates"] = [
        {
            "account": "111122223333",
            "region": "us-east-1",
            "enforcement_status": "PROBATION",
            "bounce_rate": unknown,
            "bounce_rate_at": None,
            "complaint_rate": unknown,
            "complaint_rate_at": None,
        }
    ]
    (report_dir / "findings.json").write_text(json.dumps(doc))
    code, output = _sesguard_report(tmp_path, report_dir)
    assert code == 0, output
    assert "Traceback" not in output
    drafts = list((report_dir / "review").glob("reputation-*.md"))
    assert drafts, output
    text = drafts[0].read_text()
    assert "Bounce rate: **unknown**" in text
    assert "| unknown |" in (report_dir / "report.md").read_text()


def test_a_corrupt_history_line_is_skipped_with_a_warning_and_kept(tmp_path: Path) -> None:
    first = run_checks(tmp_path, "--templates", str(MINIMAL))
    history = tmp_path / "reports-out" / "history.jsonl"
    assert first.code == 1 and history.exists()
    garbage = b'{"history_version": 1, "broken\xff\xfe not utf-8\n'
    history.write_bytes(history.read_bytes() + garbage)
    second = run_checks(tmp_path, "--templates", str(MINIMAL))
    assert second.code == 1, second.output[-3000:]
    warning = "history.jsonl:2: not a history entry; skipped (the file is left as it is)"
    assert second.output.count(warning) == 1  # once, though every report reads the history
    assert garbage in history.read_bytes()  # left intact
    lines = [line for line in history.read_bytes().splitlines() if line.strip()]
    assert len(lines) == 3  # the first run, the garbage, the second run
    code, output = _sesguard_report(tmp_path, tmp_path / "reports-out")
    assert code == 0 and "Traceback" not in output
