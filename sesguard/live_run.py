"""A live scan from the run's options: the reader's options (checked before anything is read) and the read.

Problems are :class:`~sesguard.usage.UsageError` lines (exit code 4), never findings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sesguard.usage import UsageError

if TYPE_CHECKING:
    from sesguard.model import Inventory
    from sesguard.shards import Shard
    from sesguard.sources.live import LiveOptions


def live_options(option: Callable[[str], Any], progress: Callable[[str], None] | None = None) -> LiveOptions:
    """The live reader's options from the run's options (read by ``dest`` name); inconsistent ones, or a
    scan that cannot start (no profile, region or credentials), are a usage error."""
    from sesguard.sources.live import LiveOptions

    timeout = option("timeout")
    if not timeout > 0:
        raise UsageError(f"--timeout: {timeout:g} is not a positive number of seconds")

    def split(value: str | None) -> list[str] | None:
        return [v.strip() for v in value.split(",") if v.strip()] if value else None

    options = LiveOptions(
        profile=option("profile"),
        regions=split(option("regions")),
        assume_role=option("assume_role"),
        external_id=option("external_id"),
        role_session_duration=option("role_session_duration"),
        accounts=split(option("accounts")),
        organization=option("organization"),
        dns=option("dns"),
        all_regions_strict=option("all_regions_strict"),
        lookback_days=option("lookback_days"),
        shard=shard(option("shard"), option("shard_by")),
        connect_timeout=timeout,
        read_timeout=timeout,
        call_deadline=timeout,
        progress=progress,
    )
    from sesguard.sources.live.preflight import preflight

    try:
        preflight(options)
    except ValueError as exc:
        raise UsageError(f"sesguard: {exc}") from None
    return options


def shard(spec: str | None, shard_by: str) -> Shard | None:
    """``--shard K/N`` as a Shard; a malformed or out-of-range spec is a usage error."""
    if spec is None:
        return None
    from sesguard.shards import Shard, ShardError

    try:
        return Shard.parse(str(spec), shard_by)
    except ShardError as exc:
        raise UsageError(f"sesguard: {exc}") from None


def read_live(options: LiveOptions, policy_set_digest: str, inventory_out: str | None) -> Inventory:
    """Read the live account(s); the snapshot records the sesguard version and policy set, and is saved
    to ``inventory_out`` when given."""
    from sesguard import __version__
    from sesguard.snapshot import write_snapshot
    from sesguard.sources.live import collect_live

    try:
        live = collect_live(options)
    except ValueError as exc:  # e.g. no region configured: a usage error, not a finding
        raise UsageError(f"sesguard: {exc}") from None
    live.meta["sesguard"] = {"version": __version__, "policy_set_digest": policy_set_digest}
    if inventory_out:
        write_snapshot(live, Path(inventory_out))
    return live
