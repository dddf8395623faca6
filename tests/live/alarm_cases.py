"""The alarm cases of SES-MON-001/002 (tests/fixtures/alarms/cases.json) and how a run judges them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sesguard.model import Inventory
from sesguard.policies import load_policies
from sesguard.run import evaluate

ALARMS = Path(__file__).resolve().parents[1] / "fixtures" / "alarms"
CASES: list[dict[str, Any]] = json.loads((ALARMS / "cases.json").read_text())["cases"]
MONITORING = ("SES-MON-001", "SES-MON-002")
SENDING_ONLY = ("SES-VDM-001", "SES-SUP-001")  # account policies about sending settings


def verdicts(inventory: Inventory, policy_ids: tuple[str, ...] = MONITORING) -> dict[str, str]:
    """``{policy id: status}`` of the account rows of an inventory holding one set (or one region)."""
    policies = [p for p in load_policies() if p.id in policy_ids]
    rows = evaluate(inventory, policies).findings
    found: dict[str, str] = {}
    for row in rows:
        assert row.policy_id not in found, f"two rows for {row.policy_id}: {row.id}"
        found[row.policy_id] = row.status
    return found


def messages(inventory: Inventory) -> dict[str, str]:
    """``{policy id: message}`` of the monitoring rows."""
    policies = [p for p in load_policies() if p.id in MONITORING]
    return {r.policy_id: r.message for r in evaluate(inventory, policies).findings}
