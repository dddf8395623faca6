"""A run's setup from its options: what it reads, its policies, settings, baseline and report formats.

Every problem (inconsistent options, a missing path, a bad settings or snapshot file) is a
:class:`~sesguard.usage.UsageError` whose one line is what the user sees (exit code 4). A bad policy
file is not: it is one of the setup's ``policy_problems`` and every other policy still runs (the run
reports it and exits 4). ``option`` is how the caller reads an option by its ``dest`` name (pytest's
``config.getoption``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sesguard.config import ConfigError, Settings, Waiver, find_config, load_settings
from sesguard.model import Inventory
from sesguard.policies import Policy, PolicyError, PolicyProblem, default_policy_dir, read_policies
from sesguard.usage import UsageError

if TYPE_CHECKING:
    from sesguard.sources.live import LiveOptions

Option = Callable[[str], Any]


@dataclass
class Setup:
    """What a run checks and how: its inputs, enabled policies, settings, baseline and report formats."""

    policies: list[Policy]
    settings: Settings
    policy_dir: Path
    sources: list[str]  # the inputs asked for: templates, aws, inventory
    inputs: list[str]  # the paths given
    formats: list[str]
    started_at: str
    snapshot: Inventory | None = None
    baseline: list[Waiver] = field(default_factory=list)
    live: LiveOptions | None = None
    policy_problems: list[PolicyProblem] = field(default_factory=list)  # policy files not loaded


def now() -> str:
    """The current UTC time, to the second (``2026-12-01T08:00:00Z``)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def requested(option: Option) -> list[str]:
    """The inputs the options ask for (none: sesguard has nothing to do in this run)."""
    return [name for name in ("templates", "aws", "inventory") if option(name)]


def check_combination(option: Option) -> None:
    """Options that cannot go together, or one that needs another."""
    if option("aws") and option("inventory"):
        raise UsageError("--aws and --inventory are exclusive: scan live or evaluate a saved snapshot")
    if option("inventory_out") and not option("aws"):
        raise UsageError("--inventory-out needs --aws (it saves what the live scan read)")
    if option("shard") is not None and not option("aws"):
        raise UsageError("--shard needs --aws (it splits the accounts a live scan reads)")
    if (option("accounts") or option("organization")) and not option("assume_role"):
        raise UsageError("--accounts/--organization need --assume-role ROLE_NAME")


def prepare(option: Option, progress: Callable[[str], None] | None = None) -> Setup:
    """The run's setup, checked in the order a user fixes problems: paths, files, formats, live options."""
    check_template_paths(option)
    policy_dir = Path(option("policies")) if option("policies") else default_policy_dir()
    try:
        found = read_policies(policy_dir)
        if not found.policies:  # nothing left to check
            raise UsageError("\n".join(str(problem) for problem in found.problems))
        policies = found.policies
        config_path = Path(option("config")) if option("config") else find_config(Path.cwd())
        settings = load_settings(
            config_path,
            [Path(p) for p in option("waivers")],
            policies,
            option("fail_on"),
            not_loaded={Path(problem.file).stem for problem in found.problems},
        )
        baseline = _read_baseline(option("baseline"))
    except (PolicyError, ConfigError) as exc:
        raise UsageError(str(exc)) from None
    formats = report_formats(option("report_format"))
    live = None
    if option("aws"):
        from sesguard.live_run import live_options

        live = live_options(option, progress)
    enabled = [p for p in policies if p.id not in settings.disabled]
    if not enabled:
        where = settings.config_file or "the settings"
        raise UsageError(
            f"sesguard: {where}: 'disabled' turns off all {len(policies)} policies; nothing would be checked"
        )
    inputs = list(option("templates"))
    snapshot = None
    if option("inventory"):
        from sesguard.shards import ShardError, read_snapshots
        from sesguard.snapshot import SnapshotError

        inputs.extend(option("inventory"))
        try:
            snapshot = read_snapshots([Path(p) for p in option("inventory")])
        except (SnapshotError, ShardError) as exc:
            raise UsageError(f"sesguard: {exc}") from None
    return Setup(
        policies=enabled,
        settings=settings,
        policy_dir=policy_dir,
        sources=requested(option),
        inputs=inputs,
        formats=formats,
        started_at=now(),
        snapshot=snapshot,
        baseline=baseline,
        live=live,
        policy_problems=found.problems,
    )


def check_template_paths(option: Option) -> None:
    """A ``--templates`` path that does not exist is a usage error (a typo), not 22 error rows; so is one
    that is not a regular file or folder (a pipe, ``/dev/stdin``, ``<(...)``, a FIFO, a device: it
    would be read partly, twice or forever), and a size limit that is not a positive number."""
    from sesguard.sources.input_files import kind_problem

    limit = option("max_template_bytes")
    if limit <= 0:
        raise UsageError(f"--max-template-bytes: {limit} is not a positive number of bytes")
    for value in option("templates"):
        if not Path(value).exists():
            raise UsageError(f"--templates: {value}: no such file or directory")
        problem = kind_problem(Path(value))
        if problem is not None:
            raise UsageError(f"--templates {value}: {problem}")


def report_formats(raw: str | None) -> list[str]:
    """The report formats asked for (``--report-format``; default json,html)."""
    from sesguard.findings.writers import DEFAULT_REPORT_FORMATS, parse_formats

    if raw is None:
        return list(DEFAULT_REPORT_FORMATS)
    try:
        return list(parse_formats(str(raw)))
    except ValueError as exc:
        raise UsageError(f"--report-format: {exc}") from None


def _read_baseline(path: str | None) -> list[Waiver]:
    from sesguard.baseline import read

    return read(Path(path)) if path else []


def empty_paths_problem(inventory: Inventory, allow_empty: bool) -> str | None:
    """The usage error for ``--templates`` paths that hold no template (unless ``--allow-empty``)."""
    empty = inventory.meta.get("empty_paths")
    if not empty or allow_empty:
        return None
    return (
        f"sesguard: no template found in {', '.join(map(str, empty))} (CloudFormation .yaml/.yml/.json/"
        ".template with Resources, Terraform .tf or plan JSON); pass --allow-empty if that is expected"
    )
