"""The hand-written findings fixtures agree with docs/findings-format.md and with themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sesguard.findings.format import STATUSES
from sesguard.findings.reader import check
from sesguard.reports import document

from .conftest import GOLDEN, UPDATE_GOLDEN, load_fixture

FIXTURES = ("template-run", "live-run")


@pytest.mark.parametrize("name", FIXTURES)
def test_summary_matches_rows(name: str) -> None:
    doc = load_fixture(name)
    check(doc)
    rows: list[dict[str, Any]] = doc["findings"]
    summary = doc["summary"]
    assert summary["total"] == len(rows)
    for status, count in summary["by_status"].items():
        assert count == sum(r["status"] == status for r in rows), status
    for severity, counts in summary["by_severity"].items():
        for status, count in counts.items():
            assert count == sum(r["status"] == status and r["severity"] == severity for r in rows)
    assert summary["failing_rows"] == sum(document.is_failing(r) for r in rows)
    assert summary["verdict"] == ("non-compliant" if any(r["fails_build"] for r in rows) else "compliant")
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert all(r["id"] == f"{r['policy_id']}::{r['id'].split('::', 1)[1]}" for r in rows)
    for state in ("stale", "expired"):
        assert summary[f"{state}_waivers"] == sum(w["state"] == state for w in doc["waivers"])


def test_template_fixture_covers_every_status_and_waiver_state() -> None:
    doc = load_fixture("template-run")
    assert {r["status"] for r in doc["findings"]} == set(STATUSES)
    assert {w["state"] for w in doc["waivers"]} == {"active", "expired", "stale", "unused"}
    assert doc["rates"] == []


def test_live_fixture_has_a_probation_account_and_credential_failures() -> None:
    doc = load_fixture("live-run")
    statuses = {(r["account"], r["region"]): r["enforcement_status"] for r in doc["rates"]}
    assert len(statuses) == 4 and list(statuses.values()).count("PROBATION") == 1
    failing = {r["policy_id"] for r in doc["findings"] if r["status"] == "fail"}
    assert {"SES-IAM-001", "SES-IAM-004", "SES-IAM-008"} <= failing


def test_a_missing_or_different_golden_file_fails_and_is_not_written(
    golden: Callable[[str, str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(UPDATE_GOLDEN, raising=False)
    with pytest.raises(pytest.fail.Exception, match="is missing"):
        golden("no-such-report.md", "text")
    assert not (GOLDEN / "no-such-report.md").exists()
    with pytest.raises(AssertionError, match="differs from"):
        golden("template-run.md", "not the report")
