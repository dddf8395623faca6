"""Three-valued evaluation of the declarative policy conditions.

A condition is a leaf ``{path, op, value}`` or a combination ``all`` / ``any`` / ``not``, or a
quantifier ``some`` / ``every`` / ``none`` over a list (``{path, where}``). A leaf's ``value`` may be
``{param: name}``, taken from the policy's parameters. A node with ``only_sources`` applies only
when evaluating those sources (elsewhere it is neutral: true).

Results are three-valued: True, False or None (unknown). A path the source does not provide, or a
value that is :class:`~sesguard.model.Unknown`, makes the leaf unknown, and unknown never passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from sesguard.model import Branches, Unknown, is_unknown

_MISSING: Final = object()


@dataclass
class Outcome:
    """The truth of a condition (True, False or None = unknown) and the leaves that decided it."""

    value: bool | None
    reasons: list[str] = field(default_factory=list)
    observed: Any = None
    expected: Any = None


def _fold(value: Any, ignore_case: bool) -> Any:
    if ignore_case:
        if isinstance(value, str):
            return value.casefold()
        if isinstance(value, list | tuple):
            return [v.casefold() if isinstance(v, str) else v for v in value]
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _compare(fn: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool | None]:
    def op(observed: Any, expected: Any) -> bool | None:
        if observed is None:
            return False
        if isinstance(observed, bool) or not isinstance(observed, int | float):
            return None
        return fn(observed, expected)

    return op


def _contains_all(observed: Any, expected: Any) -> bool:
    have = _as_list(observed)
    return all(item in have for item in _as_list(expected))


# The operators: observed value, expected value -> True / False / None (cannot compare).
OPERATORS: Final[dict[str, Callable[[Any, Any], bool | None]]] = {
    "eq": lambda o, e: o == e,
    "ne": lambda o, e: o != e,
    "in": lambda o, e: o in _as_list(e),
    "not_in": lambda o, e: o not in _as_list(e),
    "lt": _compare(lambda o, e: bool(o < e)),
    "le": _compare(lambda o, e: bool(o <= e)),
    "gt": _compare(lambda o, e: bool(o > e)),
    "ge": _compare(lambda o, e: bool(o >= e)),
    "contains": lambda o, e: e in _as_list(o),
    "not_contains": lambda o, e: e not in _as_list(o),
    "contains_all": _contains_all,
    "empty": lambda o, _e: len(_as_list(o)) == 0,
    "not_empty": lambda o, _e: len(_as_list(o)) > 0,
    "exists": lambda o, _e: o is not None,
    "absent": lambda o, _e: o is None,
    "is_true": lambda o, _e: o is True,
    "is_false": lambda o, _e: o is False or o is None,
    "not_true": lambda o, _e: o is not True,
    "matches": lambda o, e: isinstance(o, str) and re.search(str(e), o) is not None,
}

# How a failing leaf is explained: "<path> is <observed>; expected <phrase> <expected>".
OPERATOR_PHRASES: Final[dict[str, str]] = {
    "eq": "",
    "ne": "not ",
    "in": "one of ",
    "not_in": "none of ",
    "lt": "below ",
    "le": "at most ",
    "gt": "above ",
    "ge": "at least ",
    "contains": "to contain ",
    "not_contains": "not to contain ",
    "contains_all": "to contain all of ",
    "empty": "empty",
    "not_empty": "not empty",
    "exists": "set",
    "absent": "not set",
    "is_true": "true",
    "is_false": "false",
    "not_true": "not true",
    "matches": "to match ",
}
VALUELESS_OPERATORS: Final = frozenset(
    {"empty", "not_empty", "exists", "absent", "is_true", "is_false", "not_true"}
)


def resolve_path(data: Any, path: str) -> Any:
    """Follow a dotted path through dicts; returns the private _MISSING marker when a key is absent.
    A :class:`Branches` value on the way gives the path's value in each branch."""
    current = data
    parts = path.split(".")
    for index, part in enumerate(parts):
        if isinstance(current, Branches) and index:
            rest = ".".join(parts[index:])
            return replace(current, options=tuple((label, resolve_path(v, rest)) for label, v in current.options),
                           prop=parts[-1])
        if is_unknown(current):
            return current
        if isinstance(current, Mapping):
            if part not in current:
                return _MISSING
            current = current[part]
        elif current is None:
            return None
        else:
            return _MISSING
    return current


def _show(value: Any) -> str:
    if is_unknown(value):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return "[" + "; ".join(_show_item(v) for v in value) + "]"
    return repr(value)


def _show_item(item: Mapping[str, Any]) -> str:
    """A finding-like list element in a message: what it is and where (``detail at file:line``)."""
    what = item.get("detail") or (
        f"{item.get('kind')} {item.get('masked')} in {item.get('field')}" if "masked" in item else None
    )
    if what is None:
        return repr(dict(item))
    where = item.get("file")
    if where and item.get("line"):
        where = f"{where}:{item['line']}"
    return f"{what} at {where}" if where else str(what)


@dataclass
class Context:
    """What a condition is evaluated against: parameters and the source being evaluated."""

    params: Mapping[str, Any]
    source: str


def evaluate(condition: Mapping[str, Any], data: Any, ctx: Context) -> Outcome:
    """Evaluate one condition node against ``data`` (a resource's props or a list element)."""
    only = condition.get("only_sources")
    if only is not None and ctx.source not in only:
        return Outcome(True)
    if "all" in condition:
        return _combine([evaluate(c, data, ctx) for c in condition["all"]], want_all=True)
    if "any" in condition:
        return _combine([evaluate(c, data, ctx) for c in condition["any"]], want_all=False)
    if "not" in condition:
        inner = evaluate(condition["not"], data, ctx)
        value = None if inner.value is None else not inner.value
        reasons = inner.reasons if value is None else [f"not ({'; '.join(inner.reasons) or 'condition'})"]
        return Outcome(value, reasons)
    for quantifier in ("some", "every", "none"):
        if quantifier in condition:
            return _quantify(quantifier, condition[quantifier], data, ctx)
    return _leaf(condition, data, ctx)


def _combine(outcomes: Sequence[Outcome], want_all: bool) -> Outcome:
    decisive = not want_all
    hits = [o for o in outcomes if o.value is decisive]
    if hits:
        first = hits[0]
        return Outcome(decisive, [r for o in hits for r in o.reasons], first.observed, first.expected)
    unknown = [o for o in outcomes if o.value is None]
    if unknown:
        return Outcome(None, [r for o in unknown for r in o.reasons])
    if not want_all:
        return Outcome(False, [r for o in outcomes for r in o.reasons])
    return Outcome(True)


def _quantify(kind: str, spec: Mapping[str, Any], data: Any, ctx: Context) -> Outcome:
    items = resolve_path(data, spec["path"])
    if _branchwise(items, spec["path"]):
        return _per_branch(items, lambda value: _quantify_items(kind, spec, value, ctx))
    return _quantify_items(kind, spec, items, ctx)


def _branchwise(value: Any, path: str) -> bool:
    """Whether a value is a :class:`Branches` of the property this test is about."""
    return isinstance(value, Branches) and value.prop == path.split(".")[-1]


def _per_branch(value: Branches, judge: Callable[[Any], Outcome]) -> Outcome:
    """One test in every branch: all true or all false decide; otherwise unknown, naming the branches
    where it fails."""
    outcomes = [(label, judge(option)) for label, option in value.options]
    verdicts = {o.value for _, o in outcomes}
    if verdicts == {True}:
        return Outcome(True, [r for _, o in outcomes for r in o.reasons][:1], outcomes[0][1].observed)
    if verdicts == {False}:
        first = outcomes[0][1]
        reasons = list(dict.fromkeys(r for _, o in outcomes for r in o.reasons))
        return Outcome(False, [f"in every branch ({', '.join(label for label, _ in outcomes)}): {'; '.join(reasons)}"],
                       first.observed, first.expected)
    failing = [f"fails when {label}: {'; '.join(o.reasons)}" for label, o in outcomes if o.value is False]
    unknown = [f"unknown when {label}: {'; '.join(o.reasons)}" for label, o in outcomes if o.value is None]
    passing = [label for label, o in outcomes if o.value is True]
    detail = failing + unknown + ([f"passes when {', '.join(passing)}"] if passing else [])
    return Outcome(None, [f"the verdict differs between template branches: {'; '.join(detail)}"])


def _quantify_items(kind: str, spec: Mapping[str, Any], items: Any, ctx: Context) -> Outcome:
    path = spec["path"]
    if items is _MISSING:
        return Outcome(None, [f"{path} is not available from this source"])
    if is_unknown(items):
        return Outcome(None, [f"{path} is unknown: {items.reason}"])
    elements = _as_list(items)
    results = [evaluate(spec["where"], element, ctx) for element in elements]
    label = spec.get("describe", path)
    names = [_element_name(element, index) for index, element in enumerate(elements)]
    if kind == "some":
        if any(r.value is True for r in results):
            return Outcome(True)
        if any(r.value is None for r in results):
            return Outcome(None, [r for res in results if res.value is None for r in res.reasons])
        detail = f"none of {len(elements)} {label} qualifies" if elements else f"no {label}"
        return Outcome(False, [detail], observed=len(elements), expected="at least one")
    if kind == "every":
        failing = [(name, r) for name, r in zip(names, results, strict=True) if r.value is False]
        if failing:
            reasons = [f"{label} {name}: {r}" for name, res in failing for r in res.reasons]
            return Outcome(False, reasons)
        if any(r.value is None for r in results):
            return Outcome(None, [r for res in results if res.value is None for r in res.reasons])
        return Outcome(True)
    matching = [r for r in results if r.value is True]
    if matching:
        return Outcome(False, [f"{len(matching)} of {label} match where none should"])
    if any(r.value is None for r in results):
        return Outcome(None, [r for res in results if res.value is None for r in res.reasons])
    return Outcome(True)


# Operators whose answer on the known elements of a list stays true whatever the unknown ones are
# (more elements can only add), and those whose answer stays false.
_MONOTONE_TRUE: Final = frozenset({"contains", "contains_all", "not_empty"})
_MONOTONE_FALSE: Final = frozenset({"empty", "not_contains"})


def _partly_known(op: str, observed: list[Any], expected: Any, label: str, ignore_case: bool) -> Outcome:
    """A list with some unknown elements: decided by its known elements where they settle it."""
    known = _fold([v for v in observed if not isinstance(v, Unknown)], ignore_case)
    unknown = next(v for v in observed if isinstance(v, Unknown))
    result = OPERATORS[op](known, expected)
    if op in _MONOTONE_TRUE and result is True:
        return Outcome(True, [f"{label}: {_show(known)} (and unknown values)"], observed, expected)
    if op in _MONOTONE_FALSE and result is False:
        phrase = OPERATOR_PHRASES[op]
        wanted = phrase if op in VALUELESS_OPERATORS else f"{phrase}{_show(expected)}"
        return Outcome(False, [f"{label}: {_show(known)} (and unknown values); expected {wanted}"], known, expected)
    return Outcome(None, [f"{label} contains unknown values ({unknown.reason})"])


def _element_name(element: Any, index: int) -> str:
    """How a failing list element is named in a message: its ``id`` or ``name``, else its position."""
    if isinstance(element, Mapping):
        for key in ("id", "name"):
            if isinstance(element.get(key), str):
                return str(element[key])
    return f"#{index + 1}"


def _expected_value(condition: Mapping[str, Any], ctx: Context) -> Any:
    value = condition.get("value")
    if isinstance(value, Mapping) and set(value) == {"param"}:
        return ctx.params[value["param"]]
    return value


def _leaf(condition: Mapping[str, Any], data: Any, ctx: Context) -> Outcome:
    observed = resolve_path(data, condition["path"])
    if _branchwise(observed, condition["path"]):
        return _per_branch(observed, lambda value: _leaf_value(condition, value, ctx))
    return _leaf_value(condition, observed, ctx)


def _leaf_value(condition: Mapping[str, Any], observed: Any, ctx: Context) -> Outcome:
    path = condition["path"]
    op = condition["op"]
    expected = _expected_value(condition, ctx)
    label = condition.get("describe", path)
    if observed is _MISSING:
        return Outcome(None, [f"{label} is not available from this source"])
    if is_unknown(observed):
        if observed.exists and op in ("exists", "absent"):  # set, whatever it is (``bounce.${var.d}``)
            known = op == "exists"
            return Outcome(known, [f"{label}: {observed.symbol}" + ("" if known else "; expected not set")])
        return Outcome(None, [f"{label} is unknown ({observed.reason})"])
    ignore_case = bool(condition.get("ignore_case", False))
    if isinstance(observed, list) and any(isinstance(v, Unknown) for v in observed):
        return _partly_known(op, observed, _fold(expected, ignore_case), label, ignore_case)
    result = OPERATORS[op](_fold(observed, ignore_case), _fold(expected, ignore_case))
    if result is None:
        return Outcome(None, [f"{label} is {_show(observed)}, which cannot be compared"])
    phrase = OPERATOR_PHRASES[op]
    wanted = phrase if op in VALUELESS_OPERATORS else f"{phrase}{_show(expected)}"
    reason = f"{label}: {_show(observed)}; expected {wanted}"
    return Outcome(result, [reason] if not result else [f"{label}: {_show(observed)}"], observed, expected)
