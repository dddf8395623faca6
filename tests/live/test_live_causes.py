"""One clear line per account or region that could not be read, end to end (``pytest checks/ --aws``).

A missing role, a denied region, an opt-in region that is off, throttling that outlasts the retries,
expired credentials: each is one ``ERROR`` line on the terminal naming the account, the regions,
the AWS code and the fix, with how many rows it left unevaluated. findings.json keeps every affected
row as ``error`` with the code, lists the cause once under ``causes``, and everything else is
evaluated.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from sesguard.local import LocalEndpoint

from .live_support import ACCOUNT, HOME, OTHER, build_small_account, create_scan_role

CHECKS = Path(__file__).resolve().parents[2] / "checks"
MISSING = "222222222222"  # an account without the scan role
OFF = "me-south-1"  # an opt-in region that is not enabled
REGIONS = f"{HOME},{OTHER},{OFF}"

pytest_plugins = ("pytester",)


def _run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "--report-dir", str(out), *args
    )
    return result, json.loads((out / "findings.json").read_text())


def _cause_lines(result: pytest.RunResult) -> list[str]:
    return [line for line in result.stdout.lines if re.match(r"ERROR  [^ :]+ \(", line)]


def test_each_unreadable_account_or_region_is_one_line(
    endpoint: LocalEndpoint, pytester: pytest.Pytester
) -> None:
    build_small_account(endpoint)
    # denied region: every SES v2 call of eu-west-1
    endpoint.inject_fault("sesv2", "*", kind="access-denied", region=OTHER, account_id=ACCOUNT)
    # an opt-in region that is off answers every service with an unknown client
    for service in ("sesv2", "ses", "cloudwatch"):
        endpoint.inject_fault(service, "*", code="UnrecognizedClientException", status=403, region=OFF)
    # throttling that outlasts the retries, on one listing of us-east-1
    endpoint.inject_fault("sesv2", "ListConfigurationSets", kind="throttling", region=HOME, account_id=ACCOUNT)
    result, doc = _run(
        pytester, "--aws", "--regions", REGIONS, "--assume-role", "sesguard-readonly",
        "--accounts", f"{ACCOUNT},{MISSING}", "--timeout", "3",  # throttled calls retried for 3 s
        "--report-format", "json,markdown",
    )
    assert result.ret == 1
    lines = _cause_lines(result)
    expected = {
        (MISSING, "AccessDenied", "cannot assume"),
        (ACCOUNT, "AccessDeniedException", OTHER),
        (ACCOUNT, "UnrecognizedClientException", OFF),
        (ACCOUNT, "TooManyRequestsException", HOME),
    }
    assert len(lines) == len(expected), "\n".join(lines)
    for account, code, where in expected:
        [line] = [ln for ln in lines if ln.startswith(f"ERROR  {account} (") and f" {code}" in ln]
        assert where in line or "AssumeRole" in line, line
        assert "; fix: " in line and "rows of" in line
    [missing] = [ln for ln in lines if MISSING in ln]
    assert f"({OTHER}, {OFF}, {HOME}, IAM)" in missing and "create the role sesguard-readonly" in missing
    [off] = [ln for ln in lines if f"{ACCOUNT} ({OFF})" in ln]
    assert "enable the region" in off
    [throttled] = [ln for ln in lines if "TooManyRequestsException" in ln]
    assert "retried for 3 s (--timeout)" in throttled  # the deadline keeps AWS's code
    # no row line repeats a cause
    row_lines = [ln for ln in result.stdout.lines if ln.startswith("ERROR  SES-")]
    assert not [ln for ln in row_lines if MISSING in ln or OTHER in ln or OFF in ln], row_lines

    rows = {row["id"]: row for row in doc["findings"]}
    causes = {(c["account"], c["code"]): c for c in doc["causes"]}
    assert set(causes) == {(a, c) for a, c, _ in expected}
    for (account, code), cause in causes.items():
        for row_id in cause["rows"]:  # each affected row stays an error naming the AWS code
            assert rows[row_id]["status"] == "error" and code in rows[row_id]["message"], row_id
            assert rows[row_id]["resource"]["account"] == account
    missing_rows = [r for r in rows.values() if r["resource"]["account"] == MISSING]
    assert {r["status"] for r in missing_rows} == {"error", "skip"}  # skip: the template-only policies
    assert sorted(causes[(MISSING, "AccessDenied")]["rows"]) == sorted(
        r["id"] for r in missing_rows if r["status"] == "error"
    )
    # the Markdown report says each cause once, not in every policy's table
    markdown = (pytester.path / "out" / "report.md").read_text()
    said, _, by_policy = markdown.partition("### Failing rows by policy")
    assert "### Could not be read" in said and said.count(f"| `{MISSING}` |") == 1
    assert MISSING not in by_policy and OFF not in by_policy and "SES-IAM-007" in by_policy
    # everything else is still evaluated
    assert rows[f"SES-ID-001::{ACCOUNT}/{HOME}/example.com"]["status"] == "pass"
    assert rows[f"SES-IAM-007::{ACCOUNT}/user/smtp"]["status"] == "fail"
    assert rows[f"SES-REP-001::{ACCOUNT}/{HOME}"]["status"] == "fail"  # 3% bounce rate
    # whether the denied region is used is unknown (no identity list): its alarm rows are in the cause
    assert f"SES-MON-001::{ACCOUNT}/{OTHER}" in causes[(ACCOUNT, "AccessDeniedException")]["rows"]


def test_expired_credentials_are_one_line(endpoint: LocalEndpoint, pytester: pytest.Pytester,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    build_small_account(endpoint)
    create_scan_role(endpoint, ACCOUNT)
    endpoint.set_credential_lifetime(1)
    role = f"arn:aws:iam::{ACCOUNT}:role/sesguard-readonly"
    credentials = endpoint.client("sts", HOME).assume_role(RoleArn=role, RoleSessionName="ci")["Credentials"]
    time.sleep(1.5)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])
    result, doc = _run(pytester, "--aws", "--regions", f"{HOME},{OTHER}")
    assert result.ret == 1
    [line] = _cause_lines(result)
    assert line.startswith("ERROR  caller (IAM, all regions): ")
    assert "ExpiredToken" in line and "renew the credentials" in line
    assert not [ln for ln in result.stdout.lines if ln.startswith("ERROR  SES-")]
    assert {row["status"] for row in doc["findings"]} <= {"error", "skip"}
    [cause] = doc["causes"]
    assert cause["code"] == "ExpiredToken"
    assert len(cause["rows"]) == len([r for r in doc["findings"] if r["status"] == "error"])
