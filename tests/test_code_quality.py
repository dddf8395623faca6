"""The code stays typed and linted: mypy --strict on the package, tests and benchmarks; ruff on everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    if not (BIN / command[0]).exists():
        pytest.skip(f"{command[0]} is not installed (install the 'test' extra)")
    return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=REPO, capture_output=True, text=True, check=False)


def test_mypy_strict_is_clean() -> None:
    # mypy's own incremental cache (.mypy_cache, as a plain `mypy` run in the checkout uses): a clean
    # checkout pays the full check once, later runs only re-check what changed.
    result = _run("mypy", "sesguard", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout[-4000:]


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-4000:]
