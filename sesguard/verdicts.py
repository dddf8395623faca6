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
    state: str  # active | expired | stale | unused

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.waiver.policy,
            "resource": self.waiver.resource,
            "reason": self.waiver.reason,
            "expires": self.waiver.expires.isoformat(),
            "owner": self.waiver.owner,
            "origin": self.waiver.origin,
            "state": self.state,
        }


def fails_build(finding: Finding) -> bool:
    """Whether this row makes the run exit 1: an error, or a fail at or above the threshold."""
    return finding.status == "error" or (finding.status == "fail" and not finding.below_threshold)


def apply_settings(
    findings: Sequence[Finding], settings: Settings, today: date
) -> tuple[list[Finding], list[WaiverState]]:
    """Mark waived rows and rows below the fail threshold; report each waiver's state."""
    by_row = {w.row_id: w for w in settings.waivers}
    used: dict[str, str] = {}
    threshold = SEVERITY_RANK[settings.fail_on]
    result = []
    for finding in findings:
        waiver = by_row.get(finding.id)
        if finding.status == "fail" and SEVERITY_RANK.get(finding.severity, 0) < threshold:
            finding = replace(finding, below_threshold=True)
        if waiver is not None:
            info = {"reason": waiver.reason, "expires": waiver.expires.isoformat(), "origin": waiver.origin}
            if finding.status in ("fail", "error"):
                if waiver.expired(today):
                    used[waiver.row_id] = "expired"
                    finding = replace(
                        finding,
                        waiver={**info, "state": "expired"},
                        message=f"{finding.message} (waiver expired on {waiver.expires.isoformat()})",
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
    states = [WaiverState(w, used.get(w.row_id, "unused")) for w in settings.waivers]
    return result, states
