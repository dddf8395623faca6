"""The facts every report shares: severity order, failing rows, Markdown-safe text, rates and scopes.

Reading ``findings.json`` is :mod:`sesguard.findings.reader`; its vocabulary (statuses, where a
resource lives) is :mod:`sesguard.findings.format`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from sesguard.findings.format import FAILING, SEVERITIES_MOST_FIRST

Row = Mapping[str, Any]

# AWS review thresholds (fractions): recommended-below, review-period, sending-pause.
BOUNCE_LINES = (0.02, 0.05, 0.10)
COMPLAINT_LINES = (0.001, 0.005)
BOUNCE_REVIEW = 0.05
COMPLAINT_REVIEW = 0.001
REMEDIATION_LABELS: Final = {
    "console": "Console",
    "cli": "AWS CLI",
    "cloudformation": "CloudFormation",
    "terraform": "Terraform",
}


def severity_rank(severity: str) -> int:
    """0 for critical ... 4 for info; unknown severities sort last."""
    order = SEVERITIES_MOST_FIRST
    return order.index(severity) if severity in order else len(order)


def is_failing(row: Row) -> bool:
    """A ``fail`` or an ``error`` row (the rows counted in ``summary.failing_rows``)."""
    return row.get("status") in FAILING


def failing(rows: Iterable[Row]) -> list[Row]:
    """The failing rows, most severe first, then by id."""
    return sorted(
        (r for r in rows if is_failing(r)),
        key=lambda r: (severity_rank(str(r.get("severity"))), str(r.get("id"))),
    )


# Characters that would start Markdown or HTML syntax (links, images, code, emphasis, tables, tags,
# entities, headings); each is escaped with a backslash, which CommonMark/GitHub render as the character.
_MD_SPECIAL: Final = frozenset("\\`*_[]!<>|~&")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def md_cell(value: object) -> str:
    """Text that renders as itself in Markdown and in a table cell: no link, image, code span, HTML
    or emphasis can be made by a name or message (``[x](https://...)``, a backtick, ``<img>``, a pipe),
    and no line break; bare URLs are broken up so they are not auto-linked."""
    text = _CONTROL.sub(" ", str(value))
    escaped = "".join(f"\\{c}" if c in _MD_SPECIAL else c for c in text)
    return escaped.replace("://", ":\\/\\/").replace("www.", "www\\.")


def md_code(value: object) -> str:
    """``value`` as an inline code span that it cannot break out of: fenced by one more backtick than
    its longest run of backticks (CommonMark), padded when it starts or ends with one; pipes escaped
    (a table cell), no line break."""
    text = _CONTROL.sub(" ", str(value)).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def rate_number(value: Any) -> float | None:
    """A rate as a number, None when there is none or it could not be read (an Unknown, written
    into findings.json as its reason text)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def percent(value: Any, digits: int = 2) -> str:
    """A rate fraction as a percentage (``0.061`` -> ``6.1%``); ``n/a`` for no data, ``unknown``
    for a rate that could not be read."""
    if value is None:
        return "n/a"
    if rate_number(value) is None:
        return "unknown"
    text = f"{value * 100:.{digits}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f"{text}%"


def pass_rate(by_status: Mapping[str, int]) -> float | None:
    """Passing rows over evaluated rows (pass, fail, error, waived; skips do not apply)."""
    evaluated = sum(int(by_status.get(s, 0)) for s in ("pass", "fail", "error", "waived"))
    return None if evaluated == 0 else int(by_status.get("pass", 0)) / evaluated


def is_partial(doc: Mapping[str, Any]) -> bool:
    """A run of some rows only (``-k``, ``--lf``, ``-x``, a shard): it speaks for those rows alone."""
    run = doc.get("run") or {}
    if run.get("partial") is not None:
        return bool(run["partial"])
    selected, total = run.get("selected_rows"), run.get("total_rows")
    return isinstance(selected, int) and isinstance(total, int) and selected < total


def scope(doc: Mapping[str, Any]) -> str:
    """What a run looked at (sources, inputs, accounts): runs of one scope form one history series."""
    run = doc.get("run") or {}
    sources = ",".join(sorted(str(s) for s in run.get("sources") or []))
    inputs = ",".join(sorted(str(s) for s in run.get("inputs") or []))
    accounts = ",".join(sorted({str(r.get("account")) for r in doc.get("rates") or []}))
    return f"{sources}:{inputs}:{accounts}" if accounts else f"{sources}:{inputs}"


def compliance_labels(meta: Mapping[str, Any] | None) -> list[str]:
    """A policy's compliance mappings as ``Framework control`` labels (``AWS Security Hub SES.3``)."""
    return [f"{c.get('framework')} {c.get('control')}" for c in (meta or {}).get("compliance") or []]


def policies(rows: Iterable[Row]) -> dict[str, dict[str, Any]]:
    """Per policy id: title, remediation and the most severe severity seen, in id order."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        pid = str(row.get("policy_id"))
        seen = out.get(pid)
        severity = str(row.get("severity"))
        if seen is None:
            out[pid] = {
                "title": row.get("title") or pid,
                "severity": severity,
                "remediation": row.get("remediation") or {},
            }
        elif severity_rank(severity) < severity_rank(seen["severity"]):
            seen["severity"] = severity
    return dict(sorted(out.items()))
