"""Verdicts that issue 12 asks for, from CloudFormation and Terraform alike, through ``pytest checks/``
(real cfn-lint decoding, real HCL parsing):

* DMARC with the organizational-domain fallback: the same identities and ``_dmarc`` records as a
  template, a .tf module and terraform's plan of it give the same SES-ID-006 verdicts: pass on the
  domain's own ``p=reject``, on the organizational domain's ``sp=quarantine`` and on a subdomain's own
  ``p=none`` (allowed by default), fail where there is no record at any level (a verdict, not an error).
  (tests/live/test_dmarc_parity.py compares the facts with a live account.)
* An identity whose kind is unknown (a parameter / variable without default may be a domain or an
  address) is an error on every domain-only policy, never a verdict on a guess; a literal domain
  beside it is judged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


DMARC = {  # identity -> SES-ID-006
    "example.com": "pass",  # its own p=reject
    "news.example.com": "pass",  # the organizational domain's sp=quarantine
    "shop.example.org": "pass",  # its own p=none (allowed by default) wins over example.org's p=reject
    "mail.example.net": "fail",  # no record at any level: a verdict, not an error
}
DMARC_IDS = {  # the resource of each identity: CloudFormation logical ID, Terraform address
    "cfn": {f"Identity{i}": name for i, name in enumerate(DMARC)},
    "tf": {f"aws_sesv2_email_identity.i{i}": name for i, name in enumerate(DMARC)},
}
DOMAIN_ONLY = ("SES-ID-003", "SES-ID-004", "SES-ID-005", "SES-ID-006")
SCOPE_UNKNOWN = "cannot tell whether the resource is in this policy's scope"


@pytest.fixture(scope="module")
def rows(run_dir: Path) -> dict[str, dict[tuple[str, str], tuple[str, str]]]:
    """Per set: ``(policy, resource id) -> (status, message)``."""
    doc: dict[str, Any] = json.loads((run_dir / "out" / "findings.json").read_text(encoding="utf-8"))
    found: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}
    for row in doc["findings"]:
        key = (row["policy_id"], row["resource"]["id"])
        found.setdefault(row["resource"]["set"], {})[key] = (row["status"], row["message"])
    return found


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ``pytest checks/`` run over the five inputs (a subprocess, as users run it)."""
    import subprocess
    import sys

    work = tmp_path_factory.mktemp("verdicts")
    shutil.copy(FIXTURES / "dmarc" / "template.yaml", work / "dmarc.yaml")
    (work / "dmarc-tf").mkdir()
    shutil.copy(FIXTURES / "dmarc" / "main.tf", work / "dmarc-tf" / "main.tf")
    shutil.copy(FIXTURES / "dmarc" / "plan.json", work / "dmarc-plan.json")
    shutil.copy(FIXTURES / "symbolic" / "template.yaml", work / "kind.yaml")
    shutil.copytree(FIXTURES / "symbolic" / "unknown_kind", work / "kind-tf")
    command = [
        sys.executable, "-m", "pytest", str(REPO / "checks"), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
        "-p", "no:randomly", "--tb=no", "-q", "-k", " or ".join(("SES-ID-002", *DOMAIN_ONLY)),
        "--report-dir", "out", "--templates", "dmarc.yaml", "dmarc-tf", "dmarc-plan.json", "kind.yaml", "kind-tf",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    return work


@pytest.mark.parametrize(
    ("set_name", "kind"), [("dmarc.yaml", "cfn"), ("dmarc-tf", "tf"), ("dmarc-plan.json", "tf")]
)
def test_dmarc_with_the_organizational_fallback(
    rows: dict[str, dict[tuple[str, str], tuple[str, str]]], set_name: str, kind: str
) -> None:
    found = {
        DMARC_IDS[kind][rid]: status
        for (policy, rid), (status, _) in rows[set_name].items()
        if policy == "SES-ID-006"
    }
    assert found == DMARC


@pytest.mark.parametrize(
    ("set_name", "unknown", "literal"),
    [("kind.yaml", "DomainIdentity", None),
     ("kind-tf", "aws_sesv2_email_identity.maybe_domain", "aws_sesv2_email_identity.literal")],
)  # fmt: skip
def test_an_identity_of_unknown_kind_is_not_judged_on_a_guess(
    rows: dict[str, dict[tuple[str, str], tuple[str, str]]], set_name: str, unknown: str, literal: str | None
) -> None:
    found = rows[set_name]
    for policy in DOMAIN_ONLY:
        status, message = found[(policy, unknown)]
        assert status == "error" and SCOPE_UNKNOWN in message, (policy, message)
        if literal is not None:  # the control: a literal domain gets a verdict
            assert found[(policy, literal)][0] in ("pass", "fail"), policy
