"""Receipt rules of the region's active rule set (SES v1 ``DescribeActiveReceiptRuleSet``).

Email receiving exists only in some regions; elsewhere the API answers ``InvalidAction``
("Unavailable Operation"). That answer means "no receipt rules here", not a failure: the region is
listed in ``meta["live"]["receipt_unavailable"]`` and no error is raised. Only the active rule set
is read (inactive sets receive no mail).
"""

from __future__ import annotations

from typing import Any, Final

from botocore.exceptions import ClientError

from sesguard.model import RECEIPT_RULE, Resource
from sesguard.model import ses_defaults as defaults
from sesguard.sources.live.errors import AWS_ERRORS, Collected, error_code
from sesguard.sources.live.scope import Scope
from sesguard.sources.live.session import Client
from sesguard.sources.live.values import upper

NOT_OFFERED_CODES: Final = frozenset({"InvalidAction"})


def rule_props(rule: dict[str, Any], rule_set: str) -> dict[str, Any]:
    """Base properties of one receipt rule (AWS defaults where absent)."""
    return {
        "name": rule.get("Name"),
        "rule_set": rule_set,
        "enabled": bool(rule.get("Enabled", defaults.RECEIPT_RULE_ENABLED)),
        "scan_enabled": bool(rule.get("ScanEnabled", defaults.RECEIPT_RULE_SCAN_ENABLED)),
        "tls_policy": upper(rule.get("TlsPolicy")) or defaults.TLS_POLICY,
        "rule_set_active": True,
    }


def read_receipt_rules(v1: Client, scope: Scope, out: Collected) -> None:
    """Read the active rule set's rules into ``out``."""
    try:
        response = v1.describe_active_receipt_rule_set()
    except AWS_ERRORS as exc:
        if isinstance(exc, ClientError) and error_code(exc) in NOT_OFFERED_CODES:
            out.notes.setdefault("receipt_unavailable", []).append(scope.set_name)
            return
        out.fail_types(
            exc,
            operation="DescribeActiveReceiptRuleSet",
            set_ref=scope.set_ref,
            location=scope.location(),
            affects=(RECEIPT_RULE,),
        )
        return
    rule_set = (response.get("Metadata") or {}).get("Name")
    if not rule_set:
        return
    for rule in response.get("Rules", []):
        name = rule.get("Name")
        out.resources.append(
            Resource(
                type=RECEIPT_RULE,
                id=str(name),
                location=scope.location(scope.ses_arn(f"receipt-rule-set/{rule_set}:receipt-rule/{name}")),
                set_ref=scope.set_ref,
                props=rule_props(rule, rule_set),
                native_type="AWS::SES::ReceiptRule",
            )
        )
