"""Scans split across machines: ``--shard K/N`` picks a stable part, several snapshots join as one run.

A shard owns an account (``--shard-by account``, the default) or an account and region scope
(``--shard-by region``; the account's IAM goes with the shard owning the account) by a hash of its
name, so the split does not depend on the order accounts are listed in, nor on which other accounts
exist. Each shard saves what it read with ``--inventory-out``; ``--inventory A B C`` (or
``sesguard merge``) evaluates the union as one run, after checking that the snapshots fit: the same
format and policy set, every shard of the same split exactly once, no account or scope read twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sesguard.model import Inventory
from sesguard.snapshot import SnapshotError

SHARD_BY: Final = ("account", "region")
_SPEC: Final = re.compile(r"^(\d{1,6})/(\d{1,6})$")


class ShardError(ValueError):
    """A shard spec or a set of snapshots that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Shard:
    """Part ``index`` (1-based) of ``count``, split by account or by account and region."""

    index: int
    count: int
    by: str = "account"

    @classmethod
    def parse(cls, spec: str, by: str = "account") -> Shard:
        """``"2/3"`` -> Shard(2, 3); raises ShardError when malformed or out of range."""
        match = _SPEC.match(spec.strip())
        if match is None:
            raise ShardError(f"--shard {spec!r}: expected K/N, e.g. 2/3 (the second of three shards)")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or not 1 <= index <= count:
            raise ShardError(f"--shard {spec}: K must be between 1 and N (N at least 1)")
        if by not in SHARD_BY:
            raise ShardError(f"--shard-by {by!r}: expected one of {', '.join(SHARD_BY)}")
        return cls(index, count, by)

    def owns(self, key: str) -> bool:
        """Whether this shard reads ``key`` (an account ID, or ``account/region``)."""
        digest = hashlib.sha256(key.encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def owns_account(self, account: str) -> bool:
        """Account split: whether the account is this shard's; region split: whether its IAM is."""
        return self.owns(account)

    def owns_scope(self, account: str, region: str) -> bool:
        """Whether this shard reads the account's region."""
        return self.owns(account) if self.by == "account" else self.owns(f"{account}/{region}")

    def as_dict(self) -> dict[str, Any]:
        """How a snapshot records the shard it holds."""
        return {"index": self.index, "count": self.count, "by": self.by}


def _shard_of(meta: Mapping[str, Any]) -> dict[str, Any] | None:
    shard = meta.get("shard")
    return dict(shard) if isinstance(shard, Mapping) else None


def _scopes(meta: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """The accounts whose IAM a snapshot read, and its ``account/region`` scopes."""
    live = meta.get("live") if isinstance(meta.get("live"), Mapping) else {}
    assert isinstance(live, Mapping)
    regions = live.get("regions") if isinstance(live.get("regions"), Mapping) else {}
    assert isinstance(regions, Mapping)
    accounts = {str(a) for a in live.get("accounts") or []}
    iam = set(live.get("iam_accounts") or accounts)
    scopes = {f"{a}/{r}" for a, rs in regions.items() for r in rs or []}
    return {str(a) for a in iam}, scopes


def check_mergeable(snapshots: list[tuple[Path, Inventory]]) -> None:
    """Raise ShardError (one line) unless the snapshots are parts of one run that fit together."""
    if len(snapshots) < 2:
        return
    first_path, first = snapshots[0]
    digest = _policy_digest(first.meta)
    for path, inventory in snapshots[1:]:
        other = _policy_digest(inventory.meta)
        if digest and other and other != digest:
            raise ShardError(
                f"{path}: taken with another policy set than {first_path} ({other[:19]}… vs {digest[:19]}…): "
                "scan every shard with the same sesguard and policies"
            )
    _check_shards(snapshots)
    _check_disjoint(snapshots)


def _policy_digest(meta: Mapping[str, Any]) -> str | None:
    info = meta.get("sesguard")
    value = info.get("policy_set_digest") if isinstance(info, Mapping) else None
    return str(value) if value else None


def _check_shards(snapshots: list[tuple[Path, Inventory]]) -> None:
    shards = [(path, _shard_of(inv.meta)) for path, inv in snapshots]
    marked = [(path, s) for path, s in shards if s is not None]
    if not marked:
        return
    unmarked = [path for path, s in shards if s is None]
    if unmarked:
        raise ShardError(f"{unmarked[0]}: not a shard, but {marked[0][0]} is: merge the shards of one split only")
    path0, shard0 = marked[0]
    seen: dict[int, Path] = {}
    for path, shard in marked:
        if (shard["count"], shard["by"]) != (shard0["count"], shard0["by"]):
            raise ShardError(
                f"{path}: shard {shard['index']}/{shard['count']} by {shard['by']} is not of the split of {path0} "
                f"({shard0['index']}/{shard0['count']} by {shard0['by']})"
            )
        index = int(shard["index"])
        if not 1 <= index <= int(shard["count"]):
            raise ShardError(f"{path}: shard {index}/{shard['count']} is out of range")
        if index in seen:
            raise ShardError(f"{path}: overlapping shards: {index}/{shard['count']} is also {seen[index]}")
        seen[index] = path
    missing = sorted(set(range(1, int(shard0["count"]) + 1)) - set(seen))
    if missing:
        names = ", ".join(f"{i}/{shard0['count']}" for i in missing)
        raise ShardError(f"missing shards: {names} (give every shard's snapshot, {len(seen)} given)")


def _check_disjoint(snapshots: list[tuple[Path, Inventory]]) -> None:
    owner_iam: dict[str, Path] = {}
    owner_scope: dict[str, Path] = {}
    for path, inventory in snapshots:
        iam, scopes = _scopes(inventory.meta)
        for account in sorted(iam):
            if account in owner_iam:
                raise ShardError(f"{path}: account {account} is also in {owner_iam[account]}: it would count twice")
            owner_iam[account] = path
        for scope in sorted(scopes):
            if scope in owner_scope:
                raise ShardError(f"{path}: {scope} is also in {owner_scope[scope]}: it would count twice")
            owner_scope[scope] = path


def merge_meta(metas: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """One run's metadata from its parts: API calls added up, accounts and regions joined."""
    merged: dict[str, Any] = {}
    calls: dict[str, int] = {}
    live: dict[str, Any] = {}
    for meta in metas:
        for key, value in meta.items():
            if key not in ("api_calls", "live", "shard"):
                merged.setdefault(key, value)
        for operation, count in (meta.get("api_calls") or {}).items():
            calls[operation] = calls.get(operation, 0) + int(count)
        part = meta.get("live")
        if isinstance(part, Mapping):
            _merge_live(live, part)
    if calls:
        merged["api_calls"] = dict(sorted(calls.items()))
    if live:
        merged["live"] = live
    return merged


def _merge_live(into: dict[str, Any], part: Mapping[str, Any]) -> None:
    for key, value in part.items():
        if key in ("accounts", "iam_accounts"):
            into[key] = sorted({*into.get(key, []), *value})
        elif key == "seconds":
            into[key] = max(float(into.get(key, 0)), float(value))
        elif isinstance(value, bool):
            into[key] = bool(into.get(key, False)) or value
        elif isinstance(value, int | float):
            into[key] = into.get(key, 0) + value
        elif isinstance(value, list):
            into[key] = [*into.get(key, []), *value]
        elif isinstance(value, Mapping):
            into[key] = {**into.get(key, {}), **value}
        else:
            into.setdefault(key, value)


def merge_snapshots(snapshots: list[tuple[Path, Inventory]]) -> Inventory:
    """The union of checked snapshots (see :func:`check_mergeable`) as one inventory."""
    merged = Inventory()
    for _, inventory in snapshots:
        merged.resources.extend(inventory.resources)
        merged.errors.extend(inventory.errors)
        merged.sets.update(inventory.sets)
        if inventory.collected_at and (merged.collected_at is None or inventory.collected_at < merged.collected_at):
            merged.collected_at = inventory.collected_at
    merged.meta = merge_meta(inv.meta for _, inv in snapshots)
    return merged


def read_snapshots(paths: list[Path]) -> Inventory:
    """Read and join snapshot files; raises SnapshotError or ShardError with one line."""
    from sesguard.snapshot import read_snapshot

    snapshots = [(path, read_snapshot(path)) for path in paths]
    if len(snapshots) == 1:
        return snapshots[0][1]
    check_mergeable(snapshots)
    return merge_snapshots(snapshots)


__all__ = ["SHARD_BY", "Shard", "ShardError", "SnapshotError", "check_mergeable", "merge_snapshots", "read_snapshots"]
