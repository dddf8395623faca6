"""``findings.json``: the document itself, streamed row by row (every other report is built from it)."""

from __future__ import annotations

from pathlib import Path

from sesguard.atomic import write_json_rows_atomic
from sesguard.findings.format import FILE
from sesguard.findings.reader import Doc, check


def write(doc: Doc, report_dir: Path) -> Path:
    """Write ``findings.json`` into ``report_dir`` atomically, each row on a line of its own."""
    check(doc)
    return write_json_rows_atomic(doc, report_dir / FILE)
