"""The sesguard section at the end of a run's terminal output: failing rows, counts, waivers, files.

Plain lines built from the findings document, the rows and their outcomes; the pytest plugin prints them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sesguard.causes import cause_line
from sesguard.engine import Finding
from sesguard.findings.build import POLICY_SOURCE
from sesguard.severity import SEVERITY_RANK
from sesguard.terminal import row_line, safe
from sesguard.verdicts import waiver_notice


def failing_lines(
    findings: Sequence[Finding], outcomes: Mapping[str, str], causes: Sequence[Mapping[str, Any]] = ()
) -> list[str]:
    """One terminal line per cause shared by error rows (an account or region that could not be
    read), then one per other row that failed the run, most severe first."""
    grouped = {row_id for cause in causes for row_id in cause.get("rows") or ()}
    lines = [cause_line(cause) for cause in causes]
    failing = [f for f in findings if outcomes.get(f.id) == "failed" and f.id not in grouped]
    failing.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.id))
    return lines + [f"{'ERROR ' if f.status == 'error' else 'FAILED'} {safe(f.id)} {row_line(f)}" for f in failing]


def policy_problem_lines(document: Mapping[str, Any]) -> list[str]:
    """One line per policy file that could not be loaded (the run still checked every other policy)."""
    lines = []
    for problem in document.get("input_problems") or ():
        if problem.get("source") == POLICY_SOURCE:
            where = f"{problem['file']}:{problem['line']}" if problem.get("line") else problem["file"]
            text = f"ERROR  {where}: {problem['message']} (policy not loaded: no rows; exit code 4)"
            lines.append(safe(text, limit=2000))
    return lines


def summary_lines(
    document: Mapping[str, Any],
    findings: Sequence[Finding],
    outcomes: Mapping[str, str],
    soft_fail: bool = False,
) -> list[str]:
    """The failing rows (by cause), the verdict with counts by status and severity, and the waivers,
    suppressions and baseline entries that need attention."""
    summary = document["summary"]
    lines = policy_problem_lines(document)
    lines += failing_lines(findings, outcomes, document.get("causes") or ())
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_status"].items() if n)
    soft = " (--soft-fail: exit code 0)" if soft_fail else ""
    lines.append(f"verdict: {summary['verdict']} ({counts or 'no rows'}){soft}")
    for severity, by_status in summary["by_severity"].items():
        failing = by_status["fail"] + by_status["error"]
        if failing:
            lines.append(f"  {severity}: {by_status['fail']} fail, {by_status['error']} error")
    baseline_states: dict[str, int] = {}
    for waiver in document["waivers"]:
        notice = waiver_notice(waiver)
        if notice is not None:
            lines.append(f"  {safe(notice, limit=2000)}")
    for waiver in document["waivers"]:
        kind = waiver.get("kind", "waiver")
        if kind == "baseline":
            baseline_states[waiver["state"]] = baseline_states.get(waiver["state"], 0) + 1
            continue
        name = "suppression" if kind == "inline" else "waiver"
        if waiver["state"] in ("stale", "expired", "unused"):
            lines.append(
                f"  {waiver['state']} {name}: {waiver['policy_id']}::{waiver['resource']} ({waiver['origin']})"
            )
        elif waiver["state"] == "invalid":
            lines.append(
                f"  invalid {name}: {waiver['policy_id']}::{waiver['resource']} ({waiver['origin']}): "
                "a reason is required; it suppresses nothing"
            )
    if baseline_states:
        lines.append(
            "  baseline: "
            + ", ".join(f"{n} {state}" for state, n in sorted(baseline_states.items()))
            + " (stale/unused entries no longer fail: --create-baseline again to drop them)"
        )
    return lines
