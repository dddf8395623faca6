"""Applying user settings to findings: waivers (active, expired, stale, unused) and the fail threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sesguard.config import Settings, Waiver
from sesguard.engine import Finding
from sesguard.policies import SEVERITY_RANK


@dataclass(frozen=True)
class WaiverState:
    """What happened to one waiver in this run."""

    waiver: Waiver
    state: str  # active | expired | stale | unused | invalid (an inline suppression without a reason)
    renamed_to: str | None = None  # the row it matched by that row's former id (update the waiver)
    candidates: tuple[str, ...] = ()  # rows that all had this former id: the waiver matches none

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "policy_id": self.waiver.policy,
            "resource": self.waiver.resource,
            "reason": self.waiver.reason,
            "expires": self.waiver.expires.isoformat() if self.waiver.expires else None,
            "owner": self.waiver.owner,
            "origin": self.waiver.origin,
            "kind": self.waiver.kind,
            "state": self.state,
        }
        if self.renamed_to is not None:
            result["renamed_to"] = self.renamed_to
        if self.candidates:
            result["candidates"] = list(self.candidates)
        return result



def waiver_notice(waiver: dict[str, Any]) -> str | None:
    """The line to show for a waiver (``WaiverState.as_dict``) written with a row's former id."""
    old = f"{waiver['policy_id']}::{waiver['resource']}"
    if waiver.get("renamed_to"):
        return (
            f"renamed row: waiver {old} matched {waiver['renamed_to']} by its former id; "
            f"write the new id ({waiver['origin']})"
        )
    candidates = waiver.get("candidates") or []
    if candidates:
        return (
            f"ambiguous waiver: {old} is the former id of {len(candidates)} rows "
            f"({', '.join(candidates)}); it waives none of them: write one of the new ids "
            f"({waiver['origin']})"
        )
    return None


def _by_former_ids(
    findings: Sequence[Finding], waivers: Sequence[Waiver]
) -> tuple[dict[str, Waiver], dict[str, tuple[str, ...]]]:
    """Waivers that name no row but the former id of rows: (new row id -> waiver when exactly one row
    had that id, waiver row id -> the candidate rows when several did)."""
    current = {f.id for f in findings}
    former: dict[str, list[str]] = {}
    for finding in findings:
        for old in finding.former_ids:
            former.setdefault(old, []).append(finding.id)
    matched: dict[str, Waiver] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for waiver in waivers:
        if waiver.row_id in current:
            continue
        rows = sorted(set(former.get(waiver.row_id, [])))
        if len(rows) == 1:
            matched[rows[0]] = waiver
        elif rows:
            ambiguous[waiver.row_id] = tuple(rows)
    return matched, ambiguous


def fails_build(finding: Finding) -> bool:
    """Whether this row makes the run exit 1: an error, or a fail at or above the threshold."""
    return finding.status == "error" or (finding.status == "fail" and not finding.below_threshold)


def apply_settings(
    findings: Sequence[Finding], settings: Settings, today: date, extra: Sequence[Waiver] = ()
) -> tuple[list[Finding], list[WaiverState]]:
    """Mark waived rows and rows below the fail threshold; report each waiver's state.

    ``extra`` are inline suppressions and baseline entries: a waiver of the config wins over them;
    one without a reason waives nothing (``invalid``); a baseline entry never hides an ``error``.
    """
    by_row: dict[str, Waiver] = {}
    for candidate in [*settings.waivers, *extra]:
        if candidate.reason.strip():
            by_row.setdefault(candidate.row_id, candidate)
    by_former_id, ambiguous = _by_former_ids(findings, settings.waivers)
    renamed: dict[str, str] = {}
    used: dict[str, str] = {}
    threshold = SEVERITY_RANK[settings.fail_on]
    result = []
    for finding in findings:
        waiver = by_row.get(finding.id)
        if waiver is None and finding.id in by_former_id:
            waiver = by_former_id[finding.id]
            renamed[waiver.row_id] = finding.id
        if finding.status == "fail" and SEVERITY_RANK.get(finding.severity, 0) < threshold:
            finding = replace(finding, below_threshold=True)
        if waiver is not None and waiver.kind == "baseline" and finding.status == "error":
            waiver = None
        if waiver is not None:
            expires = waiver.expires.isoformat() if waiver.expires else None
            info = {"reason": waiver.reason, "expires": expires, "origin": waiver.origin, "kind": waiver.kind}
            if finding.status in ("fail", "error"):
                if waiver.expired(today):
                    used[waiver.row_id] = "expired"
                    finding = replace(
                        finding,
                        waiver={**info, "state": "expired"},
                        message=f"{finding.message} (waiver expired on {expires})",
                    )
                else:
                    used[waiver.row_id] = "active"
                    finding = replace(
                        finding,
                        status="waived",
                        waiver={**info, "state": "active"},
                        notes=(*finding.notes, f"was {finding.status}"),
                    )
            else:
                used[waiver.row_id] = "stale"
                finding = replace(finding, waiver={**info, "state": "stale"})
        result.append(finding)
    states = [
        WaiverState(
            w,
            used.get(w.row_id, "unused") if w.reason.strip() else "invalid",
            renamed.get(w.row_id),
            ambiguous.get(w.row_id, ()),
        )
        for w in [*settings.waivers, *extra]
    ]
    return result, states
