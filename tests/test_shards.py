"""Shard specs and the checks before snapshots are joined: each problem is one line, nothing merged silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sesguard.model import Inventory, Location, Resource, SetRef
from sesguard.shards import Shard, ShardError, check_mergeable, merge_snapshots, read_snapshots
from sesguard.snapshot import SnapshotError, inventory_from_dict, inventory_to_dict, write_snapshot

ACCOUNTS = [f"{n:012d}" for n in range(1, 201)]


def part(accounts: list[str], shard: dict[str, Any] | None = None, digest: str = "sha256:aa", **live: Any) -> Inventory:
    meta: dict[str, Any] = {
        "sesguard": {"policy_set_digest": digest},
        "api_calls": {"sesv2:GetAccount": len(accounts)},
        "live": {"accounts": accounts, "regions": {a: ["us-east-1"] for a in accounts}, **live},
    }
    if shard is not None:
        meta["shard"] = shard
    resources = [
        Resource(type="account", id=f"{a}/us-east-1", set_ref=SetRef("live", f"{a}/us-east-1", a, "us-east-1"),
                 location=Location(account=a, region="us-east-1"), props={"sending_enabled": True})
        for a in accounts
    ]  # fmt: skip
    return Inventory(resources=resources, meta=meta, collected_at="2026-12-01T00:00:00Z")


def split(count: int, by: str = "account") -> list[list[str]]:
    shards = [Shard(k, count, by) for k in range(1, count + 1)]
    return [[a for a in ACCOUNTS if s.owns_account(a)] for s in shards]


def test_the_split_is_stable_complete_and_balanced() -> None:
    parts = split(3)
    assert sorted(a for p in parts for a in p) == ACCOUNTS
    assert all(40 <= len(p) <= 95 for p in parts), [len(p) for p in parts]
    assert split(3) == parts  # the same on every machine
    # adding accounts does not move the others
    assert [a for a in ACCOUNTS if Shard(2, 3).owns(a)] == parts[1]
    region = Shard(1, 2, "region")
    assert {region.owns_scope("1" * 12, r) for r in ("us-east-1", "eu-west-1", "ap-south-1", "sa-east-1")} == {
        True,
        False,
    }


@pytest.mark.parametrize(("spec", "index", "count"), [("1/1", 1, 1), ("2/3", 2, 3), (" 10/10 ", 10, 10)])
def test_specs(spec: str, index: int, count: int) -> None:
    assert Shard.parse(spec) == Shard(index, count)


@pytest.mark.parametrize("spec", ["0/3", "4/3", "1/0", "-1/3", "a/b", "2", "1/2/3", ""])
def test_bad_specs_are_one_line(spec: str) -> None:
    with pytest.raises(ShardError, match=r"^--shard") as caught:
        Shard.parse(spec)
    assert "\n" not in str(caught.value)


def shards(count: int = 3) -> list[tuple[Path, Inventory]]:
    return [
        (Path(f"s{k}.json"), part(accounts, {"index": k, "count": count, "by": "account"}))
        for k, accounts in enumerate(split(count), start=1)
    ]


def test_every_shard_once_merges_into_one_inventory() -> None:
    given = shards()
    check_mergeable(given)
    merged = merge_snapshots(given)
    assert sorted(str(r.location.account) for r in merged.resources) == ACCOUNTS
    assert merged.meta["api_calls"] == {"sesv2:GetAccount": len(ACCOUNTS)}
    assert merged.meta["live"]["accounts"] == ACCOUNTS
    assert "shard" not in merged.meta


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda s: s[:2], "missing shards: 3/3"),
        (lambda s: [*s, s[0]], "overlapping shards: 1/3"),
        (lambda s: [*s[:2], (Path("x.json"), part(["999999999999"], {"index": 3, "count": 4, "by": "account"}))],
         "not of the split"),
        (lambda s: [*s, (Path("plain.json"), part(["999999999999"]))], "not a shard"),
        (lambda s: [(p, part(inv.meta["live"]["accounts"], inv.meta["shard"], digest="sha256:bb")) if p.name == "s2.json"
                    else (p, inv) for p, inv in s], "another policy set"),
        (lambda s: [(Path("a.json"), part(ACCOUNTS[:5])), (Path("b.json"), part(ACCOUNTS[4:9]))],
         f"account {ACCOUNTS[4]} is also in a.json"),
        (lambda s: [*s[:2], (Path("s3.json"), part(split(3)[2], {"index": 3, "count": 3, "by": "account"},
                                                   iam_accounts=[split(3)[0][0]]))], "would count twice"),
    ],
)  # fmt: skip
def test_snapshots_that_do_not_fit_are_refused_with_one_line(change: Any, says: str) -> None:
    with pytest.raises(ShardError) as caught:
        check_mergeable(change(shards()))
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_a_snapshot_of_another_format_version_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    write_snapshot(part(ACCOUNTS[:2]), good)
    newer = tmp_path / "newer.json"
    data = inventory_to_dict(part(ACCOUNTS[2:4]))
    data["format_version"] = 3
    newer.write_text(__import__("json").dumps(data))
    with pytest.raises(SnapshotError, match="format_version 3 is not supported"):
        read_snapshots([good, newer])
    assert len(read_snapshots([good]).resources) == 2


def test_a_version_1_snapshot_is_still_read_with_its_sets_account_and_region() -> None:
    """Version 1 wrote a set as ``name: source``; its live sets were named ``<account>/<region>``."""
    old = {
        "format": "sesguard-inventory",
        "format_version": 1,
        "collected_at": "2026-12-01T00:00:00Z",
        "meta": {},
        "sets": {"111111111111": "live", "111111111111/eu-west-1": "live", "infra": "tf"},
        "resources": [
            {"type": "account", "id": "eu-west-1", "source": "live", "set_name": "111111111111/eu-west-1",
             "native_type": None, "location": {"file": None, "line": None, "account": "111111111111",
                                               "region": "eu-west-1", "arn": None}, "props": {}},
        ],
        "errors": [
            {"message": "denied", "set_name": "111111111111", "source": "live",
             "location": {"file": None, "line": None, "account": "111111111111", "region": None, "arn": None},
             "affects": ["iam_principal"], "code": "AccessDenied"},
        ],
    }  # fmt: skip
    inventory = inventory_from_dict(old)
    assert inventory.sets == {
        "111111111111": SetRef("live", "111111111111", "111111111111", None),
        "111111111111/eu-west-1": SetRef("live", "111111111111/eu-west-1", "111111111111", "eu-west-1"),
        "infra": SetRef("tf", "infra"),
    }
    assert inventory.resources[0].set_ref == inventory.sets["111111111111/eu-west-1"]
    assert inventory.errors[0].set_ref.covers("iam_principal") and not inventory.errors[0].set_ref.covers("account")
    again = inventory_from_dict(inventory_to_dict(inventory))
    assert again.sets == inventory.sets and again.resources[0].set_ref == inventory.resources[0].set_ref
