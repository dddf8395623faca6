"""``pytest checks/ --aws --assume-role ROLE --accounts ...``: one row set per account, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sesguard.local import LocalEndpoint

from .live_support import (
    HOME,
    caller_statements,
    create_scan_role,
    in_account,
    readonly_statement,
    scanner_user,
)

CHECKS = Path(__file__).resolve().parents[2] / "checks"
B, C = "222222222222", "333333333333"

pytest_plugins = ("pytester",)


def test_assume_role_accounts_through_pytest_checks(
    endpoint: LocalEndpoint, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_account(endpoint, B, "sesv2").create_email_identity(EmailIdentity="b.example")
    in_account(endpoint, C, "sesv2").create_email_identity(EmailIdentity="c.example")
    for account in (B, C):
        create_scan_role(endpoint, account)
    scanner_user(endpoint, [readonly_statement(), *caller_statements()], monkeypatch)
    endpoint.enforce_iam(enabled=True)
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "--aws", "--regions", HOME,
        "--assume-role", "sesguard-readonly", "--accounts", f"{B},{C}", "--report-dir", str(out),
        "-k", "SES-ID-001 or SES-ACCT-002",
    )
    rows = {row["id"]: row for row in json.loads((out / "findings.json").read_text())["findings"]}
    assert rows[f"SES-ID-001::{B}/{HOME}/b.example"]["status"] == "fail"  # created, never verified
    assert rows[f"SES-ID-001::{C}/{HOME}/c.example"]["resource"]["account"] == C
    assert rows[f"SES-ACCT-002::{B}/{HOME}"]["status"] == "pass"
    assert rows[f"SES-ACCT-002::{C}/{HOME}"]["status"] == "pass"
    assert not [r for r in rows.values() if r["status"] == "error"], result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines([f"sesguard: * {B} {HOME} done*"])
