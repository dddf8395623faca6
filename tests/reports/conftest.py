"""Fixtures for the report tests: hand-written findings documents and golden-file comparison."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FINDINGS = ROOT / "tests" / "fixtures" / "findings"
GOLDEN = Path(__file__).resolve().parent / "golden"
SARIF_SCHEMA = ROOT / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def load_fixture(name: str) -> dict[str, Any]:
    """A fresh copy of a findings fixture."""
    doc: dict[str, Any] = json.loads((FINDINGS / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(doc)


@pytest.fixture
def template_doc() -> dict[str, Any]:
    """A CloudFormation run: fails, an error, a skip, a waived row; active, expired, stale and unused waivers."""
    return load_fixture("template-run")


@pytest.fixture
def live_doc() -> dict[str, Any]:
    """A live run: two accounts x two regions, one PROBATION at 6.1% bounce, credential failures."""
    return load_fixture("live-run")


UPDATE_GOLDEN = "SESGUARD_UPDATE_GOLDEN"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with ``golden/<name>``: a missing or different file fails. Golden files are
    written only when asked: ``SESGUARD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/reports`` (review the
    diff before committing it)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get(UPDATE_GOLDEN) == "1":
            path.write_text(text, encoding="utf-8")
        if not path.exists():
            pytest.fail(f"golden file {path} is missing ({UPDATE_GOLDEN}=1 writes it)")
        assert text == path.read_text(encoding="utf-8"), f"differs from {path} ({UPDATE_GOLDEN}=1 rewrites it)"

    return check


def run_at(doc: dict[str, Any], started: str) -> dict[str, Any]:
    """``doc`` as if run at ``started`` (ISO time): a distinct run for the history."""
    out = copy.deepcopy(doc)
    out["run"]["started_at"] = started
    out["run"]["finished_at"] = started
    return out
