"""The pipeline every entry point runs (pytest plugin, CLI, cfn-lint rules, benchmarks, tests).

``collect(request)`` reads what a run checks into one :class:`~sesguard.model.Inventory`;
``evaluate(inventory, policies, settings, today)`` derives the properties that span resources (on
copies: the inventory given is never changed), pairs every policy with every resource in scope, and
applies the settings, the inline suppressions and the baseline; ``document(evaluation, setup, ran)`` is
the findings document of the rows that ran. ``derive(inventory)`` alone gives the derived copy (for
callers that need the properties, not the rows).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sesguard.config import Settings, Waiver
from sesguard.derive import derive
from sesguard.engine import Finding, build_findings
from sesguard.gc_pause import paused_gc
from sesguard.model import Inventory
from sesguard.policies import Policy
from sesguard.sources.input_files import DEFAULT_MAX_TEMPLATE_BYTES
from sesguard.verdicts import WaiverState

if TYPE_CHECKING:
    from sesguard.run_setup import Setup

__all__ = ["Evaluation", "Request", "collect", "derive", "document", "evaluate"]


@dataclass(frozen=True)
class Request:
    """What one run reads: template paths, saved inventories, and (a reader of) the live account(s)."""

    templates: Sequence[Path] = ()
    max_template_bytes: int = DEFAULT_MAX_TEMPLATE_BYTES
    snapshot: Inventory | None = None  # saved inventory snapshots (--inventory), already read
    live: Callable[[], Inventory] | None = None  # reads the live account(s) (--aws)


def collect(request: Request) -> Inventory:
    """One inventory of everything ``request`` names: templates, then snapshots, then the live account."""
    inventory = Inventory()
    if request.templates:
        from sesguard.sources.templates import read_templates

        with paused_gc():
            inventory.extend(read_templates(list(request.templates), request.max_template_bytes))
    if request.snapshot is not None:
        inventory.extend(request.snapshot)
    if request.live is not None:
        inventory.extend(request.live())
    return inventory


@dataclass(frozen=True)
class Evaluation:
    """The rows of a run: ``verdicts`` as the engine gave them, ``findings`` with the settings applied.

    ``inventory`` is the evaluated (derived) copy of the collected one.
    """

    inventory: Inventory
    verdicts: list[Finding]
    findings: list[Finding]
    waiver_states: list[WaiverState] = field(default_factory=list)


def evaluate(
    inventory: Inventory,
    policies: Sequence[Policy],
    settings: Settings | None = None,
    today: date | None = None,
    baseline: Sequence[Waiver] = (),
) -> Evaluation:
    """Every row of ``policies`` on ``inventory``.

    Without ``settings`` the rows are the engine's verdicts with each policy's default parameters (no
    waivers, suppressions, baseline or fail-on threshold); with them, the run's parameters, then its
    waivers, the inline suppressions of the files read, and ``baseline`` as of ``today``.
    """
    with paused_gc():
        return _evaluate(inventory, policies, settings, today, baseline)


def _evaluate(
    inventory: Inventory,
    policies: Sequence[Policy],
    settings: Settings | None,
    today: date | None,
    baseline: Sequence[Waiver],
) -> Evaluation:
    derived = derive(inventory)
    if settings is None:
        verdicts = build_findings(policies, derived, {p.id: p.defaults() for p in policies})
        return Evaluation(derived, verdicts, verdicts)
    from sesguard import suppressions
    from sesguard.verdicts import apply_settings

    verdicts = build_findings(policies, derived, settings.params_for(policies))
    files = {(f.resource.location.file, f.resource.source) for f in verdicts if f.resource.location.file}
    inline = suppressions.as_waivers(suppressions.in_files(files), verdicts)
    findings, states = apply_settings(verdicts, settings, today or date.today(), [*inline, *baseline])
    return Evaluation(derived, verdicts, findings, states)


def document(evaluation: Evaluation, setup: Setup, ran: Collection[str] = ()) -> dict[str, Any]:
    """The findings document (findings.json) of the rows that ran (``ran``: their ids; empty: every row)
    of a run set up by ``setup``."""
    from sesguard.findings.build import build_document
    from sesguard.policies import policy_set_digest
    from sesguard.run_setup import now

    everything = evaluation.findings
    findings = [f for f in everything if f.id in ran] if ran else everything
    return build_document(
        findings,
        evaluation.waiver_states,
        evaluation.inventory,
        run={
            "started_at": setup.started_at,
            "finished_at": now(),
            "sources": setup.sources,
            "inputs": setup.inputs,
            "policy_set_digest": policy_set_digest(setup.policy_dir),
            "policy_count": len(setup.policies),
            "fail_on": setup.settings.fail_on,
            "config_file": setup.settings.config_file,
            "waiver_files": setup.settings.waiver_files,
            "inventory_collected_at": evaluation.inventory.collected_at,
            "api_calls": evaluation.inventory.meta.get("api_calls"),
            "selected_rows": len(findings),
            "total_rows": len(everything),
            # -k, --lf, -x, a shard: not every row ran, so the run cannot speak for the others
            "partial": len(findings) < len(everything),
        },
        policies=setup.policies,
        policy_problems=setup.policy_problems,
    )
