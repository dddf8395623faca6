"""Running ``pytest checks/`` as a user would, measured: exit code, every output, wall time, memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

REPO = Path(__file__).resolve().parents[2]
CHECKS = REPO / "checks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ALL_FORMATS = "json,sarif,junit,markdown,html,review"
# Generous bounds: far above a normal run (a few seconds, ~150 MB), far below a hang or a bomb.
TIME_LIMIT_S = 120.0
MEMORY_LIMIT_BYTES = 2 * 1024**3


@dataclass
class Run:
    """One finished run: exit code, terminal text, the report files, and what it cost."""

    code: int
    output: str
    reports: dict[str, str]
    seconds: float
    max_rss_bytes: int
    cpu_seconds: float = 0.0  # user + system CPU of the child: steadier than wall time on a loaded machine

    def everything(self) -> str:
        """Terminal output and every report file, for grepping."""
        return "\n".join([self.output, *self.reports.values()])

    def lines(self, needle: str) -> list[str]:
        return [line for line in self.output.splitlines() if needle in line]

    def one_line(self, needle: str) -> str:
        """The one output line that says ``needle``, with no traceback or internal error around it."""
        found = self.lines(needle)
        assert len(found) == 1, self.output[-3000:]
        assert "Traceback" not in self.output and "INTERNALERROR" not in self.output
        return found[0]


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def run_command(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = TIME_LIMIT_S,
    report_dir: Path | None = None,
    stdin: Any = subprocess.DEVNULL,
) -> Run:
    """Run ``argv`` under a memory limit and a time limit (both fail the test when reached)."""
    environment = {**os.environ, **(env or {})}
    environment.pop("PYTEST_ADDOPTS", None)
    started = time.monotonic()
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=environment,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_limit_memory,
    )
    chunks: list[bytes] = []
    stream = process.stdout
    assert stream is not None
    reader = threading.Thread(target=lambda: chunks.append(stream.read()), daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        process.kill()
        process.wait()
        raise AssertionError(f"{' '.join(argv)} did not finish within {timeout} s")
    # This child's own peak memory (RUSAGE_CHILDREN would give the largest of every child so far).
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    output = b"".join(chunks)
    seconds = time.monotonic() - started
    reports: dict[str, str] = {}
    if report_dir is not None and report_dir.is_dir():
        for path in sorted(report_dir.rglob("*")):
            if path.is_file():
                reports[str(path.relative_to(report_dir))] = path.read_text(errors="replace")
    return Run(
        code=process.returncode,
        output=output.decode(errors="replace"),
        reports=reports,
        seconds=seconds,
        max_rss_bytes=usage.ru_maxrss * 1024,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )


def run_checks(
    tmp_path: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = TIME_LIMIT_S
) -> Run:
    """``pytest checks/ ARGS --report-dir OUT --report-format <all>`` from ``tmp_path``."""
    report_dir = tmp_path / "reports-out"
    argv = [
        sys.executable,
        "-m",
        "pytest",
        str(CHECKS),
        "-p",
        "sesguard.plugin",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-rA",
        "--report-dir",
        str(report_dir),
        "--report-format",
        ALL_FORMATS,
        *args,
    ]
    return run_command(argv, tmp_path, env=env, timeout=timeout, report_dir=report_dir)


NOBODY: Final = 65534


def run_checks_as_nobody(base: Path, *args: str) -> Run:
    """``pytest checks/ ARGS --report-dir BASE/out`` as the unprivileged user ``nobody`` from ``base`` (a
    folder outside root's private temporary tree), so that permissions are enforced as for users."""
    report_dir = base / "out"
    argv = [sys.executable, "-m", "pytest", str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
            "--report-dir", str(report_dir), *args]  # fmt: skip
    switch = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return run_command([*switch, *argv], base, env={"HOME": str(base)}, timeout=90, report_dir=report_dir)


def statuses(run: Run, policy: str) -> dict[str, str]:
    """``POLICY::<resource id>`` (a logical ID, a Terraform address, a set) → status for one policy,
    from findings.json (row ids also name the file, which these tests do not need)."""
    import json

    doc = json.loads(run.reports["findings.json"])
    return {
        f"{policy}::{row['resource']['id']}": row["status"]
        for row in doc["findings"]
        if row["policy_id"] == policy
    }
