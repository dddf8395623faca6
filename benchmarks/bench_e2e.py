"""End to end, as users run it: ``pytest --templates`` / ``--aws`` / ``--inventory`` against peer tools.

Run: ``.venv/bin/python benchmarks/bench_e2e.py [--n 500] [--iac cfn tf] [--checkov PATH] [--custodian PATH] [--skip ...]``.
Every case is the real command in a fresh process, from a scratch folder outside the repository
(installed-use collection: no test paths, the plugin collects the shipped checks), with the default
reports (json, html). Wall time, CPU (user + system of the process and its children) and peak RSS
come from ``wait4``. The peers run on the same files or the same endpoint in the same run, so the
ratios are comparable even on a shared, noisy machine; absolute times are not.

- ``iac``: ``../shared/bench/gen_iac_corpus.py --n N``: N CloudFormation templates vs ``cfn-lint`` on the
  same files; N Terraform root modules as one tree (one path) and one module per path vs ``checkov -d``.
- ``inventory``: snapshots of 1k, 10k and 50k rows (a scanned account replicated across synthetic
  accounts), evaluated and reported end to end (``pytest --inventory``): the scaling curve.
- ``live``: one account on the local endpoint with 500 domains, 250 addresses and 125 configuration sets
  in each of two regions (and 500 IAM users): ``pytest --aws`` vs Cloud Custodian reading the same.

Peers are never project dependencies: install them in throwaway virtual environments
(``python3 -m venv /tmp/checkov && /tmp/checkov/bin/pip install checkov``) and pass their paths.
Results: ``benchmarks/results/e2e.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GENERATOR = ROOT.parent / "shared" / "bench" / "gen_iac_corpus.py"
RESULTS = ROOT / "benchmarks" / "results" / "e2e.md"
PYTEST = (sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly")
REGIONS = ("us-east-1", "eu-west-1")
PEER_INPUT = {"cfn-lint": "CloudFormation", "checkov": "Terraform", "Cloud Custodian": "live"}
"""Which sesguard runs a peer read the same input as (by a word of their labels)."""


@dataclass
class Measured:
    """One command's run."""

    label: str
    wall: float
    cpu: float
    rss_mb: float
    code: int
    rows: int | None = None
    server_cpu: float | None = None  # the local endpoint's CPU while it served this command (live)

    def line(self) -> str:
        rows = "" if self.rows is None else str(self.rows)
        return (
            f"| {self.label} | {rows} | {self.wall:.1f} | {self.cpu:.1f} | {self.rss_mb:.0f} | {self.code} |"
        )


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    label: str,
    command: Sequence[str | Path],
    cwd: Path,
    env: dict[str, str] | None = None,
    server: int | None = None,
) -> Measured:
    """Run ``command`` to the end; wall, CPU of it and its children, peak RSS of the largest process
    (and the CPU the ``server`` process spent meanwhile)."""
    server_before = process_cpu(server) if server else 0.0
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(c) for c in command], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        sys.stderr.write(f"{label}: exit {process.returncode}\n{errors.decode(errors='replace')[-3000:]}\n")
    measured = Measured(
        label, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode
    )
    if server:
        measured.server_cpu = process_cpu(server) - server_before
    print(measured.line(), flush=True)
    return measured


def sesguard_rows(report_dir: Path) -> int:
    return len(json.loads((report_dir / "findings.json").read_text())["findings"])


def sesguard(
    label: str,
    args: Sequence[str | Path],
    work: Path,
    env: dict[str, str] | None = None,
    server: int | None = None,
) -> Measured:
    """``pytest <sesguard options>`` from a scratch folder: the installed-use command."""
    reports = work / f"reports-{len(list(work.glob('reports-*')))}"
    run = measure(label, [*PYTEST, *args, "--report-dir", reports], work, env, server)
    run.rows = sesguard_rows(reports)
    return run


# --- templates ----------------------------------------------------------------------------------------


def bench_iac(
    n: int, work: Path, checkov: str | None, kinds: Sequence[str] = ("cfn", "tf")
) -> list[Measured]:
    corpus = work / f"iac{n}"
    subprocess.run(
        [sys.executable, GENERATOR, "--n", str(n), "--src", GENERATOR.parent / "iac", "--out", corpus],
        check=True, capture_output=True,
    )  # fmt: skip
    cfn = sorted((corpus / "cfn").iterdir())
    modules = sorted((corpus / "tf").iterdir())
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    runs = []
    if "cfn" in kinds:
        runs += [
            sesguard(f"sesguard: {n} CloudFormation templates", ["--templates", corpus / "cfn"], work),
            measure(f"cfn-lint: the same {n} templates", [cfn_lint, *cfn], work),
        ]
    if "tf" in kinds:
        runs += [
            sesguard(f"sesguard: {n} Terraform modules, one path", ["--templates", corpus / "tf"], work),
            sesguard(f"sesguard: {n} Terraform modules, one path each", ["--templates", *modules], work),
        ]
    if checkov and "tf" in kinds:
        options = ["--framework", "terraform", "--quiet", "--compact", "--skip-download"]
        runs.append(
            measure(
                f"checkov: the same {n} Terraform modules", [checkov, "-d", corpus / "tf", *options], work
            )
        )
    return runs


# --- inventory snapshots ----------------------------------------------------------------------------------


def replicate(snapshot: dict[str, Any], copies: int) -> dict[str, Any]:
    """The snapshot's accounts copied ``copies`` times under new account IDs (same facts, new names)."""
    from copy import deepcopy

    out = deepcopy(snapshot)
    out["resources"], out["errors"], out["sets"] = [], [], {}
    for copy in range(copies):
        account = f"{copy + 100000000000:012d}"

        def rename(text: Any, account: str = account) -> Any:
            return text.replace("123456789012", account) if isinstance(text, str) else text

        for resource in snapshot["resources"]:
            r = deepcopy(resource)
            r["id"], r["set_name"] = rename(r["id"]), rename(r["set_name"])
            r["location"] = {k: rename(v) for k, v in r["location"].items()}
            out["resources"].append(r)
        for error in snapshot["errors"]:
            e = deepcopy(error)
            e["set_name"] = rename(e["set_name"])
            e["location"] = {k: rename(v) for k, v in e["location"].items()}
            out["errors"].append(e)
        out["sets"].update(
            {rename(k): {f: rename(x) for f, x in v.items()} for k, v in snapshot["sets"].items()}
        )
    return out


def rows_of(snapshot_path: Path) -> int:
    from sesguard.policies import load_policies
    from sesguard.run import Request, collect, evaluate
    from sesguard.snapshot import read_snapshot

    inventory = collect(Request(snapshot=read_snapshot(snapshot_path)))
    return len(evaluate(inventory, load_policies()).findings)


def thinned(snapshot: dict[str, Any], fraction: float) -> dict[str, Any]:
    """The snapshot with an evenly spread ``fraction`` of its identities, configuration sets and users
    (accounts all kept)."""
    kept = [
        r
        for i, r in enumerate(snapshot["resources"])
        if r["type"] == "account" or int((i + 1) * fraction) > int(i * fraction)
    ]
    return {**snapshot, "resources": kept}


def bench_inventory(base: Path, work: Path, targets: Sequence[int]) -> list[Measured]:
    snapshot = json.loads(base.read_text())
    full = rows_of(base)
    runs = []
    for target in targets:
        copies = max(1, -(-target // full))
        unit = thinned(snapshot, min(1.0, target / (copies * full)))
        path = work / f"inventory-{target}.json"
        path.write_text(json.dumps(replicate(unit, copies)))
        runs.append(
            sesguard(
                f"sesguard: --inventory, {copies} account(s), ~{target} rows", ["--inventory", path], work
            )
        )
    return runs


# --- live -----------------------------------------------------------------------------------------------


def build_live(url: str, domains: int, addresses: int, sets: int, users: int) -> None:
    """One account: per region ``domains`` + ``addresses`` identities and ``sets`` configuration sets."""
    from concurrent.futures import ThreadPoolExecutor

    from sesguard.local import make_client

    for region in REGIONS:
        v2 = make_client(url, "sesv2", region)
        names = [f"d{i}.{region}.example.com" for i in range(domains)]
        names += [f"sender{i}@{region}.example.org" for i in range(addresses)]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda name, v2=v2: v2.create_email_identity(EmailIdentity=name), names))
            list(
                pool.map(
                    lambda i, v2=v2: v2.create_configuration_set(ConfigurationSetName=f"set-{i}"), range(sets)
                )
            )
    iam = make_client(url, "iam", REGIONS[0])

    def user(i: int) -> None:
        iam.create_user(UserName=f"sender-{i}")
        iam.create_access_key(UserName=f"sender-{i}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(user, range(users)))
    iam.generate_credential_report()


CUSTODIAN_POLICIES = """\
policies:
  - {name: ses-identities, resource: aws.ses-email-identity}
  - {name: ses-configuration-sets, resource: aws.ses-configuration-set}
  - name: iam-old-keys
    resource: aws.iam-user
    filters: [{type: credential, key: access_keys.last_rotated, value_type: age, value: 90, op: greater-than}]
"""


def endpoint_env(url: str) -> dict[str, str]:
    """This process's environment with the local endpoint's URL, fake keys and home region as the AWS
    configuration (and no other AWS_ setting)."""
    from sesguard.local import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
        "AWS_DEFAULT_REGION": REGIONS[0],
        "AWS_EC2_METADATA_DISABLED": "true",
    }


LIVE_SHAPE: Final = {"domains": 500, "addresses": 250, "sets": 125, "users": 500}
LIVE_LABEL: Final = "sesguard: live scan, 2 regions x 875 SES resources + 500 users"
OFFLINE_LABEL: Final = "sesguard: --inventory of that scan's snapshot (the same rows, nothing read)"
NOTIFICATION_BATCH: Final = 100  # identities per GetIdentityNotificationAttributes call (AWS's maximum)
DOCUMENTED_RATE: Final = 1.0  # GetIdentityNotificationAttributes calls per second (AWS's documented throttle)


def bench_live(work: Path, custodian: str | None, snapshot_out: Path) -> list[Measured]:
    from bench_live import start_endpoint

    process, url = start_endpoint()
    try:
        build_live(url, **LIVE_SHAPE)
        env = endpoint_env(url)
        args: list[str | Path] = ["--aws", "--regions", ",".join(REGIONS), "--inventory-out", snapshot_out]
        runs = [sesguard(LIVE_LABEL, args, work, env, process.pid)]
        if custodian:
            (work / "custodian.yml").write_text(CUSTODIAN_POLICIES)
            regions = [f"--region={r}" for r in REGIONS]
            command: list[str | Path] = [custodian, "run", "--cache-period=0", "-s", work / "custodian-out",
                                         *regions, work / "custodian.yml"]  # fmt: skip
            runs.append(
                measure("Cloud Custodian: the same account and regions", command, work, env, process.pid)
            )
        runs.append(sesguard(OFFLINE_LABEL, ["--inventory", snapshot_out], work))
        return runs
    finally:
        process.kill()
        process.wait()


def floor_lines(runs: Sequence[Measured]) -> list[str]:
    """The least time a complete live read of the benchmark account can take under AWS's documented
    rates, against the live run and a third of Cloud Custodian's time (empty without the live runs)."""
    by_label = {r.label: r for r in runs}
    live, offline = by_label.get(LIVE_LABEL), by_label.get(OFFLINE_LABEL)
    if live is None or offline is None:
        return []
    calls = math.ceil((LIVE_SHAPE["domains"] + LIVE_SHAPE["addresses"]) / NOTIFICATION_BATCH)
    pacing = (calls - 1) / DOCUMENTED_RATE
    floor = pacing + offline.wall
    lines = [
        f"- floor of a complete read: {calls} GetIdentityNotificationAttributes calls per region (100 "
        f"identities each), throttled at one request per second: the last arrives at least {pacing:.1f} s "
        "after the first, whatever the tool (regions in parallel; every other call can overlap them)",
        f"- sesguard's floor: that {pacing:.1f} s plus what the run does besides reading (the same rows "
        f"from the snapshot: {offline.wall:.1f} s) = {floor:.1f} s; the live run took {live.wall:.1f} s "
        f"({live.wall - floor:+.1f} s)",
    ]
    custodian = next((r for r in runs if r.label.startswith("Cloud Custodian")), None)
    if custodian is not None:
        third = custodian.wall / 3
        lines.append(
            f"- a third of Cloud Custodian's wall time: {third:.1f} s, "
            + (
                "below the read's floor alone"
                if third < pacing
                else f"{third - floor:+.1f} s from sesguard's floor"
            )
        )
    return lines


def report(sections: dict[str, list[Measured]], n: int) -> str:
    lines = [
        "# End-to-end benchmark (the commands users run)",
        "",
        f"`benchmarks/bench_e2e.py`, one run, {os.cpu_count()}-core shared machine: compare ratios within a section.",
        "Wall and CPU in seconds (CPU = user + system of the command and its children); RSS = peak of the largest process.",
    ]
    for title, runs in sections.items():
        lines += ["", f"## {title}", "", "| command | rows | wall s | CPU s | peak RSS MB | exit |",
                  "|---|---:|---:|---:|---:|---:|", *[r.line() for r in runs]]  # fmt: skip
        peers = [r for r in runs if not r.label.startswith("sesguard")]
        ours = [r for r in runs if r.label.startswith("sesguard")]
        for peer in peers:
            same_input = PEER_INPUT.get(peer.label.split(":")[0], "")
            for run in (r for r in ours if same_input in r.label):
                lines.append(
                    f"- {peer.label.split(':')[0]} / {run.label}: {peer.wall / run.wall:.1f}x wall, "
                    f"{peer.cpu / run.cpu:.1f}x CPU"
                )
        lines += floor_lines(runs)
        lines += [
            f"- the local endpoint spent {r.server_cpu:.1f} s of CPU serving {r.label.split(':')[0]}"
            for r in runs
            if r.server_cpu is not None
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="generated templates and modules (default 500)")
    parser.add_argument("--checkov", help="checkov executable (a throwaway venv's)")
    parser.add_argument("--custodian", help="custodian executable (a throwaway venv's)")
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--skip", nargs="*", default=[], choices=("iac", "live", "inventory"))
    parser.add_argument(
        "--iac", nargs="+", default=["cfn", "tf"], choices=("cfn", "tf"),
        help="which template cases to run (default both; peers run with their case)",
    )  # fmt: skip
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help=f"where to write the results (default {RESULTS})"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sections: dict[str, list[Measured]] = {}
    with tempfile.TemporaryDirectory(prefix="sesguard-bench-") as scratch:
        work = Path(scratch)
        if "iac" not in args.skip:
            sections[f"Templates: {args.n} generated variants (gen_iac_corpus.py)"] = bench_iac(
                args.n, work, args.checkov, args.iac
            )
        snapshot = work / "live-snapshot.json"
        if "live" not in args.skip:
            sections["Live: one account on the local endpoint"] = bench_live(work, args.custodian, snapshot)
        if "inventory" not in args.skip:
            if not snapshot.exists():
                raise SystemExit("the inventory benchmark replicates the live benchmark's snapshot: run both")
            sections["Inventory snapshots: rows vs time (scaling curve)"] = bench_inventory(
                snapshot, work, args.rows
            )
        shutil.rmtree(work / "custodian-out", ignore_errors=True)
    text = report(sections, args.n)
    args.results.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
