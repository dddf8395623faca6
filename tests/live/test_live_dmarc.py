"""DMARC look-ups through an injected resolver (never real DNS)."""

from __future__ import annotations

import pytest

import sesguard.sources.live.collector as collector
from sesguard.local import LocalEndpoint
from sesguard.model import Unknown
from sesguard.sources.live.dmarc import DmarcChecker, dmarc_tags

from .live_support import ACCOUNT, HOME, Scan

RECORDS = {
    "_dmarc.example.com": ["v=spf1 -all", "v=DMARC1; p=Reject; rua=mailto:d@example.com"],
    "_dmarc.org.example": ["v=DMARC1; p=quarantine; sp=none"],
    "_dmarc.twice.example": ["v=DMARC1; p=none", "v=DMARC1; p=reject"],
}


def resolver(name: str) -> list[str]:
    if name == "_dmarc.broken.example":
        raise TimeoutError("no answer")
    return RECORDS.get(name, [])


def test_policies_per_identity(endpoint: LocalEndpoint, scan: Scan) -> None:
    v2 = endpoint.client("sesv2", HOME)
    for name in ("example.com", "news@example.com", "mail.org.example", "none.example", "broken.example"):
        v2.create_email_identity(EmailIdentity=name)
    looked_up: list[str] = []

    def counting(name: str) -> list[str]:
        looked_up.append(name)
        return resolver(name)

    inventory = scan(regions=[HOME], dns=True, resolver=counting)
    policies = {
        r.id: (r.props["dmarc_checked"], r.props["dmarc_policy"])
        for r in inventory.resources
        if r.type == "email_identity"
    }
    assert policies == {
        "example.com": (True, "reject"),
        "news@example.com": (True, "reject"),
        "mail.org.example": (True, "none"),  # organizational domain's sp=
        "none.example": (True, None),
        "broken.example": (True, Unknown("DNS TXT _dmarc.broken.example: TimeoutError: no answer")),
    }
    assert looked_up.count("_dmarc.example.com") == 1  # cached per domain
    assert inventory.errors == []
    assert f"{ACCOUNT}/{HOME}" in inventory.sets


def test_dns_off_by_default(endpoint: LocalEndpoint, scan: Scan) -> None:
    endpoint.client("sesv2", HOME).create_email_identity(EmailIdentity="example.com")
    [identity] = [r for r in scan(regions=[HOME]).resources if r.type == "email_identity"]
    assert identity.props["dmarc_checked"] is False and identity.props["dmarc_policy"] is None


def test_dns_without_dnspython_says_why(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collector, "default_resolver", lambda: None)
    endpoint.client("sesv2", HOME).create_email_identity(EmailIdentity="example.com")
    inventory = scan(regions=[HOME], dns=True)
    [identity] = [r for r in inventory.resources if r.type == "email_identity"]
    # --dns was asked for: the row must be an error naming the missing package, never a skip or a pass
    assert identity.props["dmarc_checked"] is True
    assert isinstance(identity.props["dmarc_policy"], Unknown)
    assert "sesguard[dns]" in identity.props["dmarc_policy"].reason
    assert "dnspython" in inventory.meta["live"]["dns"]


def test_record_parsing() -> None:
    assert dmarc_tags(["v=DMARC1;p=none"]) == {"v": "DMARC1", "p": "none"}
    assert dmarc_tags(["v=spf1 -all"]) is None
    assert dmarc_tags(RECORDS["_dmarc.twice.example"]) is None  # RFC 7489: several records = none
    assert DmarcChecker(resolver).policy("twice.example") is None
