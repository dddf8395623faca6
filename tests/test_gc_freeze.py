"""gc_pause.freeze: a pytest run's objects frozen from the end of its reading to its end, never left frozen."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from sesguard import gc_pause

ROOT = Path(__file__).resolve().parent.parent
PROBE = """import atexit, gc, sys

def pytest_runtestloop(session):
    print("ROWS-RUN-FROZEN", gc.get_freeze_count() > 0, gc.isenabled())

atexit.register(lambda: print("AT-EXIT-FROZEN", gc.get_freeze_count() > 0, gc.isenabled(), flush=True))
"""


def test_freeze_leaves_what_others_froze_to_them() -> None:
    gc.freeze()
    try:
        assert gc_pause.freeze() is False  # someone froze objects: theirs to manage
        assert gc_pause.freeze(ours=True) is True  # this run's own, frozen before: more of the same
    finally:
        gc_pause.unfreeze()
    assert gc.get_freeze_count() == 0


def _run(tmp_path: Path, *args: str) -> str:
    (tmp_path / "gc_probe.py").write_text(PROBE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "pytest", "-p", "gc_probe", "-p", "no:cacheprovider", "-s", *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)
    return result.stdout


def test_a_template_run_freezes_for_its_rows_and_unfreezes_at_its_end(tmp_path: Path) -> None:
    template = ROOT / "examples" / "templates"
    out = _run(
        tmp_path, str(ROOT / "checks"), "--templates", str(template), "--report-dir", str(tmp_path / "r")
    )
    assert "ROWS-RUN-FROZEN True True" in out  # the rows ran with the run's objects frozen, collector on
    assert "AT-EXIT-FROZEN False True" in out  # nothing left frozen, the collector back on


def test_a_run_of_other_tests_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "test_own.py").write_text("def test_own():\n    assert True\n")
    out = _run(tmp_path, "test_own.py")
    assert "ROWS-RUN-FROZEN False True" in out
    assert "AT-EXIT-FROZEN False True" in out
