"""Reading the paths given to ``--templates``: CloudFormation and Terraform, each path one set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from sesguard.model import Inventory

TERRAFORM_SUFFIXES: Final = (".tf",)


def _has_terraform(path: Path) -> bool:
    if path.is_file():
        return path.suffix in TERRAFORM_SUFFIXES or _is_plan(path)
    return any(path.rglob("*.tf")) or any(_is_plan(p) for p in path.rglob("*.json"))


def _is_plan(path: Path) -> bool:
    if path.suffix != ".json":
        return False
    from sesguard.sources.terraform import is_plan_json

    return is_plan_json(path)


def _read_terraform(path: Path, set_name: str) -> Inventory:
    from sesguard.sources.terraform import read_terraform

    return read_terraform(path, set_name)


def _rename_set(inventory: Inventory, old: str, new: str) -> None:
    for resource in inventory.resources:
        if resource.set_name == old:
            resource.set_name = new
            if resource.id == old:
                resource.id = new
    for error in inventory.errors:
        if error.set_name == old:
            error.set_name = new
    inventory.sets = {(new if k == old else k): v for k, v in inventory.sets.items()}


def read_templates(paths: Sequence[Path]) -> Inventory:
    """One inventory for all paths; a path holding both kinds gives two sets (``PATH [cfn]``, ``PATH [tf]``)."""
    from sesguard.sources.cfn import read_cloudformation

    inventory = Inventory()
    for path in paths:
        set_name = str(path)
        if path.is_file() and (path.suffix in TERRAFORM_SUFFIXES or _is_plan(path)):
            inventory.extend(_read_terraform(path, set_name))
            continue
        cfn = read_cloudformation(path, set_name)
        if path.is_dir() and _has_terraform(path):
            tf = _read_terraform(path, set_name)
            if cfn.resources or cfn.errors:
                _rename_set(cfn, set_name, f"{set_name} [cfn]")
                _rename_set(tf, set_name, f"{set_name} [tf]")
                inventory.extend(cfn)
            inventory.extend(tf)
            continue
        inventory.extend(cfn)
    return inventory
