"""Reading ``terraform show -json`` plan output into raw resources and secret facts.

Values come from ``planned_values`` (child modules included; data sources read at plan time from
``prior_state``); attributes marked in ``resource_changes[].change.after_unknown`` are Unknown ("known
only after apply"), with ARNs and ids rebuilt as in :mod:`.attributes` where possible. What an
argument refers to comes from ``configuration`` (expression ``references``), which links e.g. an
attachment to its policy when the ARN is not known yet. Plan JSON has no line numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sesguard.model import Unknown, is_unknown
from sesguard.secrets import find_literal_credentials
from sesguard.sources.input_files import read_regular
from sesguard.sources.terraform.attributes import build_arn, computed_attribute
from sesguard.sources.terraform.expressions import resource_address
from sesguard.sources.terraform.iam_documents import policy_document_from_data
from sesguard.sources.terraform.raw import RawResource
from sesguard.sources.terraform.secrets_scan import is_secret_store, secret_reference
from sesguard.sources.terraform.values import JsonText

_SNIFF_BYTES: Final = 4096
_INDEX = re.compile(r"\[[^\]]*\]")


class PlanError(Exception):
    """A plan file that cannot be read (not JSON, not a plan)."""


def is_plan_json(path: Path) -> bool:
    """True when the file is ``terraform show -json`` plan output (judged by content, not by name)."""
    try:
        head = read_regular(path, head=_SNIFF_BYTES)  # a FIFO or device is never read (it would block)
    except OSError:
        return False
    if not head.lstrip().startswith(b"{") or b'"format_version"' not in head:
        return False
    try:
        data = json.loads(read_regular(path).decode("utf-8-sig"))
    except (OSError, ValueError):
        return False
    return _looks_like_plan(data)


def _looks_like_plan(data: Any) -> bool:
    return isinstance(data, dict) and "format_version" in data and (
        "planned_values" in data or "resource_changes" in data
    )


def load_plan(path: Path) -> dict[str, Any]:
    """The plan document; raises :class:`PlanError` when it is not one."""
    try:
        data = json.loads(read_regular(path).decode("utf-8-sig"))
    except (OSError, ValueError) as err:
        raise PlanError(f"not readable as JSON ({type(err).__name__})") from None
    if not _looks_like_plan(data):
        raise PlanError("not terraform plan JSON (no format_version with planned_values / resource_changes)")
    plan: dict[str, Any] = data
    return plan


def _module_path(address: str) -> tuple[str, ...]:
    """``module.a[0].module.b`` → ``("a", "b")``."""
    parts = _INDEX.sub("", address).split(".")
    return tuple(parts[i + 1] for i, p in enumerate(parts[:-1]) if p == "module")


def ref_address(ref: str) -> str | None:
    """The module-local resource address of a reference string (``aws_x.y[0].arn`` → ``aws_x.y``)."""
    return resource_address(tuple(_INDEX.sub("", ref).split(".")))


def _references(expression: Any) -> Iterator[str]:
    if isinstance(expression, dict):
        refs = expression.get("references")
        if isinstance(refs, list):
            yield from (str(r) for r in refs)
        for key, value in expression.items():
            if key != "references" and isinstance(value, dict | list):
                yield from _references(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _references(item)


def _constant(expression: Any) -> Any:
    """The value a configuration expression stands for (constants only; references → Unknown)."""
    if isinstance(expression, list):
        return [_constant(e) for e in expression]
    if not isinstance(expression, dict):
        return expression
    if "constant_value" in expression:
        return expression["constant_value"]
    refs = expression.get("references")
    if refs:
        return Unknown(f"refers to {refs[0]}, known only after apply")
    if not expression:
        return Unknown("expression not shown in the plan")
    return {k: _constant(v) for k, v in expression.items()}


def _mark_unknown(values: Any, unknown: Any, address: str, path: str) -> Any:
    if unknown is True:
        return Unknown(f"{address}.{path} is known only after apply")
    if isinstance(unknown, dict) and isinstance(values, dict | type(None)):
        result = dict(values or {})
        for key, marker in unknown.items():
            result[key] = _mark_unknown(result.get(key), marker, address, f"{path}.{key}".lstrip("."))
        return result
    if isinstance(unknown, list) and isinstance(values, list):
        return [
            _mark_unknown(v, unknown[i] if i < len(unknown) else False, address, path) for i, v in enumerate(values)
        ]
    return values


@dataclass
class PlanRead:
    """What one plan file yields."""

    raws: list[RawResource] = field(default_factory=list)
    exposures: list[dict[str, Any]] = field(default_factory=list)
    literals: list[dict[str, Any]] = field(default_factory=list)


class _PlanReader:
    def __init__(self, data: dict[str, Any], display: str) -> None:
        self.data = data
        self.display = display
        config = data.get("configuration") or {}
        self.root_config: dict[str, Any] = config.get("root_module") or {}
        self.unknown: dict[str, Any] = {}
        for change in data.get("resource_changes") or []:
            if isinstance(change, dict) and isinstance(change.get("change"), dict):
                self.unknown[str(change.get("address"))] = change["change"].get("after_unknown") or {}

    def config_module(self, path: tuple[str, ...]) -> dict[str, Any]:
        module = self.root_config
        for name in path:
            call = (module.get("module_calls") or {}).get(name) or {}
            module = call.get("module") or {}
        return module

    def config_resource(self, module_path: tuple[str, ...], local: str) -> dict[str, Any]:
        for resource in self.config_module(module_path).get("resources") or []:
            if resource.get("address") == local:
                return dict(resource)
        return {}

    def raws(self) -> list[RawResource]:
        seen: set[str] = set()
        result: list[RawResource] = []
        sources = [(self.data.get("planned_values") or {}).get("root_module") or {}]
        sources.append(((self.data.get("prior_state") or {}).get("values") or {}).get("root_module") or {})
        for source_index, root in enumerate(sources):
            for module_address, resource in _walk_modules(root):
                address = str(resource.get("address", ""))
                if address in seen or (source_index == 1 and resource.get("mode") != "data"):
                    continue
                seen.add(address)
                result.append(self._raw(module_address, resource))
        result.extend(self._deferred_data(seen))
        self._fill_documents(result)
        return result

    def _raw(self, module_address: str, resource: dict[str, Any]) -> RawResource:
        address = str(resource.get("address", ""))
        values = resource.get("values") if isinstance(resource.get("values"), dict) else {}
        values = _mark_unknown(values, self.unknown.get(address, {}), address, "")
        kind, name, mode = str(resource.get("type")), str(resource.get("name")), str(resource.get("mode"))
        local = f"{kind}.{name}" if mode == "managed" else f"data.{kind}.{name}"
        module_path = _module_path(module_address + ".x") if module_address else ()
        config = self.config_resource(module_path, local)
        configured = config.get("expressions")
        if isinstance(configured, dict):
            # computed by the provider and not set in the configuration: absent, so the AWS default applies
            for key, marker in (self.unknown.get(address) or {}).items():
                if marker is True and key not in configured and key not in ("arn", "id"):
                    values[key] = None
        if mode == "managed":
            for attr in ("arn", "id"):
                if values.get(attr) is None or is_unknown(values.get(attr)):
                    built = (build_arn(kind, address, values.get) if attr == "arn"
                             else computed_attribute(kind, address, attr, values.get))
                    if isinstance(built, str) or values.get(attr) is None:
                        values[attr] = built
        return RawResource(
            address=address,
            local_address=local,
            type=kind,
            name=name,
            mode=mode,
            values=values,
            refs=self._refs(config.get("expressions") or {}),
            file=self.display,
            line=None,
            module=module_address,
            root=self.display,
        )

    @staticmethod
    def _refs(expressions: dict[str, Any]) -> dict[str, frozenset[str]]:
        refs: dict[str, frozenset[str]] = {}
        for key, expression in expressions.items():
            found = {ref_address(r) for r in _references(expression)}
            refs[key] = frozenset(a for a in found if a is not None)
        return refs

    def _deferred_data(self, seen: set[str]) -> list[RawResource]:
        """Data sources only in the configuration (read at apply): values from their expressions."""
        result: list[RawResource] = []
        for path, module in _walk_config(self.root_config, ()):
            prefix = "".join(f"module.{p}." for p in path)
            for resource in module.get("resources") or []:
                if resource.get("mode") != "data" or f"{prefix}{resource.get('address')}" in seen:
                    continue
                if any(a.startswith(f"{prefix}{resource.get('address')}[") for a in seen):
                    continue
                values = {k: _constant(v) for k, v in (resource.get("expressions") or {}).items()}
                kind, name = str(resource.get("type")), str(resource.get("name"))
                result.append(RawResource(
                    address=f"{prefix}{resource.get('address')}", local_address=f"data.{kind}.{name}",
                    type=kind, name=name, mode="data", values=values,
                    refs=self._refs(resource.get("expressions") or {}), file=self.display, line=None,
                    module=prefix.rstrip("."), root=self.display,
                ))
        return result

    @staticmethod
    def _fill_documents(raws: list[RawResource]) -> None:
        """Policy arguments unknown at plan time take the document of the policy-document data source."""
        documents: dict[tuple[str, str], Any] = {}
        for raw in raws:
            if raw.mode == "data" and raw.type == "aws_iam_policy_document":
                json_value = raw.values.get("json")
                if isinstance(json_value, str):
                    documents[(raw.module, raw.local_address)] = json_value
                else:
                    document = policy_document_from_data(raw.values)
                    documents[(raw.module, raw.local_address)] = (
                        document if is_unknown(document) else JsonText(document)
                    )
        for raw in raws:
            if not is_unknown(raw.values.get("policy")):
                continue
            sources = [documents[(raw.module, r)] for r in raw.refs.get("policy", frozenset())
                       if (raw.module, r) in documents]
            if len(sources) == 1:
                raw.values["policy"] = sources[0]


def _walk_modules(module: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for resource in module.get("resources") or []:
        if isinstance(resource, dict):
            yield str(module.get("address") or ""), resource
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _walk_modules(child)


def _walk_config(module: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    yield path, module
    for name, call in (module.get("module_calls") or {}).items():
        if isinstance(call, dict) and isinstance(call.get("module"), dict):
            yield from _walk_config(call["module"], (*path, str(name)))


# --- secrets ------------------------------------------------------------------------------------


class _PlanSecrets:
    """Secret exposures in a plan's configuration, following module inputs and outputs."""

    def __init__(self, root: dict[str, Any], display: str) -> None:
        self.root = root
        self.display = display
        self.found: list[dict[str, Any]] = []

    def secret_refs(self, refs: list[str], module: dict[str, Any], secret_vars: set[str]) -> list[str]:
        result: list[str] = []
        for ref in refs:
            parts = tuple(_INDEX.sub("", ref).split("."))
            if len(parts) == 2 and parts[0] == "aws_iam_access_key" and any(
                r != ref and (r.startswith(ref + ".") or r.startswith(ref + "[")) for r in refs
            ):
                continue  # the containing object of a more precise reference
            direct = secret_reference(parts)
            if direct is None and parts[0] == "var" and len(parts) > 1 and parts[1] in secret_vars:
                direct = f"var.{parts[1]} (a secret passed into the module)"
            if direct is None and parts[0] == "module" and len(parts) > 2:
                call = (module.get("module_calls") or {}).get(parts[1]) or {}
                child = call.get("module") or {}
                output = (child.get("outputs") or {}).get(parts[2]) or {}
                inner = self.secret_refs(list(_references(output.get("expression") or {})), child,
                                         self.module_secret_vars(module, parts[1], secret_vars))
                if inner:
                    direct = f"{inner[0]} via module.{parts[1]}.{parts[2]}"
            if direct is not None and direct not in result:
                result.append(direct)
        return result

    def module_secret_vars(self, module: dict[str, Any], call_name: str, secret_vars: set[str]) -> set[str]:
        call = (module.get("module_calls") or {}).get(call_name) or {}
        return {
            name
            for name, expression in (call.get("expressions") or {}).items()
            if self.secret_refs(list(_references(expression)), module, secret_vars)
        }

    def scan(self, module: dict[str, Any], prefix: str, secret_vars: set[str]) -> None:
        if not prefix:
            for name, output in (module.get("outputs") or {}).items():
                hits = self.secret_refs(list(_references(output.get("expression") or {})), module, secret_vars)
                if hits and output.get("sensitive") is not True:
                    self._add(f"output.{name}", f"output {name} takes {hits[0]} and is not sensitive "
                              "(in the plan: unwrapped with nonsensitive() or sensitive = false)")
        for resource in module.get("resources") or []:
            address = f"{prefix}{resource.get('address')}"
            expressions = resource.get("expressions") or {}
            store_type = _constant(expressions.get("type")) if "type" in expressions else None
            for key, expression in expressions.items():
                if is_secret_store(str(resource.get("type")), key, store_type):
                    continue
                hits = self.secret_refs(list(_references(expression)), module, secret_vars)
                if hits:
                    place = "a tag" if key in ("tags", "tags_all") else f"argument {key}"
                    self._add(f"{address}.{key}", f"{place} of {address} takes {hits[0]}; only a secret store may hold it")
        for name, call in (module.get("module_calls") or {}).items():
            child = call.get("module") if isinstance(call, dict) else None
            if isinstance(child, dict):
                self.scan(child, f"{prefix}module.{name}.", self.module_secret_vars(module, name, secret_vars))

    def _add(self, where: str, detail: str) -> None:
        self.found.append({"where": where, "detail": detail, "file": self.display, "line": None})


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)


def _config_strings(module: dict[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    for resource in module.get("resources") or []:
        for key, expression in (resource.get("expressions") or {}).items():
            yield from _strings(_constants_only(expression), f"{prefix}{resource.get('address')}.{key}")
    for name, variable in (module.get("variables") or {}).items():
        if isinstance(variable, dict) and "default" in variable:
            yield from _strings(variable["default"], f"{prefix}variable.{name}")
    for name, output in (module.get("outputs") or {}).items():
        yield from _strings(_constants_only((output or {}).get("expression")), f"{prefix}output.{name}")
    for name, call in (module.get("module_calls") or {}).items():
        for key, expression in (call.get("expressions") or {}).items():
            yield from _strings(_constants_only(expression), f"{prefix}module.{name}.{key}")
        if isinstance(call.get("module"), dict):
            yield from _config_strings(call["module"], f"{prefix}module.{name}.")


def _constants_only(expression: Any) -> Any:
    if isinstance(expression, list):
        return [_constants_only(e) for e in expression]
    if isinstance(expression, dict):
        if "constant_value" in expression:
            return expression["constant_value"]
        return {k: _constants_only(v) for k, v in expression.items() if k != "references"}
    return None


def _all_strings(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    config = data.get("configuration") or {}
    for name, provider in (config.get("provider_config") or {}).items():
        yield from _strings(_constants_only((provider or {}).get("expressions")), f"provider.{name}")
    yield from _config_strings(config.get("root_module") or {}, "")
    for name, variable in (data.get("variables") or {}).items():
        if isinstance(variable, dict):
            yield from _strings(variable.get("value"), f"variable.{name}")
    roots = [(data.get("planned_values") or {}).get("root_module") or {},
             ((data.get("prior_state") or {}).get("values") or {}).get("root_module") or {}]
    for root in roots:
        for _module, resource in _walk_modules(root):
            yield from _strings(resource.get("values"), str(resource.get("address")))


def plan_literals(data: dict[str, Any], display: str) -> list[dict[str, Any]]:
    """Literal credentials anywhere in the plan (masked), once per field."""
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()  # transient (field, text): never stored
    for path, text in _all_strings(data):
        if (path, text) in seen:
            continue
        seen.add((path, text))
        for cred in find_literal_credentials(path, text):
            found.append({"kind": cred.kind, "masked": cred.masked, "field": cred.field, "file": display, "line": None})
    return found


def read_plan(path: Path, display: str) -> PlanRead:
    """Raw resources, secret exposures and literal credentials of one plan file; raises PlanError."""
    data = load_plan(path)
    reader = _PlanReader(data, display)
    secrets = _PlanSecrets(reader.root_config, display)
    secrets.scan(reader.root_config, "", set())
    return PlanRead(raws=reader.raws(), exposures=secrets.found, literals=plan_literals(data, display))
