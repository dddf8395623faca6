"""A baseline of the failing rows of an estate, so later runs fail only on new findings.

``--create-baseline FILE`` records the ids of the rows that fail now (row ids are stable: the same
policy on the same resource keeps its id); ``--baseline FILE`` then waives exactly those rows while
they keep failing, shown as waived with the baseline as the reason. A row that passes later no longer
needs its entry (reported as stale), and an ``error`` row is never hidden by a baseline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from sesguard import __version__
from sesguard.atomic import write_json_atomic
from sesguard.config import ConfigError, Waiver
from sesguard.engine import Finding

BASELINE_FORMAT: Final = "sesguard-baseline"
BASELINE_VERSION: Final = 1
MAX_BYTES: Final = 64 * 1024 * 1024


def build(findings: Sequence[Finding], created_at: str) -> dict[str, Any]:
    """The baseline document of a run: its failing rows by id."""
    rows = {
        f.id: {"policy_id": f.policy_id, "severity": f.severity, "file": f.resource.location.file}
        for f in sorted(findings, key=lambda f: f.id)
        if f.status == "fail"
    }
    return {
        "format": BASELINE_FORMAT,
        "format_version": BASELINE_VERSION,
        "created_at": created_at,
        "tool_version": __version__,
        "rows": rows,
    }


def write(findings: Sequence[Finding], path: Path, created_at: str) -> int:
    """Write the baseline of ``findings`` to ``path``; returns the number of rows recorded."""
    document = build(findings, created_at)
    write_json_atomic(document, path)
    return len(document["rows"])


def read(path: Path) -> list[Waiver]:
    """The baseline's rows as waivers (kind ``baseline``); a bad file is a ConfigError (exit 4)."""
    from sesguard.sources.input_files import read_regular

    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{path}: baseline larger than {MAX_BYTES // (1024 * 1024)} MiB")
        data = json.loads(read_regular(path, MAX_BYTES).decode("utf-8"))  # a FIFO is refused, never waited on
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found (create it with --create-baseline {path})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"{path}: not a sesguard baseline: invalid JSON ({exc})") from exc
    if (
        not isinstance(data, dict)
        or data.get("format") != BASELINE_FORMAT
        or data.get("format_version") != BASELINE_VERSION
        or not isinstance(data.get("rows"), dict)
    ):
        raise ConfigError(f"{path}: not a {BASELINE_FORMAT} version {BASELINE_VERSION} file")
    reason = f"in the baseline {path} of {data.get('created_at') or 'unknown date'}"
    waivers = []
    for row_id in data["rows"]:
        policy, sep, resource = str(row_id).partition("::")
        if not sep or not resource:
            raise ConfigError(f"{path}: rows: {row_id!r} is not a row id (POLICY::resource)")
        waivers.append(Waiver(policy, resource, reason, None, str(path), kind="baseline"))
    return waivers
