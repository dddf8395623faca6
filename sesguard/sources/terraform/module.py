"""One Terraform module (a directory of ``.tf`` files): its blocks, name resolution, and raw resources.

References resolve within the module: ``var.x`` (``terraform.tfvars`` / ``*.auto.tfvars`` first,
then the default; none = Unknown; in a called module: the caller's argument, then the default),
``local.x``, ``aws_x.y.attr`` (arguments, then the attributes of :mod:`.attributes`),
``data.x.y.attr``, ``module.NAME.output`` (local modules only).

Instances are expanded as Terraform does: a resource (or module call) whose ``count`` / ``for_each``
is known gives one instance per index / key, named by Terraform's own address
(``aws_x.y[0]``, ``aws_x.y["key"]``, ``module.m["key"].aws_x.y``), with ``count.index``,
``each.key`` and ``each.value`` bound. A count of 0 (or an empty ``for_each``) creates nothing. When
the count or keys are unknown, the resource stays one instance (its plain address) whose
``count.index`` / ``each.*`` are Unknown with the reason, and which may not exist at all.

A local module call (``source = "./..."`` or ``"../..."``) is evaluated as a child instance with the
caller's arguments; its resources are named ``module.NAME.<address>`` (nested calls too). A module
from anywhere else (a registry, git, S3) is not read: the call is recorded in
:attr:`HclModule.remote_calls` and its outputs are Unknown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from lark import Token, Tree

from sesguard.model import Unknown, is_unknown
from sesguard.sources.terraform.attributes import computed_attribute, data_attribute
from sesguard.sources.terraform.branches import Reading
from sesguard.sources.terraform.expressions import Evaluator, Step, references, resource_address
from sesguard.sources.terraform.hcl_reader import Block, Body, HclFile
from sesguard.sources.terraform.iam_documents import policy_document_from_data
from sesguard.sources.terraform.raw import RawResource
from sesguard.sources.terraform.sandbox import read_inside
from sesguard.sources.terraform.values import EvalError, JsonText, ObjectValue, to_text

META_ARGUMENTS: Final = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
MODULE_META_ARGUMENTS: Final = frozenset(
    {"source", "version", "providers", "count", "for_each", "depends_on"}
)
MAX_MODULE_DEPTH: Final = 8

Instance = tuple[str, dict[str, Any]]  # (address suffix such as '[0]' or '["k"]', names it binds)


def instance_suffix(key: Any) -> str:
    """Terraform's instance suffix of a count index or for_each key: ``[0]``, ``["a.example.com"]``."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    return f"[{json.dumps(str(key), ensure_ascii=False)}]"


@dataclass(frozen=True, eq=False)
class RemoteCall:
    """A module call whose source sesguard does not read (registry, git, ...), or cannot find."""

    address: str
    source: Any
    file: HclFile
    line: int
    reason: str


@dataclass
class Declared:
    """A declaration with the file it is in."""

    block: Block
    file: HclFile


@dataclass
class HclModule:
    """The blocks of one module directory and the resolver its expressions evaluate against."""

    directory: Path
    files: list[HclFile]
    tfvars: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, Declared] = field(default_factory=dict)
    variables: dict[str, Declared] = field(default_factory=dict)
    locals: dict[str, tuple[Any, HclFile, int]] = field(default_factory=dict)
    outputs: dict[str, Declared] = field(default_factory=dict)
    others: list[Declared] = field(default_factory=list)
    duplicates: list[tuple[str, HclFile, int]] = field(default_factory=list)
    prefix: str = ""  # "module.NAME." (with its instance key) for a called module
    registry: ModuleRegistry | None = None
    depth: int = 0
    ancestors: tuple[Path, ...] = ()  # directories of the calls this instance is nested in
    calls: dict[str, Declared] = field(default_factory=dict)
    tree: Path | None = None  # the folder file() may read in (default: the module's own)
    reading: Reading | None = None  # the branch-wise reading of the set in progress (branches.py)
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict)
    _busy: set[tuple[str, str]] = field(default_factory=set)
    _expansions: dict[str, list[Instance] | Unknown | None] = field(default_factory=dict)
    _children: dict[str, list[tuple[str, HclModule]] | Unknown | None] = field(default_factory=dict)
    _remote: list[RemoteCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        for hcl in self.files:
            for block in hcl.body.blocks:
                self._index(block, hcl)

    @property
    def scope(self) -> str:
        """What references of this instance resolve in: the module address and the directory."""
        return f"{self.prefix}{self.directory}"

    def _index(self, block: Block, hcl: HclFile) -> None:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            address = ".".join(block.labels) if block.type == "resource" else "data." + ".".join(block.labels)
            self._add(self.resources, address, block, hcl)
        elif block.type == "variable" and block.labels:
            self._add(self.variables, block.labels[0], block, hcl, "var.")
        elif block.type == "output" and block.labels:
            self._add(self.outputs, block.labels[0], block, hcl, "output.")
        elif block.type == "module" and block.labels:
            self._add(self.calls, block.labels[0], block, hcl, "module.")
            self.others.append(Declared(block, hcl))
        elif block.type == "locals":
            for name, attr in block.body.attributes.items():
                if name in self.locals:
                    self.duplicates.append((f"local.{name}", hcl, attr.line))
                else:
                    self.locals[name] = (attr, hcl, attr.line)
        else:
            self.others.append(Declared(block, hcl))

    def _add(self, table: dict[str, Declared], key: str, block: Block, hcl: HclFile, kind: str = "") -> None:
        if key in table:
            self.duplicates.append((kind + key, hcl, block.line))
        else:
            table[key] = Declared(block, hcl)

    # --- Resolver ------------------------------------------------------------------------------

    def evaluator(self) -> Evaluator:
        """An evaluator of this module's expressions."""
        return Evaluator(self)

    def resolve(self, root: str, steps: list[Step]) -> tuple[Any, int]:
        """The value of a name and how many steps it used (see :class:`.expressions.Resolver`)."""
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if root == "var":
            return (self.variable(first) if first else Unknown("var used without a name")), 1
        if root == "local":
            return (self.local(first) if first else Unknown("local used without a name")), 1
        if root == "count":
            return Unknown("count.index differs per instance"), min(1, len(steps))
        if root == "each":
            return Unknown("each.key / each.value differ per instance"), min(1, len(steps))
        if root == "path":
            return str(self.directory), min(1, len(steps))
        if root == "self":
            return Unknown("self is not evaluated"), len(steps)
        if root == "terraform":
            return Unknown("terraform.workspace is chosen at run time"), min(1, len(steps))
        if root == "module":
            if first is None:
                return Unknown("module used without a name"), len(steps)
            return self._module_steps(first, steps)
        if root == "data":
            kind = steps[1][1] if len(steps) > 1 and steps[1][0] == "attr" else None
            if first is None or kind is None:
                return Unknown("incomplete data reference"), len(steps)
            return self._resource_steps(f"data.{first}.{kind}", steps, 2)
        if first is None:
            return EvalError(f"{root} is not a known name"), 0
        return self._resource_steps(f"{root}.{first}", steps, 1)

    def _resource_steps(self, address: str, steps: list[Step], used: int) -> tuple[Any, int]:
        declared = self.resources.get(address)
        if declared is None:
            return EvalError(f"{address} is not declared in this module"), len(steps)
        rest = steps[used:]
        expansion = self.expansion(address)
        if not isinstance(expansion, list):  # one instance (or an unknown number: the template one)
            if rest and rest[0][0] == "index":
                used += 1
                rest = rest[1:]
            elif rest and rest[0][0] == "splat":
                if len(rest) < 2 or rest[1][0] != "attr":
                    return Unknown(f"{address}[*] as a whole is not evaluated"), len(steps)
                value = self.attribute(address, str(rest[1][1]))
                if isinstance(expansion, Unknown):
                    return expansion, used + 2
                return [value], used + 2
            if rest and rest[0][0] == "attr":
                return self.attribute(address, str(rest[0][1])), used + 1
            if isinstance(expansion, Unknown):
                return Unknown(f"{address} has an unknown number of instances ({expansion.reason})"), len(steps)
            return self.instance_object(address, ""), used
        suffixes = [suffix for suffix, _ in expansion]
        if rest and rest[0][0] == "index":
            key = rest[0][1]
            if is_unknown(key):
                return key, len(steps)
            suffix = instance_suffix(key if self._counted(address) else to_text(key))
            if suffix not in suffixes:
                return EvalError(f"{address}{suffix} is not an instance"), len(steps)
            used += 1
            rest = rest[1:]
            if rest and rest[0][0] == "attr":
                return self.attribute(address, str(rest[0][1]), suffix), used + 1
            return self.instance_object(address, suffix), used
        if rest and rest[0][0] == "splat":
            if len(rest) >= 2 and rest[1][0] == "attr":
                return [self.attribute(address, str(rest[1][1]), s) for s in suffixes], used + 2
            return [self.instance_object(address, s) for s in suffixes], used + 1
        if rest and rest[0][0] == "attr":
            return EvalError(f"{address} has count or for_each: name an instance"), len(steps)
        objects = [self.instance_object(address, s) for s in suffixes]
        if self._counted(address):
            return objects, used
        keys = [env["each"]["key"] for _, env in expansion]
        return dict(zip(keys, objects, strict=True)), used

    def _counted(self, address: str) -> bool:
        return "count" in self.resources[address].block.body.attributes

    def instance_object(self, address: str, suffix: str) -> ObjectValue:
        """One instance as a whole object (``each.value`` when iterating over a resource)."""
        declared = self.resources[address]
        names = [n for n in declared.block.body.attributes if n not in META_ARGUMENTS]
        items = {name: self.attribute(address, name, suffix) for name in names}
        return ObjectValue(items, lambda attr: self.attribute(address, attr, suffix))

    # --- module calls --------------------------------------------------------------------------

    def _module_steps(self, name: str, steps: list[Step]) -> tuple[Any, int]:
        if name not in self.calls:
            return EvalError(f"module.{name} is not declared in this module"), len(steps)
        children = self.child_instances(name)
        rest = steps[1:]
        if isinstance(children, Unknown):
            return children, len(steps)
        if children is None:
            return Unknown(f"module.{name} is not followed"), len(steps)
        counted = "count" in self.calls[name].block.body.attributes
        iterated = counted or "for_each" in self.calls[name].block.body.attributes
        by_suffix = dict(children)
        if not iterated:
            module = by_suffix[""]
            if rest and rest[0][0] == "attr":
                return module.output(str(rest[0][1])), 2
            return module.outputs_object(), 1
        if rest and rest[0][0] == "index":
            key = rest[0][1]
            if is_unknown(key):
                return key, len(steps)
            suffix = instance_suffix(key if counted else to_text(key))
            if suffix not in by_suffix:
                return EvalError(f"module.{name}{suffix} is not an instance"), len(steps)
            if len(rest) > 1 and rest[1][0] == "attr":
                return by_suffix[suffix].output(str(rest[1][1])), 3
            return by_suffix[suffix].outputs_object(), 2
        objects = [m.outputs_object() for _, m in children]
        if counted:
            return objects, 1
        keys = [json.loads(s[1:-1]) for s, _ in children]
        return dict(zip(keys, objects, strict=True)), 1

    def module_source(self, name: str) -> Any:
        """The evaluated ``source`` of a module call."""
        attr = self.calls[name].block.body.attributes.get("source")
        return self.evaluator().eval(attr.expr) if attr is not None else None

    def child_instances(self, name: str) -> list[tuple[str, HclModule]] | Unknown | None:
        """The instances of a local module call, each evaluated with the caller's arguments
        (Unknown when its source is not local or its count/keys are unknown; None past the depth
        limit)."""
        if name not in self._children:
            self._children[name] = self._instantiate(name)
        return self._children[name]

    def _instantiate(self, name: str) -> list[tuple[str, HclModule]] | Unknown | None:
        declared = self.calls[name]
        address = f"{self.prefix}module.{name}"
        source = self.module_source(name)
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            shown = source if isinstance(source, str) else "an unresolved source"
            reason = f"{address} comes from {shown}, which is not read (only local ./ and ../ modules are)"
            self._remote.append(RemoteCall(address, source, declared.file, declared.block.line, reason))
            return Unknown(reason)
        if self.depth >= MAX_MODULE_DEPTH:
            reason = f"{address}: modules nested more than {MAX_MODULE_DEPTH} deep are not followed"
            self._remote.append(RemoteCall(address, source, declared.file, declared.block.line, reason))
            return Unknown(reason)
        registry = self.registry if self.registry is not None else ModuleRegistry()
        child = registry.get(self.directory / source)
        if child is None:
            reason = f"{address}: the module source {source} has no readable .tf files"
            self._remote.append(RemoteCall(address, source, declared.file, declared.block.line, reason))
            return Unknown(reason)
        chain = (*self.ancestors, self.directory.resolve())
        if child.directory.resolve() in chain:
            reason = f"{address} calls a module it is itself part of (a cycle Terraform rejects)"
            self._remote.append(RemoteCall(address, source, declared.file, declared.block.line, reason))
            return Unknown(reason)
        expansion = self._expand(declared.block, address)
        if isinstance(expansion, Unknown):
            reason = f"{address} has an unknown number of instances ({expansion.reason})"
            self._remote.append(RemoteCall(address, source, declared.file, declared.block.line, reason))
            return Unknown(reason)
        result: list[tuple[str, HclModule]] = []
        for suffix, env in expansion if expansion is not None else [("", {})]:
            ev = Evaluator(self, env)
            inputs = {
                arg: ev.eval(attr.expr)
                for arg, attr in declared.block.body.attributes.items()
                if arg not in MODULE_META_ARGUMENTS
            }
            instance = HclModule(
                child.directory,
                child.files,
                tfvars=inputs,
                prefix=f"{address}{suffix}.",
                registry=registry,
                depth=self.depth + 1,
                ancestors=chain,
                tree=self._tree_for(child.directory),
                reading=self.reading,
            )
            result.append((suffix, instance))
        return result

    @property
    def remote_calls(self) -> list[RemoteCall]:
        """Module calls (here and in the local modules called, at any depth) that are not read."""
        found = list(self._remote)
        for name in self.calls:
            children = self.child_instances(name)
            if isinstance(children, list):
                for _, child in children:
                    found.extend(child.remote_calls)
        unique = {(call.address, call.reason): call for call in found}
        return list(unique.values())

    def output(self, name: str) -> Any:
        """The value of one of this module's outputs."""
        declared = self.outputs.get(name)
        if declared is None:
            return EvalError(f"{self.prefix}output.{name} is not declared")
        value = declared.block.body.attributes.get("value")
        if value is None:
            return Unknown(f"{self.prefix}output.{name} has no value")
        return self._guarded(("output", name), lambda: self.evaluator().eval(value.expr))

    def outputs_object(self) -> ObjectValue:
        """The module's outputs as one object (``module.NAME`` used as a whole)."""
        return ObjectValue({}, self.output)

    def _tree_for(self, directory: Path) -> Path:
        """Where a called module's file() may read: this set's folder when the module is in it, else
        the called module's own folder (a module kept outside the set, ``../modules/x``)."""
        tree = self.tree or self.directory
        return tree if directory.resolve().is_relative_to(tree.resolve()) else directory

    def read_file(self, path: str) -> str | Unknown:
        """Text of a file named by ``file()`` (relative paths are taken from the module directory),
        read only inside the set's tree (:mod:`.sandbox`)."""
        return read_inside(self.tree or self.directory, self.directory, path)

    # --- values --------------------------------------------------------------------------------

    def _guarded(self, key: tuple[str, str], compute: Any) -> Any:
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return Unknown(f"reference cycle through {key[0]}.{key[1]}")
        self._busy.add(key)
        try:
            value = compute()
        except RecursionError:
            value = Unknown("expression nested too deeply")
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    def variable(self, name: str) -> Any:
        """A variable's value: a tfvars value, else its default, else Unknown."""
        if name in self.tfvars:
            return self.tfvars[name]
        declared = self.variables.get(name)
        if declared is None:
            return EvalError(f"var.{name} is not declared")
        default = declared.block.body.attributes.get("default")
        if default is None:
            return Unknown(f"var.{name} has no default", symbol=f"${{var.{name}}}")
        return self._guarded(("var", name), lambda: self.evaluator().eval(default.expr))

    def local(self, name: str) -> Any:
        """A local value."""
        entry = self.locals.get(name)
        if entry is None:
            return EvalError(f"local.{name} is not declared")
        return self._guarded(("local", name), lambda: self.evaluator().eval(entry[0].expr))

    def attribute(self, address: str, attr: str, suffix: str = "") -> Any:
        """One attribute of a resource or data source of this module (of one instance)."""
        declared = self.resources.get(address)
        if declared is None:
            return EvalError(f"{address} is not declared in this module")
        env = self.instance_env(address, suffix)
        if env is None:
            return EvalError(f"{address}{suffix} is not an instance")
        return self._guarded(
            (address + suffix, attr),
            lambda: self._attribute(address, declared.block, attr, suffix, Evaluator(self, env)),
        )

    def _attribute(self, address: str, block: Block, attr: str, suffix: str, ev: Evaluator) -> Any:
        body = block.body
        if attr in body.attributes:
            return ev.eval(body.attributes[attr].expr)
        nested = self.body_values(Body({}, body.blocks), ev)
        if attr in nested:
            return nested[attr]
        resource_type = block.labels[0]
        shown = f"{self.prefix}{address}{suffix}"
        args = lambda a: self._argument(address, a, suffix)  # noqa: E731
        if block.type == "data":
            if resource_type == "aws_iam_policy_document" and attr in ("json", "minified_json"):
                values = self.body_values(body, ev)
                document = policy_document_from_data(values)
                return document if is_unknown(document) else JsonText(document)
            return data_attribute(resource_type, shown, attr, args)
        return computed_attribute(resource_type, shown, attr, args)

    def _argument(self, address: str, attr: str, suffix: str = "") -> Any:
        declared = self.resources[address]
        if attr not in declared.block.body.attributes:
            return None
        return self.attribute(address, attr, suffix)

    def body_values(self, body: Body, ev: Evaluator) -> dict[str, Any]:
        """Arguments and nested blocks of a body (blocks as lists of dicts, dynamic blocks expanded)."""
        values: dict[str, Any] = {}
        for name, attr in body.attributes.items():
            values[name] = ev.eval(attr.expr)
        for block in body.blocks:
            if block.type == "dynamic" and block.labels:
                values.setdefault(block.labels[0], []).extend(self._dynamic(block, ev))
            elif block.type not in META_ARGUMENTS:
                values.setdefault(block.type, []).append(self.body_values(block.body, ev))
        return values

    def _dynamic(self, block: Block, ev: Evaluator) -> list[Any]:
        for_each = block.body.attributes.get("for_each")
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if for_each is None or content is None:
            return []
        collection = ev.eval(for_each.expr)
        if is_unknown(collection):
            return [Unknown(f"dynamic {block.labels[0]} blocks: {collection.reason}")]
        iterator_attr = block.body.attributes.get("iterator")
        name = block.labels[0]
        if iterator_attr is not None:
            terms = [c for c in iterator_attr.expr.iter_subtrees() if c.data == "identifier"]
            if terms:
                name = str(terms[0].children[0])
        pairs = collection.items() if isinstance(collection, dict) else enumerate(collection or [])
        return [self.body_values(content.body, ev.child({name: {"key": k, "value": v}})) for k, v in pairs]

    def expansion(self, address: str) -> list[Instance] | Unknown | None:
        """The instances of a resource: None without count/for_each, Unknown when unknown."""
        if address not in self._expansions:
            self._expansions[address] = None  # a count that refers to its own resource
            self._expansions[address] = self._expand(self.resources[address].block, address)
        return self._expansions[address]

    def _expand(self, block: Block, address: str) -> list[Instance] | Unknown | None:
        attrs = block.body.attributes
        if "count" in attrs:
            value = self.evaluator().eval(attrs["count"].expr)
            if is_unknown(value):
                return Unknown(f"count: {value.reason}")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                return Unknown("count is not a whole number")
            return [(instance_suffix(i), {"count": {"index": i}}) for i in range(int(value))]
        if "for_each" in attrs:
            value = self.evaluator().eval(attrs["for_each"].expr)
            if is_unknown(value):
                return Unknown(f"for_each: {value.reason}")
            if isinstance(value, dict):
                pairs = sorted(value.items())
            elif isinstance(value, list):  # a set (toset(...)): keys are the elements
                texts = [to_text(v) for v in value]
                missing = next((t for t in texts if is_unknown(t)), None)
                if isinstance(missing, Unknown):
                    return Unknown(f"for_each: a key is unknown ({missing.reason})")
                pairs = sorted({str(t): str(t) for t in texts}.items())
            else:
                return Unknown("for_each is not a map or a set")
            return [(instance_suffix(k), {"each": {"key": k, "value": v}}) for k, v in pairs]
        return None

    def instance_env(self, address: str, suffix: str) -> dict[str, Any] | None:
        """The names an instance binds (``count.index``, ``each.*``); None when there is no such instance."""
        expansion = self.expansion(address)
        if isinstance(expansion, list):
            return next((env for s, env in expansion if s == suffix), None)
        if suffix:
            return None
        if isinstance(expansion, Unknown):
            unknown = Unknown(f"{self.prefix}{address} has an unknown number of instances ({expansion.reason})")
            if "count" in self.resources[address].block.body.attributes:
                return {"count": {"index": unknown}}
            return {"each": {"key": unknown, "value": unknown}}
        return {}

    def instance_count(self, block: Block) -> int | Unknown | None:
        """How many instances ``count`` / ``for_each`` create (None: neither is set)."""
        expansion = self._expand(block, ".".join(block.labels))
        return len(expansion) if isinstance(expansion, list) else expansion

    # --- raw resources -------------------------------------------------------------------------

    def raw_resources(self, only_file: Path | None = None, root: str = "") -> list[RawResource]:
        """Every resource and data source instance that exists with the known values, evaluated, and
        those of the local modules it calls (``only_file``: only what that file declares emits)."""
        result: list[RawResource] = []
        root = root or str(self.directory)
        for address, declared in self.resources.items():
            expansion = self.expansion(address)
            if isinstance(expansion, list) and not expansion:
                continue
            emit = only_file is None or declared.file.path == only_file
            if isinstance(expansion, list):
                for suffix, _ in expansion:
                    result.append(self._raw(address, declared, suffix, emit, root, None))
            else:
                result.append(self._raw(address, declared, "", emit, root, expansion))
        for name, declared in self.calls.items():
            children = self.child_instances(name)
            if not isinstance(children, list):
                continue
            emit = only_file is None or declared.file.path == only_file
            for _, child in children:
                for raw in child.raw_resources(root=root):
                    raw.emit = raw.emit and emit
                    result.append(raw)
        return result

    def _raw(
        self, address: str, declared: Declared, suffix: str, emit: bool, root: str, unknown: Unknown | None
    ) -> RawResource:
        block = declared.block
        env = self.instance_env(address, suffix) or {}
        ev = Evaluator(self, env)
        values = {name: self.attribute(address, name, suffix) for name in block.body.attributes}
        for key, nested in self.body_values(Body({}, block.body.blocks), ev).items():
            values[key] = nested
        resource_type, name = block.labels
        for computed in ("id", "arn"):
            if computed not in values:
                value = self.attribute(address, computed, suffix)
                if not isinstance(value, EvalError):
                    values[computed] = value
        full = f"{self.prefix}{address}{suffix}"
        extra: dict[str, Any] = {}
        if unknown is not None:
            extra["maybe_absent"] = Unknown(
                f"{self.prefix}{address} exists only if its count/for_each ({unknown.reason}) is not 0"
            )
        return RawResource(
            address=full,
            local_address=address,
            type=resource_type,
            name=name,
            mode="managed" if block.type == "resource" else "data",
            values=values,
            refs=body_refs(block.body),
            file=declared.file.display,
            line=block.line,
            module=self.scope,
            root=root,
            emit=emit,
            extra=extra,
        )


class ModuleRegistry:
    """The modules of a set by resolved directory; others (a local child module outside the set) are
    parsed on first use, quietly: their own errors belong to whoever reads them as a set."""

    def __init__(self) -> None:
        self._modules: dict[Path, HclModule | None] = {}

    def add(self, module: HclModule) -> None:
        """Register a module read as part of the set."""
        self._modules[module.directory.resolve()] = module

    def get(self, directory: Path) -> HclModule | None:
        """The module in ``directory`` (None when it has no readable .tf files)."""
        key = directory.resolve()
        if key not in self._modules:
            self._modules[key] = _load_quietly(key)
        return self._modules[key]


def _load_quietly(directory: Path) -> HclModule | None:
    from sesguard.sources.terraform.hcl_reader import HclParseError, parse_file

    if not directory.is_dir():
        return None
    files: list[HclFile] = []
    for path in sorted(directory.glob("*.tf")):
        try:
            files.append(parse_file(path, str(path)))
        except HclParseError:
            continue
    return HclModule(directory, files) if files else None


def expression_refs(expr: Tree[Token]) -> set[str]:
    """The resource addresses an expression mentions."""
    found = {resource_address(ref.parts) for ref in references(expr)}
    return {a for a in found if a is not None}


def body_refs(body: Body) -> dict[str, frozenset[str]]:
    """Per top-level argument or nested block type: the resource addresses it mentions."""
    refs: dict[str, set[str]] = {}
    for name, attr in body.attributes.items():
        refs.setdefault(name, set()).update(expression_refs(attr.expr))
    for block in body.blocks:
        key = block.labels[0] if block.type == "dynamic" and block.labels else block.type
        for inner in body_refs(block.body).values():
            refs.setdefault(key, set()).update(inner)
    return {k: frozenset(v) for k, v in refs.items()}
