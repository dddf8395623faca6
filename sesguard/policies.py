"""Loading the YAML policies: schema validation with one readable line per problem."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final

import jsonschema
import yaml

from sesguard.model.catalogue import CATALOGUE, Prop
from sesguard.severity import SEVERITIES as SEVERITIES  # re-exported: the policies' vocabulary
from sesguard.severity import SEVERITY_RANK as SEVERITY_RANK

SCHEMA_FILE: Final = "schema.json"


class PolicyError(ValueError):
    """A policy file that cannot be used; the message is one line naming the file and the place."""


@dataclass(frozen=True)
class PolicyProblem:
    """A policy file that could not be loaded: the file as shown, its line (when known), what is wrong."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Policy:
    """One best practice: metadata, parameters, and the declarative conditions."""

    id: str
    title: str
    severity: str
    resource: str
    sources: tuple[str, ...]
    assertion: Mapping[str, Any]
    description: str
    rationale: str
    remediation: Mapping[str, str]
    references: tuple[Mapping[str, str], ...]
    compliance: tuple[Mapping[str, str], ...] = ()
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    scope: Mapping[str, Any] | None = None
    applies_when: Mapping[str, Any] | None = None
    severity_bands: Mapping[str, Any] | None = None
    fail_hint: str | None = None
    examples: tuple[Mapping[str, Any], ...] = ()
    file: str = ""

    def defaults(self) -> dict[str, Any]:
        """The parameters' default values."""
        return {name: spec["default"] for name, spec in self.parameters.items()}


def default_policy_dir() -> Path:
    """The policies shipped with sesguard, package data whatever the install layout (wheel, ``--user``,
    editable): ``sesguard/data/policies``, in a checkout a link to the repository's ``policies/``."""
    return Path(str(resources.files("sesguard") / "data" / "policies")).resolve()


def load_schema(policy_dir: Path | None = None) -> dict[str, Any]:
    """The policy JSON Schema (shipped beside the policies)."""
    schema_path = (policy_dir or default_policy_dir()) / SCHEMA_FILE
    if not schema_path.exists():
        schema_path = default_policy_dir() / SCHEMA_FILE
    data: dict[str, Any] = json.loads(schema_path.read_text(encoding="utf-8"))
    return data


def format_location(path: Iterator[Any] | list[Any]) -> str:
    """``['assert', 'all', 1, 'op']`` -> ``assert.all[1].op`` (``<top>`` for the document itself)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<top>"


def _branch_key(branch: Mapping[str, Any]) -> str | None:
    required = branch.get("required") or []
    return str(required[0]) if required else None


def readable_error(
    error: jsonschema.ValidationError, schema: Mapping[str, Any]
) -> jsonschema.ValidationError:
    """Descend through ``oneOf`` to the branch the instance meant (by its discriminating key)."""
    while error.validator == "oneOf" and error.context and isinstance(error.instance, dict):
        branches: list[Mapping[str, Any]] = list(error.validator_value)  # type: ignore[arg-type]
        chosen = None
        for index, branch in enumerate(branches):
            resolved = branch
            if "$ref" in branch:
                resolved = _resolve_ref(schema, branch["$ref"])
            key = _branch_key(resolved)
            if key is not None and key in error.instance:
                chosen = index
                break
        if chosen is None:
            return error
        inner = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == chosen]
        if not inner:
            return error
        error = max(inner, key=lambda e: len(list(e.absolute_path)))
    return error


def _resolve_ref(schema: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    node: Any = schema
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    result: Mapping[str, Any] = node
    return result


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        required: list[str] = list(error.validator_value)  # type: ignore[arg-type]
        instance: Any = error.instance
        missing = [name for name in required if name not in instance]
        return f"{missing[0]!r} is required" if missing else error.message
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown key(s) not allowed")
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        return (
            "a condition needs one of 'all', 'any', 'not', 'some', 'every', 'none', or 'path' with 'op' "
            f"(got keys {sorted(error.instance)})"
        )
    return error.message


def _line_of(node: yaml.Node | None, path: list[Any]) -> int | None:
    """The 1-based line of the YAML node at ``path`` (closest existing ancestor)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line


def validate_document(
    data: Any, schema: Mapping[str, Any], origin: str, node: yaml.Node | None = None
) -> list[str]:
    """Schema problems of one parsed document, one line each: ``file:line: location: message``."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    problems = []
    for raw in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        error = readable_error(raw, schema)
        path = list(error.absolute_path)
        line = _line_of(node, path)
        where = f"{origin}:{line}" if line else origin
        problems.append(f"{where}: {format_location(path)}: {_message(error)}")
    return problems


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (about ten times faster; the same documents and marks)."""


class _TextDatesLoader(_SafeLoader):  # type: ignore[misc]  # a base chosen at import: Any to mypy
    """YAML's safe loader, keeping ``2027-01-31`` as the text written (no date objects).

    The schemas and messages work on the text users wrote, and a malformed date such as
    ``2027-13-31`` is a schema problem with its line, not a constructor crash.
    """


_TextDatesLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)


MAX_YAML_NODES: Final = 100_000
"""Policies, settings and waivers are far smaller: the whole shipped catalog is about 6,000 nodes."""
MAX_YAML_BYTES: Final = 5_000_000


def expanded_size(node: yaml.Node | None, limit: int = MAX_YAML_NODES) -> int:
    """How many nodes ``node`` stands for once its aliases are expanded (an alias repeats its anchor's
    whole tree), each node measured once, so an alias bomb costs its own size to measure; counting
    stops past ``limit`` (a recursive alias counts as past it)."""
    sizes: dict[int, int] = {}

    def size(current: yaml.Node) -> int:
        known = sizes.get(id(current))
        if known is not None:
            return known
        sizes[id(current)] = limit + 1  # met again while being measured: a cycle
        total = 1
        children: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [part for pair in current.value for part in pair]
        for child in children:
            total += size(child)
            if total > limit:
                break
        sizes[id(current)] = min(total, limit + 1)
        return sizes[id(current)]

    return 0 if node is None else size(node)


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file into data and its node tree (for line numbers); raises PolicyError.

    A file that is not a regular file (a FIFO, a device), is over :data:`MAX_YAML_BYTES`, or whose
    aliases expand past :data:`MAX_YAML_NODES` nodes (an alias bomb: 3.4 GB and minutes of work
    downstream) is refused before its data is built.
    """
    from sesguard.sources.input_files import read_regular

    try:
        text = read_regular(path, MAX_YAML_BYTES).decode("utf-8")
        node = yaml.compose(text, Loader=_SafeLoader)
        if expanded_size(node) > MAX_YAML_NODES:
            raise PolicyError(
                f"{path}: YAML aliases expand to more than {MAX_YAML_NODES:,} nodes (an alias bomb?); not read"
            )
        data = yaml.load(text, Loader=_TextDatesLoader)  # a safe loader
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{path}: cannot read: not UTF-8 text") from exc
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except RecursionError as exc:
        raise PolicyError(f"{path}: invalid YAML: nested too deeply") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"{where}: invalid YAML: {problem}") from exc
    return data, node


def _param_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if set(node) == {"param"}:
            yield str(node["param"])
        for value in node.values():
            yield from _param_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _param_refs(value)


def policy_from_data(data: Mapping[str, Any], origin: str, node: yaml.Node | None = None) -> Policy:
    """Build a Policy from validated data; checks what the schema cannot (parameter references)."""
    parameters = data.get("parameters", {})
    for section in ("assert", "scope", "applies_when"):
        for name in _param_refs(data.get(section)):
            if name not in parameters:
                line = _line_of(node, [section])
                raise PolicyError(
                    f"{origin}{f':{line}' if line else ''}: {section}: parameter {name!r} is used but not "
                    "declared in 'parameters'"
                )
    return Policy(
        id=data["id"],
        title=data["title"],
        severity=data["severity"],
        resource=data["resource"],
        sources=tuple(data["sources"]),
        assertion=data["assert"],
        description=data["description"],
        rationale=data["rationale"],
        remediation=data["remediation"],
        references=tuple(data["references"]),
        compliance=tuple(data.get("compliance", ())),
        parameters=parameters,
        scope=data.get("scope"),
        applies_when=data.get("applies_when"),
        severity_bands=data.get("severity_bands"),
        fail_hint=data.get("fail_hint"),
        examples=tuple(data.get("examples", ())),
        file=origin,
    )


_QUANTIFIERS: Final = ("some", "every", "none")


def path_problems(data: Mapping[str, Any], origin: str, node: yaml.Node | None = None) -> list[str]:
    """A ``path`` naming no property of the policy's resource type (or no field of the items a
    quantifier runs over), one line each: ``file:line: location: message``; example ``props`` too."""
    resource_type = str(data.get("resource"))
    props = {p.name: p for p in CATALOGUE.get(resource_type, ())}
    places: list[tuple[list[Any], str, Prop | None]] = []
    for section in ("assert", "scope"):
        places.extend(_walk(data.get(section), [section], props))
    applies = data.get("applies_when")
    if isinstance(applies, Mapping):
        places.extend(_walk(applies.get("condition"), ["applies_when", "condition"], props))
    bands = data.get("severity_bands")
    if isinstance(bands, Mapping) and "path" in bands:
        places.append((["severity_bands", "path"], str(bands["path"]), None))
    for index, example in enumerate(data.get("examples") or []):
        for name in example.get("props") or {} if isinstance(example, Mapping) else {}:
            places.append((["examples", index, "props", name], str(name), None))
    problems = []
    for where, path, items in places:
        problem = _path_problem(path, items, props, resource_type)
        if problem:
            line = _line_of(node, where)
            problems.append(f"{f'{origin}:{line}' if line else origin}: {format_location(where)}: {problem}")
    return problems


def _walk(
    condition: Any, where: list[Any], props: Mapping[str, Prop]
) -> Iterator[tuple[list[Any], str, Prop | None]]:
    """The paths of a condition, each with the list property whose items it names (in a ``where``)."""
    if not isinstance(condition, Mapping):
        return
    if "path" in condition:
        yield [*where, "path"], str(condition["path"]), None
    for key in ("all", "any"):
        for index, part in enumerate(condition.get(key) or []):
            yield from _walk(part, [*where, key, index], props)
    if "not" in condition:
        yield from _walk(condition["not"], [*where, "not"], props)
    for key in _QUANTIFIERS:
        quantifier = condition.get(key)
        if isinstance(quantifier, Mapping) and "path" in quantifier:
            yield [*where, key, "path"], str(quantifier["path"]), None
            over = props.get(str(quantifier["path"]).split(".")[0])
            for inner, path, _ in _walk(quantifier.get("where"), [*where, key, "where"], props):
                yield inner, path, over


def _path_problem(path: str, items: Prop | None, props: Mapping[str, Prop], resource_type: str) -> str | None:
    """What is wrong with one path, or None."""
    head, _, rest = path.partition(".")
    if items is not None:  # inside a quantifier: the fields of that property's items
        if not items.fields or head in items.fields:
            return None
        return f"{path!r} is not a field of {items.name} items{_suggest(head, items.fields)}"
    prop = props.get(head)
    if prop is None:
        return (
            f"{path!r} names no property of {resource_type}{_suggest(head, props)} (docs/model.md lists them)"
        )
    field_name = rest.partition(".")[0]
    if rest and prop.fields and field_name not in prop.fields:
        return f"{path!r}: {head} has no field {field_name!r}{_suggest(field_name, prop.fields)}"
    return None


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def load_policy_file(path: Path, schema: Mapping[str, Any], origin: str | None = None) -> Policy:
    """Load and validate one policy file; raises PolicyError with the first problem."""
    origin = origin or str(path)
    data, node = read_yaml(path)
    problems = validate_document(data, schema, origin, node)
    if not problems:
        problems = path_problems(data, origin, node)
    if problems:
        raise PolicyError(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    if data["id"] != path.stem:
        line = _line_of(node, ["id"])
        raise PolicyError(
            f"{origin}{f':{line}' if line else ''}: id: {data['id']!r} does not match the file name "
            f"(expected {path.stem!r})"
        )
    return policy_from_data(data, origin, node)


@dataclass(frozen=True)
class PolicySet:
    """The policies of a directory that loaded (sorted by ID) and one problem per file that did not."""

    policies: list[Policy]
    problems: list[PolicyProblem]


def read_policies(policy_dir: Path | None = None) -> PolicySet:
    """Load every ``*.yaml`` policy of a directory: a bad file is one problem and the others still load.

    Raises PolicyError only when there is nothing to load: no such directory, no policy file in it.
    """
    directory = policy_dir or default_policy_dir()
    if not directory.is_dir():
        raise PolicyError(f"{directory}: policy directory not found")
    schema = load_schema(directory)
    policies: dict[str, Policy] = {}
    problems: list[PolicyProblem] = []
    paths = sorted(directory.glob("*.y*ml"))
    for path in paths:
        origin = _display(path)
        try:
            policy = load_policy_file(path, schema, origin)
        except PolicyError as exc:
            problems.append(_problem(str(exc), origin, path))
            continue
        if policy.id in policies:
            problems.append(
                PolicyProblem(
                    origin,
                    None,
                    f"id: duplicate policy ID {policy.id!r} (also in {policies[policy.id].file})",
                )
            )
            continue
        policies[policy.id] = policy
    if not paths:
        raise PolicyError(f"{directory}: no policy files (*.yaml) found")
    return PolicySet([policies[key] for key in sorted(policies)], problems)


def _problem(text: str, origin: str, path: Path) -> PolicyProblem:
    """A loader's one line (``FILE[:LINE]: what``, the file as shown or as given) as a problem of ``origin``."""
    for shown in (origin, str(path)):
        if text.startswith(f"{shown}:"):
            text = text[len(shown) + 1 :]
            break
    number, colon, rest = text.partition(": ")
    if colon and number.isdigit():
        return PolicyProblem(origin, int(number), rest)
    return PolicyProblem(origin, None, text.removeprefix(" "))


def load_policies(policy_dir: Path | None = None) -> list[Policy]:
    """Load every ``*.yaml`` policy of a directory, sorted by ID; raises PolicyError on the first bad one
    (a run loads with :func:`read_policies`, which keeps the others)."""
    found = read_policies(policy_dir)
    if found.problems:
        raise PolicyError(str(found.problems[0]))
    return found.policies


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def policy_set_digest(policy_dir: Path | None = None) -> str:
    """A digest over the policy files' bytes, so a report says exactly which policy set judged it."""
    directory = policy_dir or default_policy_dir()
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.y*ml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"sha256:{digest.hexdigest()}"
