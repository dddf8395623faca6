"""Partial runs (``-k``, ``--lf``, shards) speak only for the rows they ran: history and review drafts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sesguard.findings.writers import write_reports
from sesguard.reports import history, review

from .conftest import run_at


def _partial(doc: dict[str, Any], started: str, keep: str) -> dict[str, Any]:
    """``doc`` as a ``-k KEEP`` run: only the rows whose id contains ``keep``."""
    out = run_at(doc, started)
    out["findings"] = [r for r in out["findings"] if keep in r["id"]]
    out["run"].update(selected_rows=len(out["findings"]), total_rows=len(doc["findings"]), partial=True)
    return out


def test_a_partial_run_is_recorded_as_partial_and_left_out_of_trends(live_doc: dict[str, Any], tmp_path: Path) -> None:
    first = run_at(live_doc, "2026-11-26T03:00:00Z")
    lf = _partial(live_doc, "2026-11-27T03:00:00Z", "SES-IAM-004")
    third = run_at(live_doc, "2026-11-28T03:00:00Z")
    for doc in (first, lf, third):
        write_reports(doc, tmp_path, ["json"])
    entries = history.read(tmp_path)
    assert [e["partial"] for e in entries] == [False, True, False]
    assert [e["started_at"] for e in history.series(entries, third)] == [first["run"]["started_at"], third["run"]["started_at"]]
    # the --lf run compares with the previous complete run, on its own rows only
    diff = history.changes(entries, lf)
    assert diff["previous"]["started_at"] == first["run"]["started_at"]
    assert diff["fixed"] == [] and diff["still"] == ["SES-IAM-004::111111111111/smtp-legacy"]
    # and the run after it compares with the complete run before it, not with the --lf run
    assert history.changes(entries, third)["previous"]["started_at"] == first["run"]["started_at"]


def test_partial_is_read_from_older_documents_by_their_row_counts(live_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(live_doc)
    doc["run"].update(selected_rows=3, total_rows=38)
    assert history.summarize(doc)["partial"] is True
    doc["run"].update(selected_rows=38)
    assert history.summarize(doc)["partial"] is False


def _drafts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((folder / review.DIRNAME).glob("*.md"))}


def test_a_template_run_leaves_the_live_review_drafts_alone(
    live_doc: dict[str, Any], template_doc: dict[str, Any], tmp_path: Path
) -> None:
    write_reports(live_doc, tmp_path, ["json"])
    before = _drafts(tmp_path)
    assert "vulnerable-site-222222222222.md" in before and "reputation-111111111111-us-east-1.md" in before
    template = copy.deepcopy(template_doc)
    for row in template["findings"]:  # a template run whose credential rows fail
        if row["policy_id"] in ("SES-IAM-009", "SES-IAM-010"):
            row["status"] = "fail"
    write_reports(template, tmp_path, ["json", "review"])
    assert _drafts(tmp_path) == before
    assert "No response needed" not in before["index.md"]


def test_a_partial_live_run_neither_rewrites_nor_removes_drafts(live_doc: dict[str, Any], tmp_path: Path) -> None:
    write_reports(live_doc, tmp_path, ["json"])
    before = _drafts(tmp_path)
    write_reports(_partial(live_doc, "2026-11-29T03:00:00Z", "SES-CS-"), tmp_path, ["json", "review"])
    assert _drafts(tmp_path) == before


def test_a_complete_live_run_removes_only_the_drafts_it_can_speak_for(live_doc: dict[str, Any], tmp_path: Path) -> None:
    write_reports(live_doc, tmp_path, ["json"])
    # an earlier scan of another account left a draft
    other = tmp_path / review.DIRNAME / "reputation-333333333333-eu-west-1.md"
    other.write_text("# draft of another account\n")
    healed = run_at(live_doc, "2026-11-30T03:00:00Z")
    for rate in healed["rates"]:
        rate.update(enforcement_status="HEALTHY", bounce_rate=0.001)
    for row in healed["findings"]:
        if row["status"] == "fail":
            row["status"] = "pass"
    write_reports(healed, tmp_path, ["json"])
    drafts = _drafts(tmp_path)
    assert set(drafts) == {"index.md", other.name}
    assert "from an earlier run" in drafts["index.md"] and other.name in drafts["index.md"]
