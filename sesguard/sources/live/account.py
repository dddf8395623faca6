"""The account resource of one region: SES v2 ``GetAccount`` normalized to base properties."""

from __future__ import annotations

from typing import Any

from sesguard.sources.live.values import upper, upper_list

# The account properties GetAccount provides (all Unknown when it fails).
ACCOUNT_PROPS = (
    "enforcement_status",
    "sending_enabled",
    "production_access_enabled",
    "suppressed_reasons",
    "vdm_enabled",
)


def account_props(response: dict[str, Any]) -> dict[str, Any]:
    """Base properties of ``account`` from a ``GetAccount`` response."""
    suppression = response.get("SuppressionAttributes")
    reasons = None
    if isinstance(suppression, dict) and "SuppressedReasons" in suppression:
        reasons = upper_list(suppression["SuppressedReasons"])
    vdm = response.get("VdmAttributes") or {}
    return {
        "enforcement_status": upper(response.get("EnforcementStatus")),
        "sending_enabled": bool(response.get("SendingEnabled", False)),
        "production_access_enabled": bool(response.get("ProductionAccessEnabled", False)),
        "suppressed_reasons": reasons,
        "vdm_enabled": upper(vdm.get("VdmEnabled")) == "ENABLED",
    }
