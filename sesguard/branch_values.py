"""Facts that differ between the branches of a template, merged into one value (see
:class:`~sesguard.model.Branches`): used by the CloudFormation source and by derive."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from sesguard.model import Branches, Unknown

Assignment = tuple[tuple[str, bool], ...]  # the conditions a branch decided, as (condition, value)


def merge_values(options: list[tuple[str, Any]], prop: str) -> Any:
    """One fact from its value in each branch: the value when they agree, mappings with the same keys
    merged key by key, anything else that differs a :class:`Branches` of the property ``prop``."""
    values = [value for _, value in options]
    first = values[0]
    if all(_same(first, v) for v in values[1:]):
        return first
    if all(isinstance(v, dict) for v in values) and all(v.keys() == first.keys() for v in values):
        return {key: merge_values([(label, v[key]) for label, v in options], key) for key in first}
    shown = "; ".join(label for label, _ in options)
    return Branches(
        f"the value differs between template branches ({shown})", options=tuple(options), prop=prop
    )


def by_relevant_conditions(options: Sequence[tuple[Assignment, Any]]) -> list[tuple[str, Any]]:
    """The branches of one value labelled only by the conditions it depends on: the smallest set of
    conditions whose values determine it; branches that differ only in other conditions are one
    (``fails when var.strict is false``, not also every value of an unrelated ``var.legacy``)."""
    names = list(dict.fromkeys(name for assignment, _ in options for name, _ in assignment))
    for size in range(len(names) + 1):
        for subset in itertools.combinations(names, size):
            groups: dict[tuple[bool | None, ...], Any] = {}
            for assignment, value in options:
                decided = dict(assignment)
                key = tuple(decided.get(name) for name in subset)
                if key in groups and not _same(groups[key], value):
                    break
                groups.setdefault(key, value)
            else:
                return [(_label(subset, key), value) for key, value in groups.items()]
    return [(_label(names, tuple(dict(a).get(n) for n in names)), v) for a, v in options]


def _label(names: Sequence[str], values: Sequence[bool | None]) -> str:
    return ", ".join(
        f"{name} is {'true' if value else 'false'}"
        for name, value in zip(names, values, strict=True)
        if value is not None
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return isinstance(a, Unknown) and isinstance(b, Unknown) and type(a) is type(b) and a.reason == b.reason
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)
