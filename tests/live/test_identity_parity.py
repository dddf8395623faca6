"""An identity's kind and domain are the same fact from CloudFormation, Terraform and a live account
(``sesguard.model.identity``): ``Ops@Mail.Example.COM`` is an address in ``mail.example.com``
everywhere, and its DMARC policy is looked up there (the organizational domain's record applies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory
from sesguard.sources.cfn import read_cloudformation
from sesguard.sources.terraform import read_terraform

from .live_support import HOME, Scan

ADDRESS = "Ops@Mail.Example.COM"
DOMAIN = "Mail.Example.COM"
RECORD = "v=DMARC1; p=reject"  # at _dmarc.example.com: the organizational domain's record
EXPECTED = {
    ADDRESS: {"identity_type": "EMAIL_ADDRESS", "domain": "mail.example.com", "dmarc_policy": "reject"},
    DOMAIN: {"identity_type": "DOMAIN", "domain": "mail.example.com", "dmarc_policy": "reject"},
}


def _facts(inventory: Inventory) -> dict[str, dict[str, Any]]:
    return {
        str(r.props["identity"]): {k: r.props[k] for k in ("identity_type", "domain", "dmarc_policy")}
        for r in inventory.resources
        if r.type == "email_identity"
    }


def test_cloudformation(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Resources:\n"
        f"  Address: {{Type: AWS::SES::EmailIdentity, Properties: {{EmailIdentity: {ADDRESS}}}}}\n"
        f"  Domain: {{Type: AWS::SES::EmailIdentity, Properties: {{EmailIdentity: {DOMAIN}}}}}\n"
        "  Dmarc: {Type: AWS::Route53::RecordSet, Properties: {HostedZoneId: Z1, Name: _dmarc.Example.com.,"
        f" Type: TXT, TTL: '300', ResourceRecords: ['\"{RECORD}\"']}}}}\n"
    )
    assert _facts(read_cloudformation(tmp_path / "t.yaml", "s")) == EXPECTED


def test_terraform(tmp_path: Path) -> None:
    """The v2 resource (kind told from the name) and the v1 ones (kind declared) agree."""
    record = f'resource "aws_route53_record" "d" {{\n  zone_id = "Z1"\n  name = "_dmarc.example.com"\n  type = "TXT"\n  ttl = 300\n  records = ["{RECORD}"]\n}}\n'  # fmt: skip
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "main.tf").write_text(
        f'resource "aws_sesv2_email_identity" "a" {{ email_identity = "{ADDRESS}" }}\n'
        f'resource "aws_sesv2_email_identity" "d" {{ email_identity = "{DOMAIN}" }}\n' + record
    )
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "main.tf").write_text(
        f'resource "aws_ses_email_identity" "a" {{ email = "{ADDRESS}" }}\n'
        f'resource "aws_ses_domain_identity" "d" {{ domain = "{DOMAIN}" }}\n' + record
    )
    assert _facts(read_terraform(tmp_path / "v2", "s")) == EXPECTED
    assert _facts(read_terraform(tmp_path / "v1", "s")) == EXPECTED


def test_live(endpoint: LocalEndpoint, scan: Scan) -> None:
    v2 = endpoint.client("sesv2", HOME)
    for name in EXPECTED:
        v2.create_email_identity(EmailIdentity=name)
    inventory = scan(regions=[HOME], dns=True, resolver=lambda name: [RECORD] if name == "_dmarc.example.com" else [])
    assert _facts(inventory) == EXPECTED
