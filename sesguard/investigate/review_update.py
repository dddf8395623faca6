"""After an investigation: rewrite the review drafts of the report folder with its evidence."""

from __future__ import annotations

from pathlib import Path


def refresh_review(report_dir: Path) -> Path | None:
    """Rewrite the drafts in ``review/`` from the folder's ``findings.json``, now with the evidence.

    Only where a scan already wrote drafts; otherwise None.
    """
    from sesguard.findings.format import FILE as FINDINGS_FILE
    from sesguard.findings.reader import load
    from sesguard.reports import review

    findings = report_dir / FINDINGS_FILE
    if not findings.is_file() or not (report_dir / review.DIRNAME).is_dir():
        return (
            None  # no scan yet, or its drafts were not asked for: the next scan's drafts carry the evidence
        )
    try:
        doc = load(findings)
    except ValueError:
        return None
    if not review.cases(doc):
        return None
    return review.write(doc, report_dir)
