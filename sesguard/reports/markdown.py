"""Markdown fit for a pull-request comment: verdict, counts, failing rows by policy, waivers, changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sesguard.atomic import write_text_atomic
from sesguard.findings.format import FAILING, SEVERITIES_MOST_FIRST, STATUSES_BY_URGENCY, where
from sesguard.findings.reader import Doc, check
from sesguard.reports import document, history, review
from sesguard.reports.document import Row, percent
from sesguard.reports.document import md_cell as cell
from sesguard.reports.document import md_code as code

FILENAME = "report.md"
MAX_CHARS = 60_000  # GitHub comments hold 65,536 characters
ROW_LIMITS = (100, 25, 10, 3, 0)  # rows shown per policy, tried in turn until the comment fits
ICONS: Final = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵", "info": "⚪"}
WAIVER_FLAGS: Final = {
    "expired": "⚠️ **expired**: no longer waives; renew or fix",
    "stale": "⚠️ **stale**: the resource passes now; remove the waiver",
    "unused": "matches no row",
    "active": "active",
}


def _header(doc: Doc) -> list[str]:
    run, summary = doc.get("run") or {}, doc.get("summary") or {}
    verdict = summary.get("verdict", "unknown")
    mark = "✅" if verdict == "compliant" else "❌"
    by_status = {s: 0 for s in STATUSES_BY_URGENCY}
    for row in doc.get("findings") or []:
        by_status[str(row.get("status"))] = by_status.get(str(row.get("status")), 0) + 1
    inputs = ", ".join(code(i) for i in run.get("inputs") or []) or "n/a"
    return [
        f"## sesguard: {mark} {verdict}",
        "",
        f"**{by_status['fail'] + by_status['error']} failing rows** ({by_status['fail']} fail, "
        f"{by_status['error']} error) · {by_status['waived']} waived · {by_status['skip']} skipped · "
        f"{by_status['pass']} passed",
        "",
        f"Sources {', '.join(run.get('sources') or []) or 'n/a'} · inputs {inputs} · "
        f"{run.get('policy_count', '?')} policies · fail on {run.get('fail_on', '?')} · "
        f"started {run.get('started_at', '?')}",
        "",
    ]


def _counts(rows: Sequence[Row]) -> list[str]:
    table = {s: dict.fromkeys(STATUSES_BY_URGENCY, 0) for s in SEVERITIES_MOST_FIRST}
    for row in rows:
        table.setdefault(str(row.get("severity")), dict.fromkeys(STATUSES_BY_URGENCY, 0))
        table[str(row.get("severity"))][str(row.get("status"))] = (
            table[str(row.get("severity"))].get(str(row.get("status")), 0) + 1
        )
    lines = [
        "| severity | " + " | ".join(STATUSES_BY_URGENCY) + " |",
        "|---" * (len(STATUSES_BY_URGENCY) + 1) + "|",
    ]
    for severity, counts in table.items():
        lines.append(
            f"| {ICONS.get(severity, '')} {severity} | "
            + " | ".join(
                f"**{counts[s]}**" if s in FAILING and counts[s] else str(counts[s])
                for s in STATUSES_BY_URGENCY
            )
            + " |"
        )
    return [*lines, ""]


def _rates(doc: Doc) -> list[str]:
    rates = doc.get("rates") or []
    if not rates:
        return []
    lines = [
        "### Reputation",
        "",
        "| account | region | status | bounce rate | complaint rate |",
        "|---|---|---|---|---|",
    ]
    for r in rates:
        status = r.get("enforcement_status")
        bounce, complaint = r.get("bounce_rate"), r.get("complaint_rate")
        lines.append(
            f"| {r.get('account')} | {r.get('region')} | {'✅' if status == 'HEALTHY' else '❌'} {status} | "
            f"{percent(bounce)}{' ⚠️' if (document.rate_number(bounce) or 0) >= document.BOUNCE_LINES[0] else ''} | "
            f"{percent(complaint, 3)}"
            f"{' ⚠️' if (document.rate_number(complaint) or 0) >= document.COMPLAINT_LINES[0] else ''} |"
        )
    return [*lines, ""]


def _changes(doc: Doc, entries: Sequence[history.Entry], limit: int) -> list[str]:
    diff = history.changes(entries, doc)
    if diff["previous"] is None:
        return []
    lines = [
        f"### Since the previous run ({diff['previous'].get('started_at')})",
        "",
        f"{len(diff['new'])} new failures · {len(diff['fixed'])} fixed · {len(diff['still'])} still failing",
        "",
    ]
    lines += [f"- 🆕 {code(i)}" for i in diff["new"][: max(limit, 10)]]
    lines += [f"- ✅ {code(f['id'])} ({cell(f['now'])})" for f in diff["fixed"][: max(limit, 10)]]
    return [*lines, ""]


def _remediation(remediation: Mapping[str, Any]) -> list[str]:
    lines = [f"**Fix:** {cell(remediation.get('summary', ''))}", ""] if remediation.get("summary") else []
    parts = [
        (label, remediation[key])
        for key, label in document.REMEDIATION_LABELS.items()
        if remediation.get(key)
    ]
    if parts:
        lines += ["<details><summary>How</summary>", ""]
        for label, value in parts:
            lines += [f"*{label}*", "", "```", str(value).rstrip(), "```", ""]
        lines += ["</details>", ""]
    return lines


def _causes(doc: Doc) -> tuple[list[str], set[str]]:
    """The accounts and regions, and the template inputs, that could not be read, once each, and the
    rows they left unevaluated."""
    causes = [c for c in doc.get("causes") or [] if isinstance(c, Mapping)]
    if not causes:
        return [], set()
    lines = ["### Could not be read", ""]
    live = [c for c in causes if "set" not in c]
    if live:
        lines += [
            "| account | where | AWS code | rows not evaluated | what failed and the fix |",
            "|---|---|---|---|---|",
        ]
        for c in live:
            lines.append(
                f"| {code(c.get('account'))} | {cell(', '.join(map(str, c.get('places') or [])))} | "
                f"{code(c.get('code'))} | {len(c.get('rows') or [])} | {cell(c.get('text'))} |"
            )
        lines.append("")
    inputs = [c for c in causes if "set" in c]
    if inputs:
        lines += ["| set | where | rows not evaluated | input problem |", "|---|---|---|---|"]
        for c in inputs:
            lines.append(
                f"| {code(c.get('set'))} | {cell(', '.join(map(str, c.get('places') or [])))} | "
                f"{len(c.get('rows') or [])} | {cell(c.get('text'))} |"
            )
        lines.append("")
    return lines, {str(r) for c in causes for r in c.get("rows") or []}


def _failing(
    rows: Sequence[Row], limit: int, policies: Mapping[str, Any] | None = None, said: set[str] | None = None
) -> list[str]:
    grouped: dict[str, list[Row]] = {}
    for row in document.failing(rows):
        if said and row.get("id") in said:  # its cause is listed once under "Could not be read"
            continue
        grouped.setdefault(str(row["policy_id"]), []).append(row)
    if not grouped:
        return [] if said else ["### Failing rows", "", "None.", ""]
    lines = ["### Failing rows by policy", ""]
    for pid, mine in grouped.items():
        first = mine[0]
        lines += [
            f"#### {ICONS.get(str(first.get('severity')), '')} {pid} · {first.get('severity')} · "
            f"{cell(first.get('title'))} ({len(mine)})",
            "",
        ]
        mapped = document.compliance_labels((policies or {}).get(pid))
        if mapped:
            lines += [f"Also checks: {cell('; '.join(mapped))}", ""]
        if limit:
            lines += ["| resource | where | status | message |", "|---|---|---|---|"]
            for r in mine[:limit]:
                resource = r.get("resource") or {}
                lines.append(
                    f"| {code(resource.get('id'))} | {cell(where(resource))} | "
                    f"{cell(r.get('status'))} | {cell(r.get('message'))} |"
                )
            lines.append("")
        if len(mine) > limit:
            lines += [f"_{len(mine) - limit} more rows: see the HTML report or findings.json._", ""]
        lines += _remediation(first.get("remediation") or {})
    return lines


def _waivers(doc: Doc) -> list[str]:
    waivers = doc.get("waivers") or []
    if not waivers:
        return []
    lines = ["### Waivers", "", "| policy | resource | state | expires | reason |", "|---|---|---|---|---|"]
    for w in sorted(
        waivers,
        key=lambda w: (
            list(WAIVER_FLAGS).index(w.get("state")) if w.get("state") in WAIVER_FLAGS else 9,
            str(w.get("policy_id")),
        ),
    ):
        lines.append(
            f"| {cell(w.get('policy_id'))} | {code(w.get('resource'))} | "
            f"{WAIVER_FLAGS.get(str(w.get('state')), cell(w.get('state')))} | {cell(w.get('expires') or 'never')} | "
            f"{cell(w.get('reason', ''))} |"
        )
    return [*lines, ""]


def _review(doc: Doc) -> list[str]:
    found = review.cases(doc)
    if not found:
        return []
    lines = ["### Review response drafts", ""]
    lines += [
        f"- {code(f'{review.DIRNAME}/{c.filename}')}: {c.kind} {cell(c.account)}"
        f"{'/' + cell(c.region) if c.region else ''} ({cell(', '.join(c.reasons))})"
        for c in found
    ]
    return [*lines, ""]


def render(doc: Doc, entries: Sequence[history.Entry] = ()) -> str:
    """The comment, shortened (fewer rows per policy) until it fits a GitHub comment."""
    rows = doc.get("findings") or []
    causes, said = _causes(doc)
    text = ""
    for limit in ROW_LIMITS:
        lines = (
            _header(doc)
            + _counts(rows)
            + _rates(doc)
            + _changes(doc, entries, limit)
            + causes
            + _failing(rows, limit, doc.get("policies"), said)
            + _waivers(doc)
            + _review(doc)
        )
        text = "\n".join(lines).rstrip() + "\n"
        if len(text) <= MAX_CHARS:
            return text
    return text[: MAX_CHARS - 80] + "\n\n_Cut to fit a comment: see the HTML report or findings.json._\n"


def write(doc: Doc, report_dir: Path) -> Path:
    """Write ``report.md`` into ``report_dir``."""
    check(doc)
    return write_text_atomic(render(doc, history.read(report_dir)), report_dir / FILENAME)
