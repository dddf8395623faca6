"""The sources sesguard reads, in one table: what the rest of sesguard knows about each.

A source is where a resource's facts come from: ``Resource.source``, and what a policy lists in
``sources:``. Everything outside this package that depends on which source a row comes from reads it
here (row messages, the terminal's fix lines, inline suppressions, ``sesguard policies --source``,
the policy catalog). Importing it imports no reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Final


@dataclass(frozen=True)
class Source:
    """One source: its name, how rows name it, and what it offers.

    ``remedies``: the remediation fields (and their labels) a failing row of it shows.
    ``suppressions``: the ``module:function`` (imported when called) listing the inline suppressions
    of one of its files, ``(path, shown name) -> list[Suppression]``, for files with one of
    ``suppression_suffixes`` (empty: any); None: the source has none. ``cfn_lint``: its policies are
    also cfn-lint rules (:mod:`sesguard.cfnlint_rules`).
    """

    name: str
    label: str
    remedies: tuple[tuple[str, str], ...]
    suppressions: str | None = None
    suppression_suffixes: tuple[str, ...] = ()
    cfn_lint: bool = False

    def read_suppressions(self, path: Path, shown: str) -> list[Any]:
        """The inline suppressions in ``path`` (named ``shown`` in rows); none when it has no kind of them."""
        if self.suppressions is None or (self.suppression_suffixes and path.suffix not in self.suppression_suffixes):
            return []
        found: list[Any] = _function(self.suppressions)(path, shown)
        return found


def _function(name: str) -> Callable[..., Any]:
    module, _, function = name.partition(":")
    found: Callable[..., Any] = getattr(import_module(module), function)
    return found


SOURCES: Final[Mapping[str, Source]] = {
    "live": Source(
        name="live",
        label="a live account",
        remedies=(("console", "console"), ("cli", "AWS CLI")),
    ),
    "cfn": Source(
        name="cfn",
        label="CloudFormation templates",
        remedies=(("cloudformation", "CloudFormation"),),
        suppressions="sesguard.suppressions:cloudformation",
        cfn_lint=True,
    ),
    "tf": Source(
        name="tf",
        label="Terraform",
        remedies=(("terraform", "Terraform"),),
        suppressions="sesguard.suppressions:terraform",
        suppression_suffixes=(".tf",),
    ),
}
"""Every source by name, in the order policies list them."""

DEFAULT_SOURCE: Final = "live"
"""Whose remedies a row of no known source shows."""


def source_of(name: str) -> Source:
    """The source named ``name`` (a row of an unknown source is shown as a live one)."""
    return SOURCES.get(name) or SOURCES[DEFAULT_SOURCE]
