"""Nested stacks whose template is a local file of the same set, read with the parameters the parent
passes (as CloudFormation deploys them), not with the child's own defaults.

A parent names a child with ``AWS::CloudFormation::Stack`` ``TemplateURL`` (or SAM's
``AWS::Serverless::Application`` ``Location``) as a path relative to the parent's file, as written
before ``aws cloudformation package`` uploads it. The child is then read once per parent stack that
deploys it, with each parameter the parent passes as its default; a value the parent passes that
cannot be resolved (a parameter of the parent without default, a resource attribute, a pseudo
parameter) leaves the child's parameter without a default, so what depends on it is Unknown. A child
deployed by no parent of the set is read on its own, as before.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sesguard.model import Unknown
from sesguard.sources.cfn.resolve import Resolver, ResourceRef

_STACK_TYPES: Final = {"AWS::CloudFormation::Stack": "TemplateURL", "AWS::Serverless::Application": "Location"}


@dataclass(frozen=True)
class Instance:
    """One deployment of a child template: the parent stack resource and the template to read."""

    parent_file: str
    stack_id: str
    template: Mapping[str, Any]


def _local_path(parent: Path, url: Any) -> Path | None:
    if not isinstance(url, str) or "://" in url or url.startswith(("s3:", "http:", "https:")):
        return None
    return (parent.parent / url).resolve()


def _plain(value: Any) -> str | None:
    """A parameter value the child can take as its default, else None (not resolvable here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return None if "${" in value else value
    if isinstance(value, list) and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        return ",".join(str(v) for v in value)
    return None


def _with_parameters(child: Mapping[str, Any], passed: Mapping[str, Any]) -> Mapping[str, Any]:
    declared = child.get("Parameters")
    if not isinstance(declared, Mapping) or not passed:
        return child
    instance = dict(child)
    parameters = {}
    for name, spec in declared.items():
        spec = dict(spec) if isinstance(spec, Mapping) else spec
        if isinstance(spec, dict) and name in passed:
            value = passed[name]
            text = None if isinstance(value, Unknown | ResourceRef) else _plain(value)
            if text is None:
                spec.pop("Default", None)
            else:
                spec["Default"] = text
        parameters[name] = spec
    instance["Parameters"] = parameters
    return instance


def nested_instances(templates: Mapping[Path, Mapping[str, Any]], shown: Mapping[Path, str]) -> dict[Path, list[Instance]]:
    """For each child file of the set deployed by a parent of the set: its instances."""
    found: dict[Path, list[Instance]] = {}
    for parent_path, parent in templates.items():
        resources = parent.get("Resources")
        if not isinstance(resources, Mapping):
            continue
        resolver = Resolver(parent)
        for stack_id, body in resources.items():
            if not isinstance(body, Mapping) or body.get("Type") not in _STACK_TYPES:
                continue
            props = body.get("Properties")
            if not isinstance(props, Mapping):
                continue
            child_path = _local_path(parent_path, resolver.resolve(props.get(_STACK_TYPES[body["Type"]])))
            if child_path is None or child_path not in templates or child_path == parent_path:
                continue
            passed = resolver.resolve(props.get("Parameters") or {})
            if not isinstance(passed, Mapping):  # unresolvable as a whole: any parameter may be set
                declared = templates[child_path].get("Parameters")
                passed = {name: Unknown("the parent's Parameters") for name in declared or {}}
            template = _with_parameters(copy.deepcopy(templates[child_path]), passed)
            found.setdefault(child_path, []).append(Instance(shown[parent_path], str(stack_id), template))
    return found
