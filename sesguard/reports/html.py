"""A self-contained HTML report: one file with its data, styles and scripts inline; no network."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from sesguard.atomic import write_text_atomic
from sesguard.findings.format import (
    FAILING,
    SEVERITIES_MOST_FIRST,
    STATUSES_BY_URGENCY,
    account_region,
    where,
)
from sesguard.findings.reader import Doc, check
from sesguard.reports import document, history, review

FILENAME = "report.html"
COLUMNS = ("id", "policy", "severity", "status", "rtype", "resource", "where", "group", "message", "waiver")
_SLOT = re.compile(r"<!--sesguard:(title|css|js|data)-->")


def _asset(name: str) -> str:
    return resources.files("sesguard.reports").joinpath("assets", name).read_text(encoding="utf-8")


def _row(row: dict[str, Any]) -> list[Any]:
    resource = row.get("resource") or {}
    waiver = row.get("waiver") or {}
    group = account_region(resource) or resource.get("file") or resource.get("set") or ""
    waived = f"{waiver.get('reason', '')} (expires {waiver.get('expires') or 'never'})" if waiver else ""
    return [
        row.get("id"),
        row.get("policy_id"),
        row.get("severity"),
        row.get("status"),
        resource.get("type"),
        resource.get("id"),
        where(resource),
        group,
        row.get("message"),
        waived,
    ]


def _policies(doc: Doc, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per policy: title, severity, remediation, and its compliance mappings and references."""
    meta = doc.get("policies") or {}
    out = document.policies(rows)
    for pid, info in out.items():
        extra = meta.get(pid) or {}
        info["compliance"] = document.compliance_labels(extra)
        info["references"] = [
            {"title": str(r.get("title") or r.get("url")), "url": str(r["url"])}
            for r in extra.get("references") or []
            if str(r.get("url", "")).startswith("https://")
        ]
    return out


def _causes(doc: Doc, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each cause of findings.json once: an account or region that could not be read (``live``, by
    account and AWS code) or a template input problem (``input``, by set); with how many rows and
    policies it blocked and the positions in ``rows`` of those rows (the table's cause filter)."""
    position = {row.get("id"): i for i, row in enumerate(rows)}
    out = []
    for cause in doc.get("causes") or []:
        if not isinstance(cause, Mapping):
            continue
        ids = [str(i) for i in cause.get("rows") or []]
        is_input = "set" in cause
        out.append(
            {
                "kind": "input" if is_input else "live",
                "name": cause.get("set") if is_input else cause.get("account"),
                "source": cause.get("source"),
                "code": cause.get("code"),
                "places": [str(p) for p in cause.get("places") or []],
                "text": cause.get("text"),
                "count": len(ids),
                "policies": len(cause.get("policies") or []),
                "rows": [position[i] for i in ids if i in position],
            }
        )
    return out


def view(doc: Doc, entries: list[history.Entry]) -> dict[str, Any]:
    """The data the page draws: the statuses and severities, the run, compact rows, policies, waivers,
    rates, causes, history and changes."""
    rows = doc.get("findings") or []
    trend_keys = ("started_at", "pass_rate", "failing_by_severity", "by_status", "rates", "verdict")
    return {
        # the vocabulary of findings.json, in the order the page shows it (report.js has no copy)
        "statuses": list(STATUSES_BY_URGENCY),
        "failing": [s for s in STATUSES_BY_URGENCY if s in FAILING],
        "severities": list(SEVERITIES_MOST_FIRST),
        "run": doc.get("run") or {},
        "summary": doc.get("summary") or {},
        "columns": list(COLUMNS),
        "rows": [_row(r) for r in rows],
        "policies": _policies(doc, rows),
        "waivers": doc.get("waivers") or [],
        "rates": doc.get("rates") or [],
        "causes": _causes(doc, rows),
        "history": [{k: e.get(k) for k in trend_keys} for e in history.series(entries, doc)],
        "changes": history.changes(entries, doc),
        "review": [f"{review.DIRNAME}/{c.filename}" for c in review.cases(doc)],
    }


def render(doc: Doc, entries: list[history.Entry]) -> str:
    """The page as one string."""
    data = json.dumps(view(doc, entries), separators=(",", ":"), ensure_ascii=False)
    # Inside <script> "</" and "<!--" must not appear; \u003c keeps the JSON equal.
    data = data.replace("<", "\\u003c")
    run = doc.get("run") or {}
    verdict = (doc.get("summary") or {}).get("verdict", "")
    slots = {
        "title": html.escape(f"sesguard report: {verdict} ({run.get('started_at', '')})"),
        "css": _asset("report.css"),
        "js": _asset("report.js"),
        "data": data,
    }
    return _SLOT.sub(lambda m: slots[m.group(1)], _asset("report.html"))


def write(doc: Doc, report_dir: Path) -> Path:
    """Write ``report.html`` into ``report_dir``."""
    check(doc)
    return write_text_atomic(render(doc, history.read(report_dir)), report_dir / FILENAME)
