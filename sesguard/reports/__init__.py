"""Reports built from a findings document: SARIF, JUnit XML, Markdown, HTML, review drafts, history.

``findings.json`` itself is written by the pytest plugin; everything here is derived from it, so
``sesguard report`` can rebuild every report from ``findings.json`` and the history alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sesguard.reports import asff, history, html, junit, markdown, ocsf, review, sarif

Writer = Callable[[dict[str, Any], Path], Path]

REPORT_WRITERS: dict[str, Writer] = {
    "sarif": sarif.write,
    "junit": junit.write,
    "markdown": markdown.write,
    "html": html.write,
    "review": review.write,
    "asff": asff.write,
    "ocsf": ocsf.write,
}
REPORT_FORMATS: tuple[str, ...] = ("json", *REPORT_WRITERS)
DEFAULT_REPORT_FORMATS: tuple[str, ...] = ("json", "html")


def parse_formats(text: str) -> tuple[str, ...]:
    """Split a comma-separated ``--report-format`` value (``all``: every format).

    Raises ``ValueError`` naming unknown formats.
    """
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    if "all" in names:
        return REPORT_FORMATS
    unknown = [n for n in names if n not in REPORT_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown report format {', '.join(unknown)} (choose from {', '.join(REPORT_FORMATS)}, or all)"
        )
    return names or DEFAULT_REPORT_FORMATS


def write_reports(findings: dict[str, Any], report_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Record the run in the history, then write the requested reports (``json`` is the caller's).

    Review drafts are written whenever the run calls for one, requested or not, and removed when
    it no longer does. Returns the paths written (the history file first).
    """
    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown report format {', '.join(unknown)} (choose from {', '.join(REPORT_FORMATS)})"
        )
    report_dir.mkdir(parents=True, exist_ok=True)
    history.append(findings, report_dir)
    written = [report_dir / history.HISTORY_FILE]
    wanted = [f for f in REPORT_WRITERS if f in formats]
    if "review" not in wanted and (review.cases(findings) or (report_dir / review.DIRNAME).is_dir()):
        wanted.append("review")
    written += [REPORT_WRITERS[name](findings, report_dir) for name in wanted]
    return written
