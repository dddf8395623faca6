"""End to end: ``pytest checks/ --aws --assume-role ... --accounts ...`` over many accounts, with
assumed-role credentials that live shorter than the scan.

Run: ``.venv/bin/python benchmarks/bench_live_accounts.py [--shapes 30x4 6x60]``. It starts the local
endpoint in its own process, builds member accounts (each with the ``sesguard-readonly`` role that
trusts the caller and holds the shipped read-only policy, ``k`` identities, a configuration set and
two IAM users, one of them a sender), and runs the command users run, in a fresh process, twice per
shape: credentials as asked (1 hour), then with the endpoint's test hook making every AssumeRole
answer live a fifth of the first run's collection time, so each account's credentials expire several
times during the scan. It records wall time, the collection time, API calls (AssumeRole apart) and
the rows, and checks that no row says ``ExpiredToken``. Results: ``benchmarks/results/live_accounts.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sesguard.local import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, AdminClient, make_client  # noqa: E402
from sesguard.sources.live.permissions import policy_document  # noqa: E402

REGION = "us-east-1"
CALLER = "123456789012"
ROLE = "sesguard-readonly"
RESULTS = ROOT / "benchmarks" / "results" / "live_accounts.md"
EXPIRED_CODES = ("ExpiredToken", "ExpiredTokenException", "RequestExpired")


@dataclass(frozen=True)
class Shape:
    """Member accounts and the email identities each holds."""

    accounts: int
    identities: int

    @property
    def label(self) -> str:
        return f"{self.accounts} accounts x {self.identities} identities"

    def account_ids(self) -> list[str]:
        return [f"{200000000000 + i:012d}" for i in range(1, self.accounts + 1)]


@dataclass
class Run:
    """One ``pytest checks/`` run."""

    lifetime: float | None
    wall: float
    collection: float
    calls: dict[str, int]
    statuses: dict[str, int]
    expired_rows: int
    code: int

    @property
    def assume_role(self) -> int:
        return self.calls.get("sts:AssumeRole", 0)

    @property
    def other_calls(self) -> int:
        return sum(self.calls.values()) - self.assume_role


def build_account(url: str, account: str, identities: int) -> None:
    """One member account: the scan role, identities, a configuration set, a sender and a plain user."""

    def client(service: str) -> Any:
        return make_client(url, service, REGION, account_id=account)

    iam, v2 = client("iam"), client("sesv2")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{CALLER}:root"},
                       "Action": "sts:AssumeRole"}],
    }  # fmt: skip
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    read = {"Version": "2012-10-17", "Statement": [policy_document()["Statement"][0]]}
    iam.put_role_policy(RoleName=ROLE, PolicyName="read", PolicyDocument=json.dumps(read))
    v2.create_configuration_set(ConfigurationSetName="main")
    for i in range(identities):
        name = f"d{i}.{account}.example.com" if i % 4 == 0 else f"u{i}@{account}.example.com"
        v2.create_email_identity(EmailIdentity=name, ConfigurationSetName="main")
    send = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "*"}]}
    for user in ("smtp", "ops"):
        iam.create_user(UserName=user)
        iam.create_access_key(UserName=user)
    iam.put_user_policy(UserName="smtp", PolicyName="send", PolicyDocument=json.dumps(send))


def run_checks(url: str, shape: Shape, work: Path, lifetime: float | None) -> Run:
    """The command users run, in a fresh process; what it read and judged."""
    out, snapshot = work / "out", work / "snapshot.json"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    command = [
        sys.executable, "-m", "pytest", str(ROOT / "checks"), "-p", "no:cacheprovider", "-p", "no:randomly", "-q",
        "--aws", "--regions", REGION, "--assume-role", ROLE, "--accounts", ",".join(shape.account_ids()),
        "--report-dir", str(out), "--inventory-out", str(snapshot),
    ]  # fmt: skip
    time.sleep(1.1)  # GetIdentityNotificationAttributes: one call a second per account, across runs too
    started = time.perf_counter()
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"pytest checks/ failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    rows = json.loads((out / "findings.json").read_text())["findings"]
    meta = json.loads(snapshot.read_text())["meta"]
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    expired = sum(1 for row in rows if any(code in str(row["message"]) for code in EXPIRED_CODES))
    return Run(lifetime, wall, float(meta["live"]["seconds"]), dict(meta["api_calls"]), statuses, expired,
               done.returncode)  # fmt: skip


def bench(url: str, admin: AdminClient, shape: Shape, work: Path) -> list[Run]:
    """Both runs of one shape: credentials as asked, then shorter-lived than the scan."""
    admin.reset_all()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda account: build_account(url, account, shape.identities), shape.account_ids()))
    admin.set_credential_lifetime(None)
    run_checks(url, shape, work, None)  # warm-up: the endpoint's first answers, imports, model loading
    as_asked = run_checks(url, shape, work, None)
    lifetime = max(2.0, round(as_asked.collection / 5, 1))
    admin.set_credential_lifetime(math.ceil(lifetime))
    try:
        short = run_checks(url, shape, work, math.ceil(lifetime))
    finally:
        admin.set_credential_lifetime(None)
    for run in (as_asked, short):
        if run.expired_rows or run.statuses.get("error"):
            raise SystemExit(f"{shape.label}: {run.expired_rows} ExpiredToken rows, {run.statuses} (lifetime {run.lifetime})")
    return [as_asked, short]


def report(results: dict[Shape, list[Run]]) -> str:
    lines = [
        "# Many accounts, credentials shorter-lived than the scan",
        "",
        "`benchmarks/bench_live_accounts.py`: `pytest checks/ --aws --assume-role sesguard-readonly --accounts ...`",
        "in a fresh process against the local endpoint (its own process on 127.0.0.1), one region. Each member",
        "account: the scan role, k email identities (a quarter domains), a configuration set, two IAM users",
        "(one sender). Second run: the endpoint's hook makes every AssumeRole answer live the given seconds",
        "(a fifth of the first run's collection), so every account's credentials expire during the scan.",
        f"One run per line on a {os.cpu_count()}-core shared machine: compare the ratios within a shape.",
        "",
        "| shape | credentials live | collection s | wall s | AssumeRole | other API calls | calls / account"
        " | rows pass/fail/skip | error rows | ExpiredToken rows |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for shape, runs in results.items():
        for run in runs:
            live = "1 h (as asked)" if run.lifetime is None else f"{run.lifetime:g} s"
            s = run.statuses
            lines.append(
                f"| {shape.label} | {live} | {run.collection:.1f} | {run.wall:.1f} | {run.assume_role} "
                f"| {run.other_calls} | {run.other_calls / shape.accounts:.1f} "
                f"| {s.get('pass', 0)}/{s.get('fail', 0)}/{s.get('skip', 0)} | {s.get('error', 0)} | {run.expired_rows} |"
            )
    lines += ["", "Ratios (short-lived / as asked, same shape, same run):", ""]
    for shape, (as_asked, short) in results.items():
        lines.append(
            f"- {shape.label}: other API calls {short.other_calls / as_asked.other_calls:.2f}x, "
            f"AssumeRole {short.assume_role} vs {as_asked.assume_role} (refreshes: "
            f"{short.assume_role - shape.accounts}), collection {short.collection / as_asked.collection:.2f}x, "
            f"wall {short.wall / as_asked.wall:.2f}x"
        )
    lines += [
        "",
        "Notes:",
        "",
        "- Each member account's role is assumed when the account is entered; botocore's",
        "  `RefreshableCredentials` renews it before expiry, with refresh windows scaled to the lifetime the",
        "  credentials came with (a quarter of it advisory, a sixth mandatory), so a refresh costs one",
        "  AssumeRole and no read call fails or is repeated: the other API calls are the same in both runs.",
        "- The endpoint answers requests signed with expired credentials `ExpiredToken`, as STS-issued",
        "  credentials do on AWS; a row saying so would be counted in the last column.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=["30x4", "6x60"], help="ACCOUNTSxIDENTITIES")
    args = parser.parse_args()
    shapes = [Shape(*(int(p) for p in text.split("x"))) for text in args.shapes]
    from bench_live import start_endpoint

    process, url = start_endpoint()
    admin = AdminClient(url)
    results: dict[Shape, list[Run]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="sesguard-bench-") as scratch:
            for shape in shapes:
                results[shape] = bench(url, admin, shape, Path(scratch))
                print(f"{shape.label}: done", file=sys.stderr)
    finally:
        process.terminate()
        process.wait(timeout=10)
    text = report(results)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
