"""History across runs: one compact entry per run, trends, and what changed since the previous run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sesguard.findings.writers import write_reports
from sesguard.reports import history, html, markdown

from .conftest import run_at


def _three_runs(live_doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Run 1 as the fixture; run 2 fixes the suppression list and breaks DKIM; run 3 fixes the alarm."""
    first = run_at(live_doc, "2026-11-26T03:00:00Z")
    second = run_at(live_doc, "2026-11-27T03:00:00Z")
    third = run_at(live_doc, "2026-11-28T03:00:00Z")
    for doc, changes in (
        (
            second,
            {
                "SES-SUP-001::111111111111/us-east-1": "pass",
                "SES-ID-003::111111111111/us-east-1/example.com": "fail",
            },
        ),
        (
            third,
            {
                "SES-SUP-001::111111111111/us-east-1": "pass",
                "SES-ID-003::111111111111/us-east-1/example.com": "fail",
                "SES-MON-001::111111111111/us-east-1": "pass",
            },
        ),
    ):
        for row in doc["findings"]:
            row["status"] = changes.get(row["id"], row["status"])
    rates = {"2026-11-26": 0.031, "2026-11-27": 0.061, "2026-11-28": 0.044}
    for doc in (first, second, third):
        day = doc["run"]["started_at"][:10]
        rate = next(r for r in doc["rates"] if r["account"] == "111111111111" and r["region"] == "us-east-1")
        rate["bounce_rate"] = rates[day]
        rate["bounce_rate_at"] = f"{day}T02:00:00Z"
    return [first, second, third]


def test_three_runs_give_a_trend_and_a_diff(live_doc: dict[str, Any], tmp_path: Path) -> None:
    runs = _three_runs(live_doc)
    for doc in runs:
        write_reports(doc, tmp_path, ["markdown", "html"])
    entries = history.read(tmp_path)
    assert [e["started_at"] for e in entries] == [d["run"]["started_at"] for d in runs]
    assert [e["failing_by_severity"]["high"] for e in entries] == [5, 5, 4]
    assert entries[0]["pass_rate"] == 25 / 36
    bounce = [
        next(r for r in e["rates"] if r["region"] == "us-east-1" and r["account"] == "111111111111")[
            "bounce_rate"
        ]
        for e in entries
    ]
    assert bounce == [0.031, 0.061, 0.044]

    diff = history.changes(entries, runs[2])
    assert diff["previous"]["started_at"] == "2026-11-27T03:00:00Z"
    assert diff["new"] == []
    assert diff["fixed"] == [{"id": "SES-MON-001::111111111111/us-east-1", "severity": "high", "now": "pass"}]
    assert "SES-ID-003::111111111111/us-east-1/example.com" in diff["still"]
    second = history.changes(entries, runs[1])
    assert second["new"] == ["SES-ID-003::111111111111/us-east-1/example.com"]
    assert [f["id"] for f in second["fixed"]] == ["SES-SUP-001::111111111111/us-east-1"]

    comment = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "### Since the previous run (2026-11-27T03:00:00Z)" in comment
    assert "0 new failures · 1 fixed · 9 still failing" in comment
    assert "- ✅ `SES-MON-001::111111111111/us-east-1` (pass)" in comment
    view = html.view(runs[2], entries)
    assert [h["started_at"] for h in view["history"]] == [d["run"]["started_at"] for d in runs]
    assert view["changes"]["fixed"][0]["id"] == "SES-MON-001::111111111111/us-east-1"


def test_rebuilding_does_not_record_a_run_twice(live_doc: dict[str, Any], tmp_path: Path) -> None:
    write_reports(live_doc, tmp_path, ["html"])
    write_reports(live_doc, tmp_path, ["markdown"])
    assert len(history.read(tmp_path)) == 1
    assert history.changes(history.read(tmp_path), live_doc)["previous"] is None
    assert "Since the previous run" not in markdown.render(live_doc, history.read(tmp_path))


def test_scopes_are_separate_series(
    live_doc: dict[str, Any], template_doc: dict[str, Any], tmp_path: Path
) -> None:
    write_reports(live_doc, tmp_path, [])
    write_reports(template_doc, tmp_path, [])
    later = run_at(template_doc, "2026-11-29T03:00:00Z")
    entries = history.append(later, tmp_path)
    assert len(entries) == 3
    assert [e["started_at"] for e in history.series(entries, later)] == [
        "2026-11-28T03:00:00Z",
        "2026-11-29T03:00:00Z",
    ]
    assert history.changes(entries, later)["still"]  # compared with the template run, not the live one


def test_the_history_stays_compact(template_doc: dict[str, Any], tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(history, "MAX_RUNS", 5)
    for day in range(1, 9):
        history.append(run_at(template_doc, f"2026-11-{day:02d}T03:00:00Z"), tmp_path)
    entries = history.read(tmp_path)
    assert [e["started_at"][:10] for e in entries] == [f"2026-11-{d:02d}" for d in range(4, 9)]
    lines = (tmp_path / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["history_version"] == 1 for line in lines)
    assert "SmtpUser" not in json.dumps(entries[0]["by_status"])  # counts, not rows


def test_old_entries_drop_their_row_ids(template_doc: dict[str, Any], tmp_path: Path) -> None:
    for day in range(1, history.KEEP_IDS + 3):
        history.append(run_at(template_doc, f"2026-11-{day:02d}T03:00:00Z"), tmp_path)
    entries = history.read(tmp_path)
    assert ["failing" in e for e in entries] == [False, False] + [True] * history.KEEP_IDS


def test_unreadable_lines_are_skipped(template_doc: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "history.jsonl").write_text('{"history_version": 1, "key": "x", "scope": "?"}\nnot json\n')
    entries = history.append(template_doc, tmp_path)
    assert len(entries) == 2
