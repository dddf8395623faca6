"""Reading the paths given to ``--templates``: CloudFormation and Terraform, each path one set.

Sets and rows are named portably (``docs/row-ids.md``): a set by its path relative to the directory
sesguard runs in (its last component when it lies outside), a template resource by the file (or
Terraform root module folder, or plan file) it is unique in, relative to that set name. Neither
depends on the other paths of the run, and neither contains an absolute path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Final

from sesguard.model import ACCOUNT, TEMPLATE_SET, Inventory
from sesguard.sources.input_files import DEFAULT_MAX_TEMPLATE_BYTES

TERRAFORM_SUFFIXES: Final = (".tf",)


def _has_terraform(path: Path) -> bool:
    if not path.is_dir():
        return path.suffix in TERRAFORM_SUFFIXES or _is_plan(path)
    return any(path.rglob("*.tf")) or any(_is_plan(p) for p in path.rglob("*.json"))


def _is_plan(path: Path) -> bool:
    if path.suffix != ".json":
        return False
    from sesguard.sources.terraform import is_plan_json

    return is_plan_json(path)


def _read_terraform(path: Path, set_name: str, max_bytes: int | None) -> Inventory:
    from sesguard.sources.terraform import read_terraform

    return read_terraform(path, set_name, max_bytes)


def _rename_set(inventory: Inventory, old: str, new: str) -> None:
    for resource in inventory.resources:
        if resource.set_name == old:
            resource.set_ref = resource.set_ref.renamed(new)
            if resource.id == old:
                resource.id = new
    for error in inventory.errors:
        if error.set_name == old:
            error.set_ref = error.set_ref.renamed(new)
    inventory.sets = {ref.name: ref for ref in (v.renamed(new) if k == old else v for k, v in inventory.sets.items())}


def set_label(path: Path, cwd: Path | None = None) -> str:
    """The portable name of a set: its path relative to ``cwd`` (POSIX separators, ``.`` for the
    directory itself), or its last component when it lies outside ``cwd``."""
    base = Path(os.path.abspath(cwd or Path.cwd()))
    target = Path(os.path.abspath(path))
    try:
        relative = target.relative_to(base)
    except ValueError:
        return target.name or "."
    return PurePosixPath(*relative.parts).as_posix() if relative.parts else "."


def portable_scope(place: str, root: Path, label: str) -> str:
    """``place`` (a file or folder read from the set at ``root``) named from the set's label."""
    where, top = Path(os.path.abspath(place)), Path(os.path.abspath(root))
    if where == top:
        return label
    if top.is_relative_to(where):  # a single .tf file given: its module is still named by its folder
        return set_label(where)
    try:
        relative = where.relative_to(top)
    except ValueError:
        return where.name
    inner = PurePosixPath(*relative.parts).as_posix() if relative.parts else ""
    if not inner:
        return label
    return inner if label == "." else f"{label}/{inner}"


def _name_portably(inventory: Inventory, root: Path, label: str) -> None:
    for resource in inventory.resources:
        if resource.type in (ACCOUNT, TEMPLATE_SET):
            continue  # set-level resources are named by the set
        place = resource.scope or resource.location.file
        if place is not None:
            resource.scope = portable_scope(place, root, label)


def _unique(label: str, taken: Mapping[str, object]) -> str:
    name, n = label, 1
    while name in taken:
        n += 1
        name = f"{label}#{n}"
    return name


def read_templates(paths: Sequence[Path], max_bytes: int | None = DEFAULT_MAX_TEMPLATE_BYTES) -> Inventory:
    """One inventory for all paths; a path holding both kinds gives two sets (``PATH [cfn]``, ``PATH [tf]``).

    Template and ``.tf`` files over ``max_bytes`` are not read (errors naming them). The paths that
    hold no template at all (nothing read, nothing that could not be read) are listed in
    ``inventory.meta["empty_paths"]``.
    """
    from sesguard.sources.cfn import read_cloudformation

    inventory = Inventory()
    empty: list[str] = []
    for path in paths:
        label = set_label(path)
        set_name = _unique(label, inventory.sets)
        part = Inventory()
        if path.is_file() and (path.suffix in TERRAFORM_SUFFIXES or _is_plan(path)):
            part.extend(_read_terraform(path, set_name, max_bytes))
        else:
            cfn = read_cloudformation(path, set_name, max_bytes=max_bytes)
            terraform = path.is_dir() and _has_terraform(path)
            if not cfn.meta.get("templates_read") and not cfn.errors and not terraform:
                empty.append(str(path))
            if terraform:
                tf = _read_terraform(path, set_name, max_bytes)
                if cfn.resources or cfn.errors:
                    _rename_set(cfn, set_name, f"{set_name} [cfn]")
                    _rename_set(tf, set_name, f"{set_name} [tf]")
                    part.extend(cfn)
                part.extend(tf)
            else:
                part.extend(cfn)
        _name_portably(part, path, label)
        inventory.extend(part)
    if empty:
        inventory.meta["empty_paths"] = empty
    return inventory
