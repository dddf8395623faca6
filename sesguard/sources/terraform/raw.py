"""The source-neutral form of one Terraform resource instance, shared by the HCL and plan readers.

Both readers produce :class:`RawResource` objects; :mod:`.normalize` turns them into the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawResource:
    """A resource (or data source) instance with its evaluated values and what its arguments refer to.

    ``values`` holds arguments and the computed attributes sesguard derives, nested blocks as lists of
    dicts (as in plan JSON), Unknown where unresolved. ``refs`` maps each top-level argument to the
    module-local addresses (``aws_x.y``, ``data.aws_x.y``) its expression mentions. ``module`` keys
    the scope references resolve in (one module instance); ``root`` the root module (or plan file) it
    belongs to, within which resources are linked by value; ``emit`` is False for resources only read
    to resolve references (a single ``.tf`` file was asked for).
    """

    address: str
    local_address: str
    type: str
    name: str
    mode: str
    values: dict[str, Any]
    refs: dict[str, frozenset[str]]
    file: str
    line: int | None
    module: str
    emit: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    root: str = ""

    def get(self, key: str, default: Any = None) -> Any:
        """An argument's value, ``default`` when absent or null."""
        value = self.values.get(key)
        return default if value is None else value

    def block(self, key: str) -> Any:
        """The first nested block of that type (a dict), None when absent, Unknown when unresolved."""
        value = self.values.get(key)
        if isinstance(value, list):
            return value[0] if value else None
        return value
