"""Every report format behind one table: ``findings.json``, SARIF, JUnit XML, Markdown, HTML, review
drafts, ASFF and OCSF (and the run history, kept with them).

A format is a module of :mod:`sesguard.reports` with ``write(document, report_dir) -> Path``, imported
when a report is written (naming the formats, for options and their help, loads none of them).
Adding a format: its module, and its row in :data:`WRITERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any, Final, cast

from sesguard.findings.reader import check

Writer = Callable[[dict[str, Any], Path], Path]

WRITERS: Final[Mapping[str, str]] = {
    "json": "findings_json",  # findings.json: every run writes it, asked for or not
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown",
    "html": "html",
    "review": "review",
    "asff": "asff",
    "ocsf": "ocsf",
}
"""Format name -> its writer's module in :mod:`sesguard.reports`, in the order reports are written."""
ALWAYS: Final = ("json",)
"""Written by every run whatever ``--report-format`` says: the other reports are rebuilt from it."""
REPORT_FORMATS: Final = tuple(WRITERS)
DEFAULT_REPORT_FORMATS: Final = ("json", "html")


def writer(name: str) -> Writer:
    """The ``write`` function of a format (``KeyError`` for an unknown one)."""
    return cast(Writer, import_module(f"sesguard.reports.{WRITERS[name]}").write)


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


def write_reports(
    document: dict[str, Any], report_dir: Path, formats: Sequence[str], *, rebuild: bool = False
) -> list[Path]:
    """Write ``findings.json`` (always), record the run in the history, then the other formats asked for.

    ``rebuild``: ``document`` was read from ``report_dir``'s ``findings.json`` (``sesguard report``),
    which is left as it is. Review drafts are written whenever the run calls for one, requested or
    not, and removed when it no longer does. Returns the paths written, in that order.
    """
    return list(each_report(document, report_dir, formats, rebuild=rebuild))


def each_report(
    document: dict[str, Any], report_dir: Path, formats: Sequence[str], *, rebuild: bool = False
) -> Iterator[Path]:
    """:func:`write_reports`, yielding each path once written (a caller whose write fails midway
    knows which reports exist)."""
    from sesguard.reports import history, review

    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown report format {', '.join(unknown)} (choose from {', '.join(REPORT_FORMATS)})"
        )
    check(document)
    for name in () if rebuild else ALWAYS:
        yield writer(name)(document, report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    history.append(document, report_dir)
    yield report_dir / history.HISTORY_FILE
    wanted = [f for f in WRITERS if f in formats and f not in ALWAYS]
    if "review" not in wanted and (review.cases(document) or (report_dir / review.DIRNAME).is_dir()):
        wanted.append("review")
    for name in wanted:
        yield writer(name)(document, report_dir)
