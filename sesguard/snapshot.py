"""Saving and loading an inventory snapshot (versioned JSON), so a scan can be evaluated offline.

Version 2 writes each set as ``name: {source, account, region}`` (a :class:`SetRef`); version 1
wrote ``name: source`` and is still read (its live sets were named ``<account>/<region>`` or
``<account>``, the only place that naming is read back).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

from sesguard.atomic import write_json_atomic
from sesguard.model import Inventory, Location, Resource, SetRef, SourceError, Unknown

SNAPSHOT_FORMAT: Final = "sesguard-inventory"
SNAPSHOT_VERSION: Final = 2
READABLE_VERSIONS: Final = (1, 2)


class SnapshotError(ValueError):
    """A snapshot file that cannot be read; the message names the file and what is wrong."""


def _encode(value: Any) -> Any:
    if isinstance(value, Unknown):
        return {"$unknown": value.reason}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$unknown"}:
            return Unknown(str(value["$unknown"]))
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def inventory_to_dict(inventory: Inventory) -> dict[str, Any]:
    """The JSON-ready form of an inventory (base properties only; derived ones are recomputed)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "format_version": SNAPSHOT_VERSION,
        "collected_at": inventory.collected_at,
        "meta": _encode(inventory.meta),
        "sets": {
            name: {"source": ref.source, "account": ref.account, "region": ref.region}
            for name, ref in inventory.sets.items()
        },
        "resources": [
            {
                "type": r.type,
                "id": r.id,
                "source": r.source,
                "set_name": r.set_name,
                "native_type": r.native_type,
                "location": asdict(r.location),
                "props": _encode(r.props),
                **({"scope": r.scope} if r.scope is not None else {}),
            }
            for r in inventory.resources
        ],
        "errors": [
            {
                "message": e.message,
                "set_name": e.set_name,
                "source": e.source,
                "location": asdict(e.location),
                "affects": list(e.affects),
                "code": e.code,
            }
            for e in inventory.errors
        ],
    }


def _upgrade_props(resource_type: str, props: dict[str, Any]) -> dict[str, Any]:
    """Facts added since a snapshot was written, where the older reader's answer implies them: it kept
    only alarms on the account-level metrics, so their ``dimensions`` were none and not metric math."""
    alarms = props.get("alarms") if resource_type == "account" else None
    if isinstance(alarms, list):
        props["alarms"] = [
            {"dimensions": [], "expression": None, **a} if isinstance(a, dict) else a for a in alarms
        ]
    return props


def _set_ref(name: str, value: Any) -> SetRef:
    """A set as written: ``{source, account, region}`` (version 2) or its source alone (version 1)."""
    if isinstance(value, str):  # version 1: a live set's name was its account and region
        if value != "live":
            return SetRef(value, name)
        account, _, region = name.partition("/")
        return SetRef(value, name, account, region or None)
    return SetRef(str(value["source"]), name, value.get("account"), value.get("region"))


def inventory_from_dict(data: dict[str, Any], origin: str = "<snapshot>") -> Inventory:
    """Rebuild an inventory from :func:`inventory_to_dict` output; raises SnapshotError when malformed."""
    if data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f"{origin}: not a sesguard inventory snapshot (format is {data.get('format')!r})")
    if data.get("format_version") not in READABLE_VERSIONS:
        raise SnapshotError(
            f"{origin}: snapshot format_version {data.get('format_version')!r} is not supported "
            f"(this sesguard reads versions {', '.join(map(str, READABLE_VERSIONS))})"
        )
    try:
        sets = {name: _set_ref(name, value) for name, value in dict(data.get("sets", {})).items()}

        def set_of(item: dict[str, Any]) -> SetRef:
            return sets.get(item["set_name"]) or SetRef(item["source"], item["set_name"])

        resources = [
            Resource(
                type=r["type"],
                id=r["id"],
                set_ref=set_of(r),
                native_type=r.get("native_type"),
                location=Location(**r["location"]),
                props=_upgrade_props(r["type"], _decode(r["props"])),
                scope=r.get("scope"),
            )
            for r in data["resources"]
        ]
        errors = [
            SourceError(
                message=e["message"],
                set_ref=set_of(e),
                location=Location(**e["location"]),
                affects=tuple(e["affects"]),
                code=e.get("code"),
            )
            for e in data["errors"]
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise SnapshotError(f"{origin}: malformed snapshot: {exc!r}") from exc
    return Inventory(
        resources=resources,
        errors=errors,
        sets=sets,
        collected_at=data.get("collected_at"),
        meta=_decode(data.get("meta", {})),
    )


def write_snapshot(inventory: Inventory, path: Path) -> None:
    """Write the snapshot atomically."""
    write_json_atomic(inventory_to_dict(inventory), path)


def read_snapshot(path: Path) -> Inventory:
    """Load a snapshot file; raises SnapshotError with the file name when it cannot be read."""
    from sesguard.sources.input_files import read_regular

    try:
        data = json.loads(read_regular(path).decode("utf-8"))  # a FIFO is refused, never waited on
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{path}: cannot read snapshot: {exc}") from exc
    if not isinstance(data, dict):
        raise SnapshotError(f"{path}: not a sesguard inventory snapshot")
    return inventory_from_dict(data, str(path))
