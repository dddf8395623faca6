"""Helpers for the Terraform source tests: write HCL into a temporary module and read it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sesguard.model import Inventory, Resource
from sesguard.sources.terraform import read_terraform

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "terraform"

ReadHcl = Callable[..., Inventory]


@pytest.fixture
def read_hcl(tmp_path: Path) -> ReadHcl:
    """Write ``files`` (name → text, or one text as main.tf) into a module directory and read it."""

    def read(files: str | dict[str, str], set_name: str = "set") -> Inventory:
        module = tmp_path / "module"
        module.mkdir(exist_ok=True)
        for name, text in ({"main.tf": files} if isinstance(files, str) else files).items():
            target = module / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        return read_terraform(module, set_name)

    return read


def by_id(inventory: Inventory, resource_id: str) -> Resource:
    """The one resource with this id (fails the test when there is not exactly one)."""
    found = [r for r in inventory.resources if r.id == resource_id]
    assert len(found) == 1, f"{resource_id}: {[r.id for r in inventory.resources]}"
    return found[0]


def of_type(inventory: Inventory, kind: str) -> list[Resource]:
    """Resources of one model type."""
    return [r for r in inventory.resources if r.type == kind]


def props(inventory: Inventory, resource_id: str) -> dict[str, Any]:
    """The props of one resource."""
    return by_id(inventory, resource_id).props
