"""DMARC with the organizational-domain fallback gives the same policy from CloudFormation, Terraform
(.tf and plan JSON) and a live account (DNS answered by an injected resolver), and "no record at any level" is a
verdict (None), not an error, in each."""

from __future__ import annotations

from pathlib import Path

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory
from sesguard.sources.cfn import read_cloudformation
from sesguard.sources.terraform import read_terraform

from .live_support import HOME, Scan

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "dmarc"  # plan.json: make_plans.sh

# identity -> DMARC policy that applies to it
EXPECTED = {
    "example.com": "reject",  # its own record
    "news.example.com": "quarantine",  # the organizational domain's sp=
    "shop.example.org": "none",  # its own record wins over the parent's
    "mail.example.net": None,  # no record at any level
}
RECORDS = {
    "_dmarc.example.com": "v=DMARC1; p=reject; sp=quarantine",
    "_dmarc.shop.example.org": "v=DMARC1; p=none",
    "_dmarc.example.org": "v=DMARC1; p=reject",
}


def _policies(inventory: Inventory) -> dict[str, object]:
    return {str(r.props["identity"]): r.props["dmarc_policy"] for r in inventory.resources if r.type == "email_identity"}


def test_cloudformation(tmp_path: Path) -> None:
    lines = ["Resources:"]
    for index, name in enumerate(EXPECTED):
        lines += [f"  Identity{index}:", "    Type: AWS::SES::EmailIdentity", f"    Properties: {{EmailIdentity: {name}}}"]
    for index, (name, value) in enumerate(RECORDS.items()):
        lines += [f"  Record{index}:", "    Type: AWS::Route53::RecordSet", "    Properties:",
                  "      HostedZoneId: Z0000000000EXAMPLE", f"      Name: {name}.", "      Type: TXT", "      TTL: '300'",
                  f"      ResourceRecords: ['\"{value}\"']"]
    (tmp_path / "t.yaml").write_text("\n".join(lines) + "\n")
    assert _policies(read_cloudformation(tmp_path / "t.yaml", "s")) == EXPECTED


def test_terraform() -> None:
    """The same identities and records as .tf, and as terraform's own plan of it."""
    assert _policies(read_terraform(FIXTURE / "main.tf", "s")) == EXPECTED


def test_terraform_plan() -> None:
    assert _policies(read_terraform(FIXTURE / "plan.json", "s")) == EXPECTED


def test_live(endpoint: LocalEndpoint, scan: Scan) -> None:
    v2 = endpoint.client("sesv2", HOME)
    for name in EXPECTED:
        v2.create_email_identity(EmailIdentity=name)
    inventory = scan(regions=[HOME], dns=True, resolver=lambda name: [RECORDS[name]] if name in RECORDS else [])
    assert _policies(inventory) == EXPECTED


def test_a_template_with_no_txt_record_at_all_says_no_record_for_an_unresolved_domain(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Parameters: {Domain: {Type: String}}\nResources:\n"
        "  Identity: {Type: AWS::SES::EmailIdentity, Properties: {EmailIdentity: !Ref Domain}}\n"
        "  Mx: {Type: AWS::Route53::RecordSet, Properties: {HostedZoneId: Z1, Name: !Sub 'mail.${Domain}.', "
        "Type: MX, TTL: '300', ResourceRecords: ['10 feedback-smtp.eu-west-1.amazonses.com']}}\n"
    )
    [identity] = [r for r in read_cloudformation(tmp_path / "t.yaml", "s").resources if r.type == "email_identity"]
    assert identity.props["dmarc_policy"] is None


def test_a_record_in_another_template_of_the_set_counts(tmp_path: Path) -> None:
    (tmp_path / "identity.yaml").write_text(
        "Resources: {Identity: {Type: AWS::SES::EmailIdentity, Properties: {EmailIdentity: news.example.com}}}\n"
    )
    (tmp_path / "dns.yaml").write_text(
        "Resources:\n  Dmarc:\n    Type: AWS::Route53::RecordSet\n    Properties: {HostedZoneId: Z1, "
        "Name: _dmarc.example.com., Type: TXT, TTL: '300', ResourceRecords: ['\"v=DMARC1; p=reject\"']}\n"
    )
    assert _policies(read_cloudformation(tmp_path, "s")) == {"news.example.com": "reject"}
