"""One Terraform module (a directory of ``.tf`` files): its blocks, name resolution, and raw resources.

References resolve within the module: ``var.x`` (``terraform.tfvars`` / ``*.auto.tfvars`` first,
then the default; none = Unknown), ``local.x``, ``aws_x.y.attr`` (arguments, then the attributes of
:mod:`.attributes`), ``data.x.y.attr``. Module outputs, ``count.index`` and ``each.*`` are Unknown.
A resource whose ``count`` is 0 (or ``for_each`` is empty) with the known values is not created, so
it is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from lark import Token, Tree

from sesguard.model import Unknown, is_unknown
from sesguard.sources.terraform.attributes import computed_attribute, data_attribute
from sesguard.sources.terraform.expressions import EvalError, Evaluator, Step, references, resource_address
from sesguard.sources.terraform.hcl_reader import Block, Body, HclFile
from sesguard.sources.terraform.iam_documents import policy_document_from_data
from sesguard.sources.terraform.raw import RawResource
from sesguard.sources.terraform.values import JsonText

META_ARGUMENTS: Final = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
_MAX_FILE_BYTES: Final = 1_000_000


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
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict)
    _busy: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        for hcl in self.files:
            for block in hcl.body.blocks:
                self._index(block, hcl)

    def _index(self, block: Block, hcl: HclFile) -> None:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            address = ".".join(block.labels) if block.type == "resource" else "data." + ".".join(block.labels)
            self._add(self.resources, address, block, hcl)
        elif block.type == "variable" and block.labels:
            self._add(self.variables, block.labels[0], block, hcl)
        elif block.type == "output" and block.labels:
            self._add(self.outputs, block.labels[0], block, hcl)
        elif block.type == "locals":
            for name, attr in block.body.attributes.items():
                if name in self.locals:
                    self.duplicates.append((f"local.{name}", hcl, attr.line))
                else:
                    self.locals[name] = (attr, hcl, attr.line)
        else:
            self.others.append(Declared(block, hcl))

    def _add(self, table: dict[str, Declared], key: str, block: Block, hcl: HclFile) -> None:
        if key in table:
            self.duplicates.append((key, hcl, block.line))
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
            return Unknown(f"module.{first} outputs are not followed"), min(2, len(steps))
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
        if rest and rest[0][0] == "index":
            used += 1
            rest = rest[1:]
        elif rest and rest[0][0] == "splat":
            if len(rest) < 2 or rest[1][0] != "attr":
                return Unknown(f"{address}[*] as a whole is not evaluated"), len(steps)
            count = self.instance_count(declared.block)
            value = self.attribute(address, str(rest[1][1]))
            if count is None:
                return [value], used + 2
            if isinstance(count, int):
                return [value] * count, used + 2
            return count, used + 2
        if rest and rest[0][0] == "attr":
            return self.attribute(address, str(rest[0][1])), used + 1
        return Unknown(f"{address} as a whole object is not evaluated"), len(steps)

    def read_file(self, path: str) -> str | Unknown:
        """Text of a file named by ``file()`` (relative paths are taken from the module directory)."""
        target = Path(path)
        if not target.is_absolute():
            target = self.directory / target
        try:
            if target.stat().st_size > _MAX_FILE_BYTES:
                return Unknown(f"file {path} is too large to read")
            return target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return Unknown(f"file {path} could not be read")

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
            return Unknown(f"var.{name} has no default")
        return self._guarded(("var", name), lambda: self.evaluator().eval(default.expr))

    def local(self, name: str) -> Any:
        """A local value."""
        entry = self.locals.get(name)
        if entry is None:
            return EvalError(f"local.{name} is not declared")
        return self._guarded(("local", name), lambda: self.evaluator().eval(entry[0].expr))

    def attribute(self, address: str, attr: str) -> Any:
        """One attribute of a resource or data source of this module."""
        declared = self.resources.get(address)
        if declared is None:
            return EvalError(f"{address} is not declared in this module")
        return self._guarded((address, attr), lambda: self._attribute(address, declared.block, attr))

    def _attribute(self, address: str, block: Block, attr: str) -> Any:
        body = block.body
        if attr in body.attributes:
            return self.evaluator().eval(body.attributes[attr].expr)
        nested = self.body_values(Body({}, body.blocks), self.evaluator())
        if attr in nested:
            return nested[attr]
        resource_type = block.labels[0]
        if block.type == "data":
            if resource_type == "aws_iam_policy_document" and attr in ("json", "minified_json"):
                values = self.body_values(body, self.evaluator())
                document = policy_document_from_data(values)
                return document if is_unknown(document) else JsonText(document)
            return data_attribute(resource_type, address, attr, lambda a: self._argument(address, a))
        return computed_attribute(resource_type, address, attr, lambda a: self._argument(address, a))

    def _argument(self, address: str, attr: str) -> Any:
        declared = self.resources[address]
        if attr not in declared.block.body.attributes:
            return None
        return self.attribute(address, attr)

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

    def instance_count(self, block: Block) -> int | Unknown | None:
        """How many instances ``count`` / ``for_each`` create (None: neither is set)."""
        attrs = block.body.attributes
        if "count" in attrs:
            value = self.evaluator().eval(attrs["count"].expr)
            if isinstance(value, bool) or not isinstance(value, int | float):
                return value if is_unknown(value) else Unknown("count is not a number")
            return int(value)
        if "for_each" in attrs:
            value = self.evaluator().eval(attrs["for_each"].expr)
            if isinstance(value, dict | list):
                return len(value)
            return value if is_unknown(value) else Unknown("for_each is not a collection")
        return None

    # --- raw resources -------------------------------------------------------------------------

    def raw_resources(self, only_file: Path | None = None) -> list[RawResource]:
        """Every resource and data source that exists with the known values, evaluated."""
        result: list[RawResource] = []
        for address, declared in self.resources.items():
            block = declared.block
            count = self.instance_count(block)
            if count == 0:
                continue
            ev = self.evaluator()
            values = {name: self.attribute(address, name) for name in block.body.attributes}
            for key, nested in self.body_values(Body({}, block.body.blocks), ev).items():
                values[key] = nested
            resource_type, name = block.labels
            for computed in ("id", "arn"):
                if computed not in values:
                    value = self.attribute(address, computed)
                    if not isinstance(value, EvalError):
                        values[computed] = value
            result.append(
                RawResource(
                    address=address,
                    local_address=address,
                    type=resource_type,
                    name=name,
                    mode="managed" if block.type == "resource" else "data",
                    values=values,
                    refs=body_refs(block.body),
                    file=declared.file.display,
                    line=block.line,
                    module=str(self.directory),
                    emit=only_file is None or declared.file.path == only_file,
                    extra=(
                        {
                            "maybe_absent": Unknown(
                                f"{address} exists only if its count/for_each ({count.reason}) is not 0"
                            )
                        }
                        if isinstance(count, Unknown)
                        else {}
                    ),
                )
            )
        return result


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
