"""The cyclic collector is paused while a run reads and evaluates, and restored afterwards."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from sesguard import engine, run
from sesguard.gc_pause import paused_gc
from sesguard.model import Inventory
from sesguard.policies import load_policies

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "templates"


def test_paused_inside_and_restored_after_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner exit leaves the outer pause in force
        raise RuntimeError
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_reading_and_evaluating_run_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    import sesguard.sources.templates as templates

    real_read = templates.read_templates
    real_build = engine.build_findings

    def read(*args: object, **kwargs: object) -> Inventory:
        seen.append(gc.isenabled())
        return real_read(*args, **kwargs)  # type: ignore[arg-type]

    def build(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(templates, "read_templates", read)
    monkeypatch.setattr(run, "build_findings", build)
    inventory = run.collect(run.Request(templates=[EXAMPLES]))
    evaluation = run.evaluate(inventory, load_policies())
    assert seen == [False, False]
    assert evaluation.findings and gc.isenabled()
