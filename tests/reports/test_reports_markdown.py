"""Markdown for a pull-request comment: verdict, counts, failing rows by policy, waivers flagged."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sesguard.reports import markdown


def test_template_comment(template_doc: dict[str, Any]) -> None:
    text = markdown.render(template_doc)
    assert text.startswith("## sesguard: ❌ non-compliant\n")
    assert "**10 failing rows** (9 fail, 1 error) · 1 waived · 1 skipped · 6 passed" in text
    assert "| 🔴 critical | **2** | 0 | 0 | 0 | 1 |" in text
    assert "| 🟡 medium | **4** | **1** | 1 | 0 | 2 |" in text
    # failing rows grouped by policy, most severe first, each with its remediation
    headings = [line for line in text.splitlines() if line.startswith("#### ")]
    assert headings[0].startswith("#### 🔴 SES-IAM-001 · critical")
    assert headings[1].startswith("#### 🔴 SES-IAM-010 · critical")
    section = text.split("#### 🟠 SES-CS-001")[1].split("####")[0]
    assert "`TransactionalSet` | examples/templates/app.yaml:12 | fail |" in section
    assert "**Fix:** Add an enabled event destination covering BOUNCE and COMPLAINT." in section
    assert "*CloudFormation*" in section
    # waivers listed separately; expired and stale flagged, attention first
    waivers = text.split("### Waivers")[1]
    assert "⚠️ **expired**" in waivers and "⚠️ **stale**" in waivers
    assert waivers.index("expired") < waivers.index("| active |")
    assert "AKIA************MPLE" in text.replace("\\", "")  # only ever the masked form (escaped: \\*)
    assert "### Review response drafts" not in text  # templates: no account under review


def test_live_comment_has_rates_and_drafts(live_doc: dict[str, Any]) -> None:
    text = markdown.render(live_doc)
    assert "| 111111111111 | us-east-1 | ❌ PROBATION | 6.1% ⚠️ | 0.04% |" in text
    assert "`review/reputation-111111111111-us-east-1.md`" in text
    assert "`review/vulnerable-site-222222222222.md`" in text


def test_compliant_comment(template_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(template_doc)
    for row in doc["findings"]:
        if row["status"] in ("fail", "error"):
            row["status"] = "pass"
    doc["summary"]["verdict"] = "compliant"
    text = markdown.render(doc)
    assert text.startswith("## sesguard: ✅ compliant")
    assert "### Failing rows\n\nNone." in text


def test_a_huge_run_still_fits_a_comment(template_doc: dict[str, Any]) -> None:
    row = next(r for r in template_doc["findings"] if r["policy_id"] == "SES-CS-001")
    many = [dict(row, id=f"SES-CS-001::Set{i:05d}", message="x" * 200) for i in range(5000)]
    template_doc["findings"] = many + template_doc["findings"]
    text = markdown.render(template_doc)
    assert len(text) <= markdown.MAX_CHARS
    assert "more rows: see the HTML report or findings.json" in text
    assert "### Waivers" in text  # the sections after the rows survive the cut


def test_golden(
    template_doc: dict[str, Any], live_doc: dict[str, Any], tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    golden("template-run.md", markdown.write(template_doc, tmp_path / "t").read_text(encoding="utf-8"))
    golden("live-run.md", markdown.write(live_doc, tmp_path / "l").read_text(encoding="utf-8"))
