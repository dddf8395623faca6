"""What a row says on the terminal: one line per failing row, the full detail on ``-v``.

Values come from templates and API responses, so they are hostile until shown otherwise: every value
written here has its control characters escaped (ESC, newlines, bidi overrides: a resource name must
not move the cursor, recolour the screen or fake a PASSED line) and is cut with an ellipsis when
long. The full values stay in ``findings.json``.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Final

from sesguard.engine import Finding
from sesguard.findings.format import where
from sesguard.sources import source_of

VALUE_LIMIT: Final = 160
"""Longest value (message, resource name, file, ARN) shown on a row's line, in characters."""
DETAIL_LIMIT: Final = 2000
"""Longest value shown in the ``-v`` detail of a row."""
ELLIPSIS: Final = "…"

_UNSAFE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(value: object, limit: int = VALUE_LIMIT) -> str:
    """``value`` as one terminal-safe line: control characters escaped, at most ``limit`` characters."""
    text = _UNSAFE.sub(_escape_char, str(value))
    if len(text) > limit:
        return text[: limit - 1] + ELLIPSIS
    return text


def place(finding: Finding, limit: int = VALUE_LIMIT) -> str:
    """Where the row's resource is: ``file:line``, or ``account/region (arn)`` for a live resource."""
    loc = finding.resource.location
    text = where(vars(loc), partial(safe, limit=limit))
    return text if loc.file or not loc.arn else f"{text} ({safe(loc.arn, limit)})"


def row_line(finding: Finding) -> str:
    """The one line a failing row gets in pytest's short summary (the row id is already beside it)."""
    return f"[{finding.severity}] {place(finding)}: {safe(finding.message)}"


def _fix(finding: Finding) -> list[str]:
    remedy = finding.remediation
    lines = [f"fix: {safe(remedy.get('summary', ''), DETAIL_LIMIT)}"]
    for key, label in source_of(finding.resource.source).remedies:
        lines.append(f"  {label}: {safe(remedy.get(key, ''), DETAIL_LIMIT)}")
    return lines


def row_detail(finding: Finding) -> str:
    """The full text of a failing row (``-v``, ``--tb``, JUnit): where, what, observed vs expected, the fix."""
    head = (
        f"{place(finding, DETAIL_LIMIT)}: {finding.policy_id} [{finding.severity}] "
        f"{safe(finding.title, DETAIL_LIMIT)}"
    )
    what = (
        f"  {finding.resource.type} {safe(finding.key, DETAIL_LIMIT)}: {safe(finding.message, DETAIL_LIMIT)}"
    )
    if finding.status == "error":
        tail = [
            "not evaluated: make the value resolvable or the resource readable (see above), then run again"
        ]
    else:
        tail = _fix(finding)
    return "\n".join([head, what, *tail])
