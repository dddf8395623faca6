"""Where a live run's wall time goes: a timeline of its API calls and of pytest's phases.

Run: ``.venv/bin/python benchmarks/live_timeline.py [--domains 500 --addresses 250 --sets 125 --users 500]``.
It starts the local endpoint, builds the account of ``bench_e2e.py``'s live case (per region of
``us-east-1`` and ``eu-west-1``: the domains, addresses and configuration sets; the IAM users once), and
runs the real command (``pytest --aws ...`` from a scratch folder) with this module loaded as a pytest
plugin (``-p live_timeline``). The plugin records, relative to the command's start:

- every API call (botocore ``before-call`` / ``after-call``): operation, region, thread;
- the read (``collect_live``), the evaluation, the first and last row's report, the findings document
  and the report writing, and the end of the session.

It prints a Markdown summary: the phases, per region and operation the calls' count and first start /
last end, the paced calls' start times and gaps, and what the CPU-bound part after the read costs per row.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

OUT_ENV = "SESGUARD_TIMELINE_OUT"
START_ENV = "SESGUARD_TIMELINE_START"  # the driver's wall clock when it started the command


class Recorder:
    """Timestamps (``time.time()``) of API calls and phases, written as JSON at the end of the session."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.calls: list[dict[str, Any]] = []
        self.marks: dict[str, float] = {}
        self._open: dict[int, dict[str, Any]] = {}

    def mark(self, name: str, *, first: bool = False) -> None:
        now = time.time()
        with self.lock:
            if first and name in self.marks:
                return
            self.marks[name] = now

    def attach(self, client: Any) -> None:
        region = client.meta.region_name
        service = client.meta.service_model.service_name

        def before(model: Any, **_: Any) -> None:
            entry = {
                "op": f"{service}:{model.name}",
                "region": region,
                "thread": threading.current_thread().name,
                "start": time.time(),
            }
            with self.lock:
                self._open[threading.get_ident()] = entry

        def after(**_: Any) -> None:
            with self.lock:
                entry = self._open.pop(threading.get_ident(), None)
                if entry is not None:
                    entry["end"] = time.time()
                    self.calls.append(entry)

        client.meta.events.register("before-call", before)
        client.meta.events.register("after-call", after)
        client.meta.events.register("after-call-error", after)

    def write(self) -> None:
        self.out.write_text(json.dumps({"marks": self.marks, "calls": self.calls}))


def _wrap(owner: Any, name: str, recorder: Recorder, label: str) -> None:
    """Mark ``<label> start`` and ``<label> end`` around every call of ``owner.name``."""
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        recorder.mark(f"{label} start")
        try:
            return original(*args, **kwargs)
        finally:
            recorder.mark(f"{label} end")

    setattr(owner, name, wrapped)


# --- the pytest plugin (loaded in the measured command with -p live_timeline) -------------------------


def pytest_configure(config: Any) -> None:
    """Record this run's timeline when the driver asked for it (``SESGUARD_TIMELINE_OUT``)."""
    out = os.environ.get(OUT_ENV)
    if not out:
        return
    recorder = Recorder(Path(out))
    recorder.mark("configure")
    import sesguard.live_run as live_run
    import sesguard.plugin as plugin
    import sesguard.run as run
    import sesguard.run_outputs as run_outputs
    import sesguard.run_setup as run_setup
    import sesguard.sources.live as live
    from sesguard.sources.live.session import CallCounter

    attach = CallCounter.attach

    def counted(self: Any, client: Any) -> None:
        attach(self, client)
        recorder.attach(client)

    CallCounter.attach = counted  # type: ignore[method-assign]
    for owner, name in (
        (run_setup, "prepare"),
        (live_run, "live_options"),
        (plugin, "_evaluate"),
        (live, "collect_live"),
        (run, "evaluate"),
        (run, "document"),
        (run_outputs, "write_outputs"),
    ):
        _wrap(owner, name, recorder, name)
    config.pluginmanager.register(Phases(recorder), "live-timeline-phases")


class Phases:
    """pytest's phases on the recorder."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def pytest_collection_finish(self) -> None:
        self.recorder.mark("collected")

    def pytest_runtest_logfinish(self) -> None:
        self.recorder.mark("first row", first=True)
        self.recorder.mark("last row")

    def pytest_unconfigure(self) -> None:
        self.recorder.mark("unconfigure")
        self.recorder.write()


# --- the driver ---------------------------------------------------------------------------------------


def _spans(calls: list[dict[str, Any]]) -> Iterator[tuple[str, str, int, float, float, float]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for call in calls:
        groups[(str(call["region"]), call["op"])].append(call)
    for (region, op), found in sorted(groups.items(), key=lambda kv: min(c["start"] for c in kv[1])):
        busy = sum(c["end"] - c["start"] for c in found)
        yield region, op, len(found), min(c["start"] for c in found), max(c["end"] for c in found), busy


def summarize(data: dict[str, Any], start: float, wall: float, cpu: float, rows: int) -> str:
    marks = {k: v - start for k, v in data["marks"].items()}
    calls = [{**c, "start": c["start"] - start, "end": c["end"] - start} for c in data["calls"]]
    lines = [
        f"wall {wall:.1f} s, CPU {cpu:.1f} s, {rows} rows, {len(calls)} API calls; load {os.getloadavg()[0]:.1f}",
        "",
        "| phase | at s |",
        "|---|---:|",
        *[f"| {name} | {at:.2f} |" for name, at in sorted(marks.items(), key=lambda kv: kv[1])],
        "",
        "| region | operation | calls | first start s | last end s | summed call time s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {region} | {op} | {n} | {first:.2f} | {last:.2f} | {busy:.2f} |"
        for region, op, n, first, last, busy in _spans(calls)
    ]
    paced = sorted(
        (c for c in calls if c["op"] == "ses:GetIdentityNotificationAttributes"), key=lambda c: c["start"]
    )
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for call in paced:
        by_region[str(call["region"])].append(call)
    for region, found in by_region.items():
        starts = [c["start"] for c in found]
        gaps = [b - a for a, b in pairwise(starts)]
        lines.append(
            f"- {region} GetIdentityNotificationAttributes starts: {', '.join(f'{s:.2f}' for s in starts)}"
            f" (start-to-start gaps {', '.join(f'{g:.2f}' for g in gaps)})"
        )
    if "first row" in marks and "last row" in marks and rows:
        per_row = (marks["last row"] - marks["first row"]) / max(rows - 1, 1)
        lines.append(f"- rows: {per_row * 1e6:.0f} µs per row between the first and the last row's report")
    return "\n".join(lines) + "\n"


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(root / "benchmarks"))
    from bench_e2e import PYTEST, REGIONS, build_live, endpoint_env
    from bench_live import start_endpoint

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=500)
    parser.add_argument("--addresses", type=int, default=250)
    parser.add_argument("--sets", type=int, default=125)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1, help="scans of the same account (default 1)")
    parser.add_argument("--json", type=Path, help="also keep the raw timeline here")
    parser.add_argument("--snapshot", type=Path, help="also save what was read here (--inventory-out)")
    args = parser.parse_args()
    process, url = start_endpoint()
    try:
        build_live(url, args.domains, args.addresses, args.sets, args.users)
        with tempfile.TemporaryDirectory(prefix="sesguard-timeline-") as scratch:
            work = Path(scratch)
            for attempt in range(args.repeat):
                out = work / f"timeline-{attempt}.json"
                env = {**endpoint_env(url), "PYTHONPATH": str(root / "benchmarks"), OUT_ENV: str(out)}
                reports = work / f"reports-{attempt}"
                command = [*PYTEST, "-p", "live_timeline", "--aws", "--regions", ",".join(REGIONS),
                           "--report-dir", str(reports)]  # fmt: skip
                if args.snapshot:
                    command += ["--inventory-out", str(args.snapshot)]
                start = time.time()
                child = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.DEVNULL)
                _, _, usage = os.wait4(child.pid, 0)
                wall = time.time() - start
                data = json.loads(out.read_text())
                if args.json:
                    args.json.write_text(json.dumps({"start": start, **data}))
                rows = len(json.loads((reports / "findings.json").read_text())["findings"])
                print(summarize(data, start, wall, usage.ru_utime + usage.ru_stime, rows), flush=True)
    finally:
        process.kill()
        process.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
