"""Report generation for a large run: each writer and the history append on 10,000 findings.

Run: ``.venv/bin/python benchmarks/bench_reports.py [--count 10000] [--repeat 3]``. The findings
document is generated (a live run over 25 accounts x 4 regions, about 30% of rows failing, with
template-style file and line on part of them) and every report is written into a temporary folder
that already holds a history of 30 runs. Figures (best of ``--repeat``) are written to
``benchmarks/results/reports.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sesguard.findings.writers import REPORT_FORMATS, write_reports, writer
from sesguard.reports import history

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "reports.md"
POLICIES = {
    "SES-ACCT-001": "critical", "SES-REP-001": "high", "SES-SUP-001": "high", "SES-MON-001": "high",
    "SES-VDM-001": "medium", "SES-ID-003": "high", "SES-ID-005": "medium", "SES-ID-007": "high",
    "SES-CS-001": "high", "SES-CS-002": "medium", "SES-CS-003": "medium", "SES-IAM-001": "critical",
    "SES-IAM-002": "medium", "SES-IAM-003": "medium", "SES-IAM-004": "high", "SES-IAM-008": "critical",
    "SES-RCV-002": "low", "SES-ACCT-003": "info",
}  # fmt: skip
REMEDIATION = {
    "summary": "Do the right thing for this policy, in one sentence of about this length.",
    "console": "SES console > Configuration > the page > Edit > the setting",
    "cli": "aws sesv2 put-something --name NAME --setting VALUE --region REGION " + "--more-options " * 4,
    "cloudformation": "AWS::SES::Something Property.SubProperty: VALUE",
    "terraform": 'aws_sesv2_something setting = "VALUE"',
}


def generate(count: int, seed: int = 7) -> dict[str, Any]:
    """A findings document with ``count`` rows."""
    rng = random.Random(seed)
    accounts = [f"{100000000000 + i * 7919:012d}" for i in range(25)]
    regions = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"]
    rows = []
    for n in range(count):
        pid = rng.choice(list(POLICIES))
        account, region = rng.choice(accounts), rng.choice(regions)
        status = rng.choices(["pass", "fail", "error", "skip", "waived"], [60, 28, 2, 8, 2])[0]
        templated = n % 3 == 0
        resource = {
            "type": "configuration_set", "id": f"resource-{n:05d}", "key": f"{account}/{region}/resource-{n:05d}",
            "native_type": "AWS::SES::ConfigurationSet", "source": "cfn" if templated else "live",
            "set": f"{account}/{region}", "file": f"infra/stack-{n % 200}.yaml" if templated else None,
            "line": 10 + n % 300 if templated else None, "account": None if templated else account,
            "region": None if templated else region,
            "arn": None if templated else f"arn:aws:ses:{region}:{account}:configuration-set/resource-{n:05d}",
        }  # fmt: skip
        waiver = (
            {"reason": "accepted risk", "expires": "2027-01-31", "state": "active"}
            if status == "waived"
            else None
        )
        rows.append({
            "id": f"{pid}::{account}/{region}/resource-{n:05d}", "policy_id": pid, "title": f"Title of {pid}",
            "severity": POLICIES[pid], "status": status, "fails_build": status in ("fail", "error"),
            "message": f"observed value {rng.randint(0, 99)} for resource-{n:05d}; expected something else",
            "observed": None, "expected": None, "remediation": dict(REMEDIATION), "resource": resource,
            "waiver": waiver,
        })  # fmt: skip
    rows.sort(key=lambda r: str(r["id"]))
    rates = [
        {"account": a, "region": r, "enforcement_status": rng.choice(["HEALTHY"] * 9 + ["PROBATION"]),
         "bounce_rate": round(rng.uniform(0, 0.08), 4), "bounce_rate_at": "2026-11-28T02:00:00Z",
         "complaint_rate": round(rng.uniform(0, 0.002), 5), "complaint_rate_at": "2026-11-28T02:00:00Z"}
        for a in accounts for r in regions
    ]  # fmt: skip
    return {
        "format": "sesguard-findings", "format_version": 1,
        "run": {"tool": "sesguard", "tool_version": "0.1.0", "started_at": "2026-11-28T03:00:00Z",
                "finished_at": "2026-11-28T03:05:00Z", "sources": ["live"], "inputs": [],
                "policy_count": 35, "fail_on": "low"},
        "summary": {"verdict": "non-compliant"}, "findings": rows, "waivers": [], "rates": rates,
    }  # fmt: skip


def best_of(repeat: int, action: Callable[[], object]) -> tuple[float, float]:
    """Best and median wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print and save the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    doc = generate(args.count)
    rows: list[tuple[str, float, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for day in range(30):  # a history of 30 earlier runs of the same scope
            earlier = json.loads(json.dumps(doc))
            earlier["run"]["started_at"] = f"2026-10-{day + 1:02d}T03:00:00Z"
            history.append(earlier, folder)

        def append_once() -> None:
            doc["run"]["finished_at"] = (
                f"2026-11-28T03:05:{time.perf_counter_ns() % 60:02d}Z"  # a new run each time
            )
            history.append(doc, folder)

        best, median = best_of(args.repeat, append_once)
        rows.append(("history append", best, median, (folder / history.HISTORY_FILE).stat().st_size))
        for name in REPORT_FORMATS:
            write = writer(name)
            best, median = best_of(args.repeat, lambda w=write: w(doc, folder))  # type: ignore[misc]
            path = write(doc, folder)
            size = (
                sum(p.stat().st_size for p in path.parent.glob("*.md"))
                if name == "review"
                else path.stat().st_size
            )
            rows.append((name, best, median, size))
        best, median = best_of(args.repeat, lambda: write_reports(doc, folder, REPORT_FORMATS))
        rows.append(("write_reports (all formats)", best, median, 0))

    header = (
        f"# Report generation: {args.count:,} findings\n\n"
        f"Python {platform.python_version()} on {platform.machine()}, best and median of {args.repeat} runs, "
        "history of 30 earlier runs in the folder. "
        f"Run: `.venv/bin/python benchmarks/bench_reports.py --count {args.count}`.\n\n"
        "| step | best (s) | median (s) | output size |\n|---|---:|---:|---:|\n"
    )
    table = "".join(
        f"| {name} | {best:.3f} | {median:.3f} | {f'{size / 1024:,.0f} KiB' if size else ''} |\n"
        for name, best, median, size in rows
    )
    text = header + table
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
