"""The stable mapping from sesguard policy IDs to cfn-lint rule IDs (one rule per policy).

``SES-<AREA>-<NNN>`` becomes ``<L>9<A><NN>``: ``L`` is the severity letter cfn-lint reads (``E`` for
critical and high, ``W`` for medium and low, ``I`` for info), ``A`` the area's digit below (fixed
forever; a new area takes a free digit), ``NN`` the policy number. ``SES-CS-001`` (high) is
``E9101``; ``SES-IAM-010`` (critical) is ``E9310``. The digit 5 is never used, so the former group
rules ``E9501`` / ``W9502`` / ``I9503`` match no policy: configurations that named them stop
hiding anything rather than hide one policy by accident.
"""

from __future__ import annotations

import re
from typing import Final

AREA_DIGITS: Final = {
    "ACCT": "0",
    "CS": "1",
    "ID": "2",
    "IAM": "3",
    "MON": "4",
    "RCV": "6",
    "REP": "7",
    "SUP": "8",
    "VDM": "9",
}
SEVERITY_LETTERS: Final = {"critical": "E", "high": "E", "medium": "W", "low": "W", "info": "I"}
_POLICY_ID: Final = re.compile(r"^SES-([A-Z]+)-(\d{3})$")


class NoRuleId(ValueError):
    """A policy ID outside the mapping (an unknown area, or a number above 99)."""


def rule_id(policy_id: str, severity: str) -> str:
    """The cfn-lint rule ID of a policy; raises :class:`NoRuleId` when it has none."""
    match = _POLICY_ID.match(policy_id)
    if match is None or match.group(1) not in AREA_DIGITS or int(match.group(2)) > 99:
        raise NoRuleId(f"{policy_id}: no cfn-lint rule ID (areas: {', '.join(AREA_DIGITS)}; numbers up to 99)")
    return f"{SEVERITY_LETTERS[severity]}9{AREA_DIGITS[match.group(1)]}{match.group(2)[1:]}"
