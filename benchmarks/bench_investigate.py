"""``sesguard investigate`` over a large event archive: one pass, flat memory, next to ``json.loads``.

Run: ``.venv/bin/python benchmarks/bench_investigate.py [--records 1000000] [--gzip]``. An archive of
``--records`` SES event records is generated in the documented formats (85% event publishing as
Firehose writes it, one JSON object per line; 15% SNS notifications in their envelope, one per line;
sends, deliveries, bounces, complaints and opens over 14 days, 200,000 distinct recipients). Then,
each in a fresh process: a plain ``json.loads`` loop over the same bytes (the reference), and the
command users run, ``sesguard investigate --events FILE --no-vdm --no-suppression``. Wall time,
records/s and peak RSS are measured; at a quarter of the records too, to show memory does not grow
with the archive. Results go to ``benchmarks/results/investigate.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from sesguard.investigate import synth

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "investigate.md"
DISTINCT_RECIPIENTS = 200_000
DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "example.org", "mail.example.net")
KINDS = (("Send", 46), ("Delivery", 43), ("Bounce", 6), ("Complaint", 1), ("Open", 4))
REFERENCE = """
import json, sys
count = 0
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        json.loads(line)
        count += 1
print(count)
import resource
print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
COMMAND = (
    "import resource, sys; from sesguard.cli import main; code = main(); "
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def _templates(start: dt.date) -> list[tuple[str, bool]]:
    """Serialized records with ``@@ADDR@@`` and ``@@DAY@@`` placeholders, and whether each is SNS."""
    out = []
    for kind, weight in KINDS:
        for sns in (False, True):
            record = synth.event(
                kind, "@@DAY@@T10:00:00.000Z", ["@@ADDR@@"], identity="shop.example.net",
                configuration_set="newsletter", tags={"campaign": "nov-import"},
                bounce_subtype="NoEmail",
            )  # fmt: skip
            if sns:
                if kind not in ("Bounce", "Complaint", "Delivery"):
                    continue
                text = json.dumps(synth.sns_envelope(synth.as_notification(record)))
            else:
                text = json.dumps(record, separators=(",", ":"))
            out += [(text, sns)] * (weight * (15 if sns else 85))
    return out


def generate(path: Path, records: int, compress: bool) -> int:
    """Write ``records`` lines; returns the file size."""
    rng = random.Random(5)
    start = dt.date.today() - dt.timedelta(days=13)
    templates = _templates(start)
    days = [(start + dt.timedelta(days=i)).isoformat() for i in range(14)]
    handle: IO[bytes] = gzip.open(path, "wb", compresslevel=1) if compress else open(path, "wb")  # type: ignore[assignment]  # noqa: SIM115
    with handle:
        for _ in range(records):
            text, _sns = templates[rng.randrange(len(templates))]
            address = f"u{rng.randrange(DISTINCT_RECIPIENTS)}@{DOMAINS[rng.randrange(len(DOMAINS))]}"
            handle.write(
                text.replace("@@ADDR@@", address).replace("@@DAY@@", days[rng.randrange(14)]).encode() + b"\n"
            )
    return path.stat().st_size


def measure(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB, reported by the child itself) and stdout of a child process."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed: {done.stderr[-2000:]}")
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK "))
    return wall, peak / 1024, done.stdout


def run_case(folder: Path, records: int, compress: bool) -> dict[str, float]:
    path = folder / (f"events-{records}.jsonl" + (".gz" if compress else ""))
    size = generate(path, records, compress)
    row: dict[str, float] = {"records": records, "mb": size / 1e6}
    if not compress:
        wall, rss, out = measure([sys.executable, "-c", REFERENCE, str(path)])
        assert int(out.strip()) == records
        row.update(ref_s=wall, ref_rps=records / wall, ref_rss=rss)
    report = folder / f"reports-{records}"
    wall, rss, _ = measure([sys.executable, "-c", COMMAND, "investigate", "--events", str(path), "--no-vdm",
                            "--no-suppression", "--regions", "us-east-1", "--report-dir", str(report)])  # fmt: skip
    found = json.loads((report / "investigation.json").read_text())["investigations"][0]["sources"]["archive"]
    assert found["records"] == records, found["records"]
    row.update(s=wall, rps=records / wall, rss=rss, skipped=sum(found["skipped"].values()))
    path.unlink()
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--gzip", action="store_true", help="also measure a gzip archive")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in (args.records // 4, args.records):
            rows.append(("plain", run_case(Path(tmp), count, False)))
            if args.gzip:
                rows.append(("gzip", run_case(Path(tmp), count, True)))
    lines = [
        "# `sesguard investigate` over a large event archive",
        "",
        f"Python {platform.python_version()} on {platform.machine()}, {time.strftime('%Y-%m-%d')}; "
        "the machine is shared and noisy: compare the ratios within one run.",
        "",
        "| archive | records | MB | json.loads loop | records/s | peak RSS MB | `sesguard investigate` | records/s | peak RSS MB | ratio to json.loads |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, r in rows:
        ref = (
            f"{r['ref_s']:.1f} s | {r['ref_rps']:,.0f} | {r['ref_rss']:.0f}"
            if "ref_s" in r
            else "n/a | n/a | n/a"
        )
        ratio = f"{r['s'] / r['ref_s']:.2f}x" if "ref_s" in r else "n/a"
        lines.append(
            f"| {kind} | {r['records']:,.0f} | {r['mb']:.0f} | {ref} | {r['s']:.1f} s | {r['rps']:,.0f} | {r['rss']:.0f} | {ratio} |"
        )
    lines += ["", "Peak RSS is the process's maximum resident set (the command includes Python, boto3 and the",
              "reports); records skipped: " + ", ".join(str(int(r["skipped"])) for _, r in rows) + "."]  # fmt: skip
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
