"""Facts known symbolically decide what they can: an address ``reply@${Domain}`` next to a domain
identity ``${Domain}`` has its domain identity in the set, a MAIL FROM ``bounce.${Domain}`` is set;
an identity whose kind (domain or address) is unknown is not judged by domain-only policies on a
guess. The same in CloudFormation and Terraform."""

from __future__ import annotations

from pathlib import Path

import pytest

from sesguard.model import Inventory, Unknown
from sesguard.model.identity import address_domain
from sesguard.policies import load_policies
from sesguard.run import evaluate
from sesguard.sources.cfn import read_cloudformation
from sesguard.sources.terraform import read_terraform
from sesguard.symbolic import symbolic

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "symbolic"
POLICIES = ("SES-ID-002", "SES-ID-003", "SES-ID-004", "SES-ID-005", "SES-ID-006")


def _rows(inventory: Inventory) -> dict[str, tuple[str, str]]:
    policies = [p for p in load_policies() if p.id in POLICIES]
    rows = evaluate(inventory, policies).findings
    return {f"{r.policy_id}::{r.resource.id}": (r.status, r.message) for r in rows}


def test_cloudformation() -> None:
    rows = _rows(read_cloudformation(FIXTURE / "template.yaml", "s"))
    assert rows["SES-ID-002::Reply"][0] == "pass"
    for policy in ("SES-ID-003", "SES-ID-004", "SES-ID-005", "SES-ID-006"):
        status, message = rows[f"{policy}::DomainIdentity"]
        assert status == "error" and "cannot tell whether the resource is in this policy's scope" in message


def test_terraform() -> None:
    rows = _rows(read_terraform(FIXTURE / "tf", "s"))
    assert rows["SES-ID-002::aws_sesv2_email_identity.reply"][0] == "pass"
    assert rows["SES-ID-002::aws_sesv2_email_identity.other"][0] == "error"  # no identity for that variable
    assert rows["SES-ID-005::aws_ses_domain_identity.d"][0] == "pass"  # bounce.${...} is set
    assert rows["SES-ID-006::aws_ses_domain_identity.d"][0] == "fail"  # no _dmarc record at all: a verdict


@pytest.mark.parametrize(
    ("parts", "symbol", "exists"),
    [(["reply@", Unknown("v", symbol="${var.d}")], "reply@${var.d}", True),
     ([Unknown("v", symbol="${var.d}")], "${var.d}", False),
     (["bounce.", Unknown("unresolved")], None, False)],
)
def test_symbols(parts: list[object], symbol: str | None, exists: bool) -> None:
    value = symbolic("why", parts)
    assert (value.symbol, value.exists) == (symbol, exists)


def test_address_domain() -> None:
    assert address_domain("a@example.com") == "example.com" and address_domain("example.com") is None
    tail = address_domain(Unknown("v", symbol="reply@${var.d}"))
    assert isinstance(tail, Unknown) and tail.symbol == "${var.d}"
    assert address_domain(Unknown("v", symbol="${var.address}")) is None  # may be anything
