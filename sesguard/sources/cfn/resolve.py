"""Resolving CloudFormation intrinsic functions to plain values, or Unknown with the reason.

Parameters resolve to their defaults; pseudo parameters keep their symbolic text
(``${AWS::Region}``), which preserves the structure of ARNs without guessing an account or region;
``Ref`` and ``Fn::GetAtt`` of resources resolve to :class:`ResourceRef` links that the normaliser
turns into names. ``Fn::If`` resolves only when both branches agree. Anything else is Unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sesguard.model import Unknown, is_unknown
from sesguard.symbolic import symbolic

PSEUDO_PARAMETERS: Final = frozenset(
    {
        "AWS::AccountId",
        "AWS::Region",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::Partition",
        "AWS::URLSuffix",
        "AWS::NotificationARNs",
    }
)
NO_VALUE: Final = "AWS::NoValue"
_SUB_VARIABLE: Final = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass(frozen=True)
class ResourceRef:
    """``Ref`` (attribute None) or ``Fn::GetAtt`` of a resource in the same template."""

    logical_id: str
    attribute: str | None = None

    def __str__(self) -> str:
        return f"${{{self.logical_id}{'.' + self.attribute if self.attribute else ''}}}"


class _Absent:
    """The value of ``Ref: AWS::NoValue``: the property is removed."""


ABSENT: Final = _Absent()


@dataclass(frozen=True)
class MaybeAbsent(Unknown):
    """An ``Fn::If`` with ``AWS::NoValue`` in a branch: unknown, and possibly not there at all.

    A plain :class:`Unknown` property or list item is there with an unknown value; this one may be
    removed (a ``LoginProfile`` only in some stages, an alarm action only in prod).
    """


class Resolver:
    """Resolves values of one template."""

    def __init__(self, template: Mapping[str, Any], assignment: Mapping[str, bool] | None = None) -> None:
        self.assignment: Mapping[str, bool] = assignment or {}
        conditions = template.get("Conditions")
        self.conditions: Mapping[str, Any] = conditions if isinstance(conditions, Mapping) else {}
        self._decided: dict[str, bool | None] = {}
        params = template.get("Parameters")
        self.parameters: Mapping[str, Any] = params if isinstance(params, Mapping) else {}
        resources = template.get("Resources")
        self.resources: Mapping[str, Any] = resources if isinstance(resources, Mapping) else {}
        mappings = template.get("Mappings")
        self.mappings: Mapping[str, Any] = mappings if isinstance(mappings, Mapping) else {}

    def resolve(self, value: Any) -> Any:
        """The plain value of ``value`` (dicts and lists resolved recursively)."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                ((key, arg),) = value.items()
                if key == "Ref":
                    return self._ref(arg)
                if key == "Condition":
                    return value
                if isinstance(key, str) and key.startswith("Fn::"):
                    return self._function(key, arg)
            resolved = {}
            for k, v in value.items():
                item = self.resolve(v)
                if item is not ABSENT:
                    resolved[str(k)] = item
            return resolved
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not ABSENT]
        return value

    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return Unknown("Ref with a non-string argument")
        if name == NO_VALUE:
            return ABSENT
        if name in PSEUDO_PARAMETERS:
            return f"${{{name}}}"
        if name in self.parameters:
            spec = self.parameters[name]
            if isinstance(spec, Mapping) and "Default" in spec:
                default = spec["Default"]
                if isinstance(spec.get("Type"), str) and spec["Type"].startswith("CommaDelimitedList"):
                    return [s.strip() for s in str(default).split(",")]
                return default
            return Unknown(f"Ref to parameter {name} without a default", symbol=f"${{{name}}}")
        if name in self.resources:
            return ResourceRef(name)
        return Unknown(f"Ref to {name}, which is not defined in this template")

    def _function(self, name: str, arg: Any) -> Any:
        handler = {
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::If": self._if,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::FindInMap": self._find_in_map,
            "Fn::ToJsonString": self._to_json,
        }.get(name)
        if handler is None:
            return Unknown(f"{name} cannot be resolved from the template alone")
        return handler(arg)

    def _get_att(self, arg: Any) -> Any:
        if isinstance(arg, str) and "." in arg:
            logical, attribute = arg.split(".", 1)
        elif isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
            logical, attribute = arg
        else:
            return Unknown("Fn::GetAtt with an unresolvable argument")
        if logical not in self.resources:
            return Unknown(f"Fn::GetAtt of {logical}, which is not defined in this template")
        return ResourceRef(logical, attribute)

    def _sub(self, arg: Any) -> Any:
        if isinstance(arg, str):
            text, variables = arg, {}
        elif (
            isinstance(arg, list)
            and len(arg) == 2
            and isinstance(arg[0], str)
            and isinstance(arg[1], Mapping)
        ):
            text, variables = arg[0], {k: self.resolve(v) for k, v in arg[1].items()}
        else:
            return Unknown("Fn::Sub with an unresolvable argument")
        parts: list[Any] = []  # literal text and the variables' values, in order
        position = 0
        for match in _SUB_VARIABLE.finditer(text):
            parts.append(text[position : match.start()].replace("${!", "${"))
            position = match.end()
            name = match.group(1).strip()
            if name in variables:
                value = variables[name]
            elif "." in name and name.split(".", 1)[0] in self.resources:
                value = ResourceRef(*name.split(".", 1))
            else:
                value = self._ref(name)
            if isinstance(value, list | dict):
                value = Unknown(f"${{{name}}} is not a string")
            parts.append(value if is_unknown(value) else str(value))
        parts.append(text[position:].replace("${!", "${"))
        problems = [p for p in parts if isinstance(p, Unknown)]
        if problems:  # known symbolically when every unresolved part is (``bounce.${Domain}``)
            return symbolic("; ".join(p.reason for p in problems), [p for p in parts if p != ""])
        return "".join(parts)

    def _join(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("Fn::Join with an unresolvable argument")
        delimiter, items = self.resolve(arg[0]), self.resolve(arg[1])
        if is_unknown(delimiter) or is_unknown(items):
            return delimiter if is_unknown(delimiter) else items
        if not isinstance(items, list):
            return Unknown("Fn::Join of a non-list")
        parts = []
        for item in items:
            if is_unknown(item):
                return item
            if isinstance(item, list | dict):
                return Unknown("Fn::Join of a non-string item")
            parts.append(str(item))
        return str(delimiter).join(parts)

    def condition_value(self, name: Any) -> bool | None:
        """A condition's truth: assigned (one branch of a branch-wise evaluation), else decided from
        the parameters' defaults, else None (it depends on a value the template does not give)."""
        if not isinstance(name, str):
            return None
        if name in self.assignment:
            return self.assignment[name]
        if name not in self._decided:
            self._decided[name] = None  # a condition that refers to itself stays undecided
            self._decided[name] = self._truth(self.conditions.get(name))
        return self._decided[name]

    def _truth(self, expression: Any) -> bool | None:
        """The value of a condition expression (Fn::Equals/Not/And/Or, Condition), None when unknown."""
        if not (isinstance(expression, Mapping) and len(expression) == 1):
            return None
        ((key, arg),) = expression.items()
        if key == "Condition":
            return self.condition_value(arg)
        items = arg if isinstance(arg, list) else []
        if key == "Fn::Equals" and len(items) == 2:
            left, right = (self.resolve(v) for v in items)
            if any(_contains_unknown(v) or _is_placeholder(v) for v in (left, right)):
                return None  # a parameter without default, a pseudo parameter, a resource attribute
            return str(left) == str(right) if isinstance(left, str | int | float) else bool(left == right)
        values = [self._truth(v) for v in items]
        if key == "Fn::Not" and len(values) == 1:
            return None if values[0] is None else not values[0]
        if key == "Fn::And" and values:
            return False if False in values else None if None in values else True
        if key == "Fn::Or" and values:
            return True if True in values else None if None in values else False
        return None

    def free_conditions(self) -> list[str]:
        """The undecided conditions that refer to no other condition: assigning them decides the rest."""
        return sorted(
            name
            for name, expression in self.conditions.items()
            if isinstance(name, str)
            and self.condition_value(name) is None
            and '"Condition"' not in json.dumps(expression, default=str)
        )

    def _if(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 3):
            return Unknown("Fn::If with an unresolvable argument")
        decided = self.condition_value(arg[0])
        if decided is not None:
            return self.resolve(arg[1] if decided else arg[2])
        when_true, when_false = self.resolve(arg[1]), self.resolve(arg[2])
        if _same(when_true, when_false):
            return when_true
        reason = f"Fn::If on condition {arg[0]} gives different values in its branches"
        if any(b is ABSENT or isinstance(b, MaybeAbsent) for b in (when_true, when_false)):
            return MaybeAbsent(f"{reason} (in one it is AWS::NoValue)")
        return Unknown(reason)

    def _select(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("Fn::Select with an unresolvable argument")
        index, items = self.resolve(arg[0]), self.resolve(arg[1])
        if is_unknown(items) or is_unknown(index):
            return items if is_unknown(items) else index
        try:
            return items[int(index)]
        except (ValueError, TypeError, IndexError, KeyError):
            return Unknown("Fn::Select index out of range")

    def _split(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("Fn::Split with an unresolvable argument")
        delimiter, text = self.resolve(arg[0]), self.resolve(arg[1])
        if not (isinstance(delimiter, str) and isinstance(text, str)):
            return Unknown("Fn::Split of an unresolvable value")
        return text.split(delimiter)

    def _find_in_map(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) >= 3):
            return Unknown("Fn::FindInMap with an unresolvable argument")
        keys = [self.resolve(a) for a in arg[:3]]
        if not all(isinstance(k, str) for k in keys):
            return Unknown("Fn::FindInMap with keys that depend on unresolvable values")
        try:
            return self.resolve(self.mappings[keys[0]][keys[1]][keys[2]])
        except (KeyError, TypeError):
            return Unknown(f"Fn::FindInMap {keys} is not in Mappings")

    def _to_json(self, arg: Any) -> Any:
        value = self.resolve(arg)
        if _contains_unknown(value):
            return Unknown("Fn::ToJsonString of an unresolvable value")
        return json.dumps(value, default=str)


def _is_placeholder(value: Any) -> bool:
    """A value standing for something only known at deploy time (``${AWS::AccountId}``, a Ref)."""
    if isinstance(value, ResourceRef):
        return True
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, list):
        return any(_is_placeholder(v) for v in value)
    if isinstance(value, Mapping):
        return any(_is_placeholder(v) for v in value.values())
    return False


def _contains_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return False


def _same(a: Any, b: Any) -> bool:
    if is_unknown(a) or is_unknown(b):
        return False
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) and type(a) is type(b)
