"""What a run writes at its end: findings.json and the other report formats, and ``--create-baseline``.

A file that cannot be written is not a crash: :class:`Outputs` says, in one line, what was not written
and why (the run then exits with the usage-error code).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sesguard.engine import Finding


@dataclass
class Outputs:
    """The files written, the baseline's one-line summary, and the problem that stopped a write."""

    written: list[str] = field(default_factory=list)
    baseline: str | None = None
    problem: str | None = None


def write_outputs(
    document: dict[str, Any],
    report_dir: Path,
    formats: Sequence[str],
    findings: Sequence[Finding],
    create_baseline: str | None,
    started_at: str,
) -> Outputs:
    """Write the reports of ``document`` into ``report_dir`` (findings.json always), then the baseline of
    every row of the run (``findings``) to ``create_baseline`` when given."""
    from sesguard.findings.writers import each_report

    outputs = Outputs()
    written: list[Path] = []
    try:
        for path in each_report(document, report_dir, formats):  # findings.json whatever formats says
            written.append(path)
    except OSError as exc:
        outputs.problem = (
            f"sesguard: --report-dir {report_dir}: cannot write the reports ({_write_problem(report_dir, exc)})"
        )
    if create_baseline:
        from sesguard.baseline import write as write_baseline

        try:
            count = write_baseline(findings, Path(create_baseline), started_at)
        except OSError as exc:
            outputs.problem = (
                f"sesguard: --create-baseline {create_baseline}: cannot write it "
                f"({_write_problem(Path(create_baseline).parent, exc)})"
            )
        else:
            written.append(Path(create_baseline))
            outputs.baseline = f"baseline: {create_baseline} records {count} failing row(s)"
    outputs.written = [str(p) for p in written]
    return outputs


def _write_problem(folder: Path, exc: OSError) -> str:
    """Why writing into ``folder`` failed, in words: a file in the way, or the system's reason."""
    blocked = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        return f"{blocked} is a file, not a folder"
    return exc.strerror or str(exc)
