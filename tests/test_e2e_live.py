"""End to end: ``pytest checks/ --aws`` against the local SES endpoint serving the demo account.

The checks run in a real pytest subprocess, through real boto3/botocore over HTTP on 127.0.0.1, as
the demo's read-only auditor (IAM enforced with only ``sesguard/iam-readonly-policy.json``).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("moto", reason="the local SES endpoint needs the 'local' extra (moto)")

from demo_expected import EXPECTED

from sesguard.local import LocalEndpoint
from sesguard.local.demo import ACCOUNT_ID, DemoInfo, build_demo

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"
REGIONS = "us-east-1,eu-west-1"

pytest_plugins = ("pytester",)


@pytest.fixture
def endpoint(endpoint_server: LocalEndpoint) -> LocalEndpoint:
    """The session's endpoint (tests/conftest.py)."""
    return endpoint_server


@pytest.fixture
def demo(endpoint: LocalEndpoint, monkeypatch: pytest.MonkeyPatch) -> DemoInfo:
    endpoint.reset()
    info = build_demo(endpoint.url)
    endpoint.enforce_iam(enabled=True)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", info.auditor_access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", info.auditor_secret_access_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    return info


def run_checks(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", *args)


def load(report_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((report_dir / "findings.json").read_text())
    return data


def expected_row_id(policy: str, region: str, resource: str) -> str:
    if region == "global":
        return f"{policy}::{ACCOUNT_ID}/user/{resource}"
    if resource == "account":
        return f"{policy}::{ACCOUNT_ID}/{region}"
    return f"{policy}::{ACCOUNT_ID}/{region}/{resource}"


def test_demo_scan_gives_the_expected_verdicts_and_a_replayable_snapshot(
    pytester: pytest.Pytester, demo: DemoInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, snapshot = pytester.path / "out", pytester.path / "inventory.json"
    result = run_checks(pytester, "--aws", "--regions", REGIONS, "--report-dir", str(out),
                        "--inventory-out", str(snapshot), "-rA", "-v")
    assert result.ret == 1
    doc = load(out)
    rows = {row["id"]: row for row in doc["findings"]}
    mismatches = []
    for policy, region, resource, status in EXPECTED:
        row = rows.get(expected_row_id(policy, region, resource))
        if row is None or row["status"] != status:
            mismatches.append((policy, region, resource, status, row and row["status"], row and row["message"]))
    assert not mismatches, mismatches
    # rows name the resource as users know it, with account, region and ARN
    identity = rows[f"SES-ID-001::{ACCOUNT_ID}/us-east-1/example.com"]["resource"]
    assert identity["type"] == "email_identity" and identity["id"] == "example.com"
    assert (identity["account"], identity["region"]) == (ACCOUNT_ID, "us-east-1")
    assert identity["arn"] == f"arn:aws:ses:us-east-1:{ACCOUNT_ID}:identity/example.com"
    account = rows[f"SES-ACCT-001::{ACCOUNT_ID}/eu-west-1"]
    assert account["resource"]["type"] == "account" and account["severity"] == "critical"
    assert "PROBATION" in account["message"]
    bounce = rows[f"SES-REP-001::{ACCOUNT_ID}/eu-west-1"]
    assert bounce["status"] == "fail" and bounce["severity"] == "high"  # 6% is in the review band
    # failure text names the place, the observed and expected values and the fix
    result.stdout.fnmatch_lines([f"{ACCOUNT_ID}/eu-west-1*SES-ACCT-001 ?critical?*", "*PROBATION*", "fix: *"])
    result.stdout.fnmatch_lines(["sesguard: *"])  # progress while collecting
    rates = {(r["region"]): r for r in doc["rates"]}
    assert rates["eu-west-1"]["bounce_rate"] == pytest.approx(0.06)
    # the secret key of the scanner never reaches output or files
    secret = demo.auditor_secret_access_key
    assert secret not in result.stdout.str() + result.stderr.str()
    assert all(secret not in p.read_text(errors="ignore") for p in out.rglob("*") if p.is_file())
    assert secret not in snapshot.read_text()

    # offline: the saved snapshot gives identical findings with no AWS access at all
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    offline = pytester.path / "offline"
    replay = run_checks(pytester, "--inventory", str(snapshot), "--report-dir", str(offline))
    assert replay.ret == 1
    again = {row["id"]: (row["status"], row["message"], row["severity"]) for row in load(offline)["findings"]}
    assert again == {row_id: (r["status"], r["message"], r["severity"]) for row_id, r in rows.items()}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_access_denied_in_one_region_is_an_error_there_only(
    pytester: pytest.Pytester, demo: DemoInfo, endpoint: LocalEndpoint
) -> None:
    endpoint.inject_fault("sesv2", "GetAccount", kind="access-denied", region="eu-west-1")
    out = pytester.path / "out"
    result = run_checks(
        pytester, "--aws", "--regions", REGIONS, "--report-dir", str(out), "-k", "SES-ACCT-001 or SES-REP-001"
    )
    assert result.ret == 1
    rows = {row["id"]: row for row in load(out)["findings"]}
    denied = [r for r in rows.values() if r["resource"]["region"] == "eu-west-1" and "ACCT" in r["id"]]
    assert denied and all(r["status"] == "error" for r in denied)
    assert any("AccessDenied" in r["message"] for r in denied)
    assert rows[f"SES-ACCT-001::{ACCOUNT_ID}/us-east-1"]["status"] == "pass"
    # The bounce rate comes from CloudWatch, which was read: that row is evaluated (6% fails).
    assert rows[f"SES-REP-001::{ACCOUNT_ID}/eu-west-1"]["status"] == "fail"
    result.stdout.fnmatch_lines(["*ERROR*SES-ACCT-001::*eu-west-1*"])


def test_throttling_beyond_retries_never_passes(
    pytester: pytest.Pytester, demo: DemoInfo, endpoint: LocalEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint.inject_fault("sesv2", "ListConfigurationSets", kind="throttling", region="us-east-1")
    # AWS's own setting caps the attempts: two, not eight with ~30 s of adaptive backoff.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    out = pytester.path / "out"
    result = run_checks(pytester, "--aws", "--regions", "us-east-1", "--report-dir", str(out), "-k", "SES-CS-")
    assert result.ret == 1
    rows = load(out)["findings"]
    assert rows and not [r for r in rows if r["status"] == "pass"]
    assert any(r["status"] == "error" and "TooManyRequests" in r["message"] for r in rows)
    [fault] = endpoint.faults()
    assert fault["hits"] == 2  # the listing and one retry


def test_inconsistent_live_options_are_usage_errors(pytester: pytest.Pytester, demo: DemoInfo) -> None:
    result = run_checks(pytester, "--aws", "--accounts", "123456789012")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--accounts/--organization need --assume-role*"])
    result = run_checks(pytester, "--aws", "--regions", "all,us-east-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
