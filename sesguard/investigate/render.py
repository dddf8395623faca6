"""Investigations as text: the terminal summary and the review draft's cause section (Markdown)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sesguard.atomic import write_text_atomic

FILENAME = "investigation.json"
SOURCE_NAMES: Final = {
    "archive": "event archive",
    "vdm": "VDM metrics (BatchGetMetricData)",
    "suppression": "suppression list (ListSuppressedDestinations)",
    "archive+suppression": "event archive and suppression list",
    "archive+vdm": "event archive and VDM metrics",
}


def summary(result: Mapping[str, Any]) -> str:
    """The terminal summary of one investigation (its ``as_dict`` form)."""
    window = result["window"]
    lines = [f"{result['account_id']}/{result['region']}, {window['start']} to {window['end']}:"]
    for cause in result["causes"]:
        lines.append(
            f"  {cause['rank']}. [{SOURCE_NAMES.get(cause['source'], cause['source'])}] {cause['statement']}"
        )
    if not result["causes"]:
        lines.append("  no cause could be attributed from the evidence")
    for item in result["missing"]:
        lines.append(f"  missing: {item}")
    archive = result["sources"].get("archive")
    if archive:
        skipped = sum(archive["skipped"].values()) + sum(archive["not_ses_events"].values())
        lines.append(
            f"  archive: {archive['objects']} object(s), {archive['records']} record(s), "
            f"{skipped} skipped, {sum(archive['other_event_types'].values())} of other event types, "
            f"{archive['outside_window']} outside the window"
        )
    return "\n".join(lines)


def cause_lines(result: Mapping[str, Any]) -> list[str]:
    """The review draft's evidence for "the cause", with figures and their sources."""
    window = result["window"]
    lines = [
        f"Evidence from the sending data ({window['start']} to {window['end']}, `sesguard investigate`):",
        "",
    ]
    for cause in result["causes"][:5]:
        lines.append(
            f"{cause['rank']}. {cause['statement']} (source: {SOURCE_NAMES.get(cause['source'], cause['source'])})."
        )
    if not result["causes"]:
        lines.append("- No segment of the sending stands out in the evidence read.")
    if result["missing"]:
        lines += ["", "What the evidence could not show:", ""]
        lines += [f"- {item}" for item in result["missing"]]
    return lines


def write(results: Sequence[Mapping[str, Any]], report_dir: Path) -> Path:
    """Write ``investigation.json`` (every region investigated) into ``report_dir``."""
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / FILENAME
    document = {"format": "sesguard-investigation", "format_version": 1, "investigations": list(results)}
    write_text_atomic(json.dumps(document, indent=1) + "\n", path)
    return path


def load(report_dir: Path) -> list[dict[str, Any]]:
    """The investigations saved in ``report_dir`` (empty when there are none or the file is unreadable)."""
    try:
        document = json.loads((report_dir / FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    items = document.get("investigations") if isinstance(document, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
