"""Review-response drafts: a PROBATION account and region, and the Vulnerable Site case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sesguard.findings.writers import write_reports
from sesguard.reports import review

from .conftest import run_at


def test_cases_of_the_live_run(live_doc: dict[str, Any]) -> None:
    cases = review.cases(live_doc)
    assert [(c.kind, c.account, c.region) for c in cases] == [
        ("reputation", "111111111111", "us-east-1"),
        ("vulnerable-site", "111111111111", None),
        ("vulnerable-site", "222222222222", None),
    ]
    assert cases[0].reasons == ("enforcement status PROBATION", "bounce rate 6.1%")
    assert cases[1].reasons == ("SES-IAM-001", "SES-IAM-004")  # over-privileged, old key
    assert cases[2].reasons == ("SES-IAM-008",)  # quarantined for a leaked key


def test_probation_draft(
    live_doc: dict[str, Any], tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    review.write(live_doc, tmp_path)
    text = (tmp_path / "review" / "reputation-111111111111-us-east-1.md").read_text(encoding="utf-8")
    assert text.startswith(
        "# DRAFT: Response to the Amazon SES Bounce Review Period for AWS account 111111111111 in us-east-1"
    )
    # the three parts AWS asks for, in order
    parts = ["## Evidence", "## 1. The cause", "## 2. The changes made", "## 3. How recurrence is prevented"]
    assert [text.index(p) for p in parts] == sorted(text.index(p) for p in parts)
    # evidence: rates with their dates, failing policies and resources, what is already in place
    assert "- Enforcement status: **PROBATION**" in text
    assert "- Bounce rate: **6.1%** at 2026-11-28T02:00:00Z" in text
    assert (
        "| SES-SUP-001 Account-level suppression list suppresses bounces and complaints | high | `us-east-1` |"
        in text
    )
    assert "| SES-ID-007 Bounce and complaint feedback reaches a system | high | `example.com` |" in text
    assert "- SES-CS-001 Configuration set publishes bounce and complaint events: `marketing`" in text
    cause = text.split("## 1. The cause")[1].split("## 2.")[0]
    assert "suppression list does not suppress both BOUNCE and COMPLAINT" in cause
    changes = text.split("## 2. The changes made")[1].split("## 3.")[0]
    assert "- [ ] Add BOUNCE and COMPLAINT to the account-level suppression list. (SES-SUP-001" in changes
    prevention = text.split("## 3. How recurrence is prevented")[1]
    assert "A CloudWatch alarm watches the bounce rate (SES-MON-001): **not yet in place**" in prevention
    assert "A CloudWatch alarm watches the complaint rate (SES-MON-002): in place" in prevention
    # clearly marked places for the operator, one per part
    assert text.count(review.MARK) == 3 + 1  # + the note at the top that explains them
    # other accounts' and regions' rows stay out
    assert "222222222222" not in text and "eu-west-1" not in text
    golden("live-run.review-reputation.md", text)


def test_vulnerable_site_draft(live_doc: dict[str, Any], tmp_path: Path) -> None:
    review.write(live_doc, tmp_path)
    text = (tmp_path / "review" / "vulnerable-site-222222222222.md").read_text(encoding="utf-8")
    assert text.startswith(
        "# DRAFT: Response to the Amazon SES Vulnerable Site Review Period for AWS account 222222222222"
    )
    assert "| SES-IAM-008 No IAM user is quarantined for a leaked key | critical | `ci-deploy` |" in text
    cause = text.split("## 1. The cause")[1].split("## 2.")[0]
    assert "AWSCompromisedKeyQuarantine" in cause and "(SES-IAM-008: `ci-deploy`)" in cause
    assert "not restricted to known networks" in cause  # supporting medium finding as a candidate
    assert "- [ ] Deactivate, then delete, every exposed or quarantined access key" in text
    assert review.MARK in text.split("## 3.")[1]
    old_key = (tmp_path / "review" / "vulnerable-site-111111111111.md").read_text(encoding="utf-8")
    assert "AKIA************LGCY is 412 days old" in old_key.replace("\\", "")  # Markdown-escaped
    assert "may do more than send email" in old_key.split("## 1. The cause")[1]  # over-privileged app-sender


def test_rates_over_time_come_from_the_history(live_doc: dict[str, Any], tmp_path: Path) -> None:
    earlier = run_at(live_doc, "2026-11-27T03:00:00Z")
    next(r for r in earlier["rates"] if r["region"] == "us-east-1" and r["account"] == "111111111111")[
        "bounce_rate"
    ] = 0.052
    write_reports(earlier, tmp_path, [])
    alarm = next(r for r in live_doc["findings"] if r["id"] == "SES-MON-001::111111111111/us-east-1")
    alarm["status"] = "pass"  # the bounce-rate alarm was added since the earlier run
    write_reports(live_doc, tmp_path, [])
    text = (tmp_path / "review" / "reputation-111111111111-us-east-1.md").read_text(encoding="utf-8")
    assert "- Fixed since the previous run: `SES-MON-001::111111111111/us-east-1`" in text
    assert "A CloudWatch alarm watches the bounce rate (SES-MON-001): in place" in text
    assert "Rates over the recorded runs:" in text
    assert "| 5.2% |" in text and "| 6.1% |" in text
    assert "(2 recorded runs)" in text


def test_no_drafts_for_a_healthy_run_and_stale_ones_are_removed(
    live_doc: dict[str, Any], tmp_path: Path
) -> None:
    write_reports(live_doc, tmp_path, [])
    assert len(list((tmp_path / "review").glob("*.md"))) == 4
    healthy = run_at(live_doc, "2026-11-29T03:00:00Z")
    for rate in healthy["rates"]:
        rate["enforcement_status"], rate["bounce_rate"] = "HEALTHY", 0.01
    for row in healthy["findings"]:
        if row["status"] == "fail":
            row["status"] = "pass"
    assert review.cases(healthy) == []
    write_reports(healthy, tmp_path, [])
    assert [p.name for p in (tmp_path / "review").glob("*.md")] == ["index.md"]
    assert "No response needed" in (tmp_path / "review" / "index.md").read_text(encoding="utf-8")


def test_complaint_threshold_and_shutdown(live_doc: dict[str, Any]) -> None:
    rate = next(r for r in live_doc["rates"] if r["account"] == "222222222222" and r["region"] == "us-east-1")
    rate["complaint_rate"] = 0.001  # at the review threshold
    rate2 = next(
        r for r in live_doc["rates"] if r["account"] == "111111111111" and r["region"] == "eu-west-1"
    )
    rate2["enforcement_status"] = "SHUTDOWN"
    reasons = {(c.account, c.region): c.reasons for c in review.cases(live_doc) if c.kind == "reputation"}
    assert reasons[("222222222222", "us-east-1")] == ("complaint rate 0.1%",)
    assert reasons[("111111111111", "eu-west-1")] == ("enforcement status SHUTDOWN",)
    draft = review.draft(next(c for c in review.cases(live_doc) if c.region == "eu-west-1"), live_doc)
    assert "Review Period" in draft.splitlines()[0]


def test_template_runs_get_no_drafts(template_doc: dict[str, Any], tmp_path: Path) -> None:
    assert review.cases(template_doc) == []
    write_reports(template_doc, tmp_path, ["html"])
    assert not (tmp_path / "review").exists()


def test_the_cause_section_carries_the_investigation_evidence(
    live_doc: dict[str, Any], tmp_path: Path
) -> None:
    from sesguard.investigate.render import write as write_investigation

    found: dict[str, Any] = {
        "account_id": "111111111111", "region": "us-east-1",
        "window": {"start": "2026-11-15", "end": "2026-11-28"},
        "causes": [{"rank": 1, "kind": "list_import", "source": "archive+suppression",
                    "statement": "List import: 1500 addresses were sent to for the first time on 2026-11-23"}],
        "missing": ["no VDM metrics: Virtual Deliverability Manager is off in this region"],
        "sources": {},
    }  # fmt: skip
    other = {**found, "region": "eu-west-1", "causes": [{**found["causes"][0], "statement": "OTHER REGION"}]}
    write_investigation([found, other], tmp_path)
    review.write(live_doc, tmp_path)
    text = (tmp_path / "review" / "reputation-111111111111-us-east-1.md").read_text(encoding="utf-8")
    cause = text.split("## 1. The cause")[1].split("## 2.")[0]
    assert "Evidence from the sending data (2026-11-15 to 2026-11-28, `sesguard investigate`)" in cause
    assert (
        "1. List import: 1500 addresses were sent to for the first time on 2026-11-23 "
        "(source: event archive and suppression list)." in cause
    )
    assert "- no VDM metrics: Virtual Deliverability Manager is off in this region" in cause
    assert "OTHER REGION" not in text
