"""The run history of a report directory: one compact summary per run in ``history.jsonl``.

Each line is a summary of one run: counts by status and severity, pass rate, the rates per account
and region, and the failing row ids (for "what changed since the previous run"). Runs of one scope
(same sources and inputs) form one series; trends and diffs are computed within it. A partial run
(``-k``, ``--lf``, ``-x``, a shard) is recorded with ``partial: true`` and left out of the trends: its
counts are of the rows it ran, not of the estate; its diff covers only the rows it ran.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sesguard.atomic import write_text_atomic
from sesguard.findings.format import FAILING, SEVERITIES_MOST_FIRST, STATUSES_BY_URGENCY
from sesguard.findings.reader import Doc
from sesguard.reports import document

HISTORY_FILE = "history.jsonl"
HISTORY_VERSION = 1
MAX_RUNS = 1000  # the oldest runs are dropped beyond this
KEEP_IDS = 10  # only the latest runs keep their failing row ids (diffs need the previous run only)

Entry = dict[str, Any]


def run_key(doc: Mapping[str, Any]) -> str:
    """A stable key for a run, so rebuilding reports never records the same run twice."""
    run = doc.get("run") or {}
    ident = [run.get(k) for k in ("started_at", "finished_at", "sources", "inputs", "policy_set_digest")]
    blob = json.dumps(ident, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def summarize(doc: Doc) -> Entry:
    """The compact history entry of a findings document."""
    run = doc.get("run") or {}
    summary = doc.get("summary") or {}
    by_status = {s: 0 for s in STATUSES_BY_URGENCY}
    failing_by_severity = {s: 0 for s in SEVERITIES_MOST_FIRST}
    failing_ids: dict[str, str] = {}
    for row in doc.get("findings") or []:
        status = str(row.get("status"))
        by_status[status] = by_status.get(status, 0) + 1
        if status in FAILING:
            severity = str(row.get("severity"))
            failing_by_severity[severity] = failing_by_severity.get(severity, 0) + 1
            failing_ids[str(row.get("id"))] = severity
    rates = [
        {
            k: r.get(k)
            for k in (
                "account",
                "region",
                "enforcement_status",
                "bounce_rate",
                "bounce_rate_at",
                "complaint_rate",
                "complaint_rate_at",
            )
        }
        for r in doc.get("rates") or []
    ]
    return {
        "history_version": HISTORY_VERSION,
        "key": run_key(doc),
        "scope": document.scope(doc),
        "started_at": run.get("started_at"),
        "finished_at": run.get("finished_at"),
        "tool_version": run.get("tool_version"),
        "policy_set_digest": run.get("policy_set_digest"),
        "verdict": summary.get("verdict"),
        "partial": document.is_partial(doc),
        "total": sum(by_status.values()),
        "by_status": by_status,
        "failing_by_severity": failing_by_severity,
        "pass_rate": document.pass_rate(by_status),
        "rates": rates,
        "failing": dict(sorted(failing_ids.items())),
    }


def read(report_dir: Path) -> list[Entry]:
    """All entries of the history (oldest first); unreadable lines are skipped (:func:`append`, which
    every run's reports call once, warns about them)."""
    return _read(report_dir)[0]


def _read(report_dir: Path) -> tuple[list[Entry], list[int]]:
    """(entries, the numbers of the lines that could not be read). A line that is not UTF-8 JSON of this
    history version is skipped; the file is not changed for it."""
    path = report_dir / HISTORY_FILE
    if not path.exists():
        return [], []
    entries: list[Entry] = []
    corrupt: list[int] = []
    for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
            entry = None
        if isinstance(entry, dict) and entry.get("history_version") == HISTORY_VERSION:
            entries.append(entry)
            continue
        corrupt.append(number)
    return entries, corrupt


def _warn(report_dir: Path, lines: list[int]) -> None:
    """One warning on stderr per history line that could not be read."""
    path = report_dir / HISTORY_FILE
    for number in lines:
        sys.stderr.write(
            f"sesguard: warning: {path}:{number}: not a history entry; skipped (the file is left as it is)\n"
        )


@contextlib.contextmanager
def _locked(report_dir: Path) -> Iterator[None]:
    """Serialize history updates of concurrent runs (advisory lock; a no-op without fcntl)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(report_dir / ".history.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append(doc: Doc, report_dir: Path) -> list[Entry]:
    """Record ``doc`` in the history unless that run is already there; return all entries. Lines of the
    history that cannot be read are skipped, with a warning each (once per run: the reports written
    after this read the history quietly)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    entry = summarize(doc)
    with _locked(report_dir):
        entries, corrupt = _read(report_dir)
        _warn(report_dir, corrupt)
        if corrupt and all(e.get("key") != entry["key"] for e in entries):
            # Lines we cannot read are kept as they are (someone may want them): append, don't rewrite.
            with open(report_dir / HISTORY_FILE, "ab") as handle:
                handle.write(b"\n" + json.dumps(entry, separators=(",", ":")).encode() + b"\n")
            return [*entries, entry]
        if all(e.get("key") != entry["key"] for e in entries):
            entries = [*entries, entry][-MAX_RUNS:]
            for old in entries[:-KEEP_IDS]:
                old.pop("failing", None)
            text = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries)
            write_text_atomic(text, report_dir / HISTORY_FILE)
    return entries


def series(entries: Sequence[Entry], doc: Doc) -> list[Entry]:
    """The complete runs of ``doc``'s scope, oldest first, up to and including ``doc``'s run.

    Partial runs are left out: a ``--lf`` run of three failing rows is no 0% pass rate of the estate.
    """
    key, run_scope = run_key(doc), document.scope(doc)
    same = sorted(
        (e for e in entries if e.get("scope") == run_scope and not e.get("partial")),
        key=lambda e: str(e.get("started_at")),
    )
    keys = [e.get("key") for e in same]
    if key in keys:
        return same[: keys.index(key) + 1]
    started = str((doc.get("run") or {}).get("started_at"))
    return [e for e in same if str(e.get("started_at")) <= started]


def changes(entries: Sequence[Entry], doc: Doc) -> dict[str, Any]:
    """What changed since the previous complete run of the same scope: new, fixed and still failing rows.

    A partial run compares only the rows it ran: a row it did not select is not "fixed".
    """
    current = summarize(doc)
    prior = [e for e in series(entries, doc) if e.get("key") != current["key"]]
    previous = prior[-1] if prior else None
    if previous is None:
        return {"previous": None, "new": [], "fixed": [], "still": []}
    before: dict[str, str] = previous.get("failing") or {}
    now: dict[str, str] = current["failing"]
    status = {str(r.get("id")): str(r.get("status")) for r in doc.get("findings") or []}
    if current["partial"]:
        before = {i: s for i, s in before.items() if i in status}

    def order(ids: set[str], severities: Mapping[str, str]) -> list[str]:
        return sorted(ids, key=lambda i: (document.severity_rank(severities.get(i, "")), i))

    return {
        "previous": {k: previous.get(k) for k in ("started_at", "finished_at", "verdict", "key")},
        "new": order(set(now) - set(before), now),
        "fixed": [
            {"id": i, "severity": before[i], "now": status.get(i, "absent")}
            for i in order(set(before) - set(now), before)
        ],
        "still": order(set(now) & set(before), now),
    }
