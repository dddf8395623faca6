"""`sesguard scan` that cannot start (no region, no credentials, no such profile): one line, exit 4."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _scan(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **env,
    }
    command = [str(Path(sys.executable).with_name("sesguard")), "scan", "--report-dir", str(tmp_path / "r"), *args]
    return subprocess.run(command, cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ((), {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"}, "no region: pass --regions"),
        (("--regions", "us-east-1"), {}, "no AWS credentials found"),
        (("--profile", "missing", "--regions", "us-east-1"), {}, "missing"),
    ],
)
def test_scan_that_cannot_start_is_a_one_line_usage_error(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], expected: str
) -> None:
    result = _scan(tmp_path, *args, **env)
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr[-2000:]
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], lines
    assert "Traceback" not in result.stderr
