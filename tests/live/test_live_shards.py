"""A sharded scan (``--shard K/N`` + ``--inventory-out``) joined with ``sesguard merge`` equals one scan.

Six accounts on the local endpoint (the caller's and five reached through ``sesguard-readonly``), two
regions; each shard is a real ``pytest --aws`` subprocess, the join a real ``sesguard merge`` one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sesguard.local import LocalEndpoint

from .live_support import (
    ACCOUNT,
    HOME,
    OTHER,
    caller_statements,
    create_scan_role,
    in_account,
    readonly_statement,
    scanner_user,
)

pytest_plugins = ("pytester",)
MEMBERS = [f"{n}" * 12 for n in range(2, 7)]


@pytest.fixture
def organization(endpoint: LocalEndpoint, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    for number, account in enumerate([ACCOUNT, *MEMBERS]):
        for region in (HOME, OTHER):
            ses = in_account(endpoint, account, "sesv2", region)
            ses.create_email_identity(EmailIdentity=f"a{number}.{region}.example")
            if number % 2:
                ses.create_configuration_set(ConfigurationSetName=f"set-{number}")
        if account != ACCOUNT:
            create_scan_role(endpoint, account)
            in_account(endpoint, account, "iam").create_user(UserName=f"sender-{number}")
    scanner_user(endpoint, [readonly_statement(), *caller_statements()], monkeypatch)
    endpoint.enforce_iam(enabled=True)
    return [ACCOUNT, *MEMBERS]


SCAN = ("--aws", "--regions", f"{HOME},{OTHER}", "--assume-role", "sesguard-readonly",
        "--accounts", ",".join([ACCOUNT, *MEMBERS]), "-p", "no:cacheprovider", "-p", "no:randomly")  # fmt: skip


def rows(report_dir: Path) -> dict[str, tuple[Any, ...]]:
    doc = json.loads((report_dir / "findings.json").read_text())
    return {r["id"]: (r["status"], r["message"], r["severity"], json.dumps(r["resource"])) for r in doc["findings"]}


def merge(pytester: pytest.Pytester, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "import sys, sesguard.cli; sys.exit(sesguard.cli.main())", "merge", *args]
    return subprocess.run(command, cwd=pytester.path, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize("by", ["account", "region"])
def test_three_shards_merged_equal_one_scan(pytester: pytest.Pytester, organization: list[str], by: str) -> None:
    single = pytester.runpytest_subprocess(*SCAN, "--report-dir", "single")
    assert single.ret == 1
    expected = rows(pytester.path / "single")
    assert {r.split("::")[1].split("/")[0] for r in expected if "/" in r.split("::")[1]} >= set(organization)

    snapshots = []
    for k in (1, 2, 3):
        snapshot = f"shard-{k}.json"
        part = pytester.runpytest_subprocess(
            *SCAN, "--shard", f"{k}/3", "--shard-by", by, "--inventory-out", snapshot, "--report-dir", f"part-{k}"
        )
        assert part.ret in (0, 1), part.stdout.str()[-2000:]
        snapshots.append(snapshot)
    metas = [json.loads((pytester.path / s).read_text())["meta"] for s in snapshots]
    assert [m["shard"] for m in metas] == [{"index": k, "count": 3, "by": by} for k in (1, 2, 3)]
    if by == "account":  # each account is read by exactly one shard
        read = [set(m["live"]["accounts"]) for m in metas]
        assert sum(len(r) for r in read) == len(organization) and set().union(*read) == set(organization)

    joined = merge(pytester, *snapshots, "--report-dir", "merged")
    assert joined.returncode == 1, joined.stdout[-2000:] + joined.stderr[-2000:]
    assert rows(pytester.path / "merged") == expected
    history = (pytester.path / "merged" / "history.jsonl").read_text().splitlines()
    assert len(history) == 1  # one run, one history entry

    for bad, says in (
        (snapshots[:2], "missing shards: 3/3"),
        ([snapshots[0], snapshots[0], snapshots[1], snapshots[2]], "overlapping shards"),
    ):
        refused = merge(pytester, *bad, "--report-dir", "refused")
        assert refused.returncode == 4, refused.stdout + refused.stderr
        assert says in refused.stderr and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert not (pytester.path / "refused" / "findings.json").exists()


@pytest.mark.parametrize("spec", ["4/3", "0/3", "x", "1/0", "2/3/4"])
def test_a_shard_out_of_range_is_a_usage_error(pytester: pytest.Pytester, spec: str) -> None:
    result = pytester.runpytest_subprocess("--aws", "--regions", HOME, "--shard", spec)
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*--shard*"])


def test_xdist_live_scan_reads_once_and_equals_serial(pytester: pytest.Pytester, organization: list[str]) -> None:
    """-n 2: the controller reads the accounts and hands the workers its snapshot; rows, code and calls match."""
    serial = pytester.runpytest_subprocess(*SCAN, "--report-dir", "serial")
    parallel = pytester.runpytest_subprocess(*SCAN, "--report-dir", "parallel", "-n", "2", "--inventory-out", "x.json")
    assert serial.ret == parallel.ret == 1
    assert rows(pytester.path / "parallel") == rows(pytester.path / "serial")
    runs = [json.loads((pytester.path / d / "findings.json").read_text())["run"] for d in ("serial", "parallel")]
    # one scan's calls, not one per process (the credential report is generated once, then reused)
    calls = [{op: n for op, n in run["api_calls"].items() if op != "iam:GenerateCredentialReport"} for run in runs]
    assert calls[0] == calls[1]
    assert json.loads((pytester.path / "x.json").read_text())["meta"]["live"]["accounts"] == sorted(organization)
    assert parallel.parseoutcomes() == serial.parseoutcomes()
