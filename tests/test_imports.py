"""Importing is cheap: heavy optional dependencies load when used, not when a module is imported."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(module: str, *candidates: str) -> list[str]:
    """Which of ``candidates`` a fresh interpreter has in ``sys.modules`` after ``import module``."""
    code = f"import sys, {module}; print(' '.join(m for m in {candidates!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.split()


@pytest.mark.parametrize("module", ["sesguard.local", "sesguard.local.cli", "sesguard.local.endpoint"])
def test_the_local_endpoint_loads_moto_only_when_it_starts(module: str) -> None:
    assert _loaded_after(module, "moto", "werkzeug", "flask", "boto3") == []


def test_the_check_really_sees_moto() -> None:  # the control: the check can fail
    assert _loaded_after("sesguard.local.moto_bridge", "moto") == ["moto"]
