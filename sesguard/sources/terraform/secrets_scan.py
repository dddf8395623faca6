"""SES-IAM-009 / SES-IAM-010 facts of HCL modules: secret exposures and literal credentials.

An exposure is a reference to ``aws_iam_access_key.x.secret`` / ``.ses_smtp_password_v4`` /
``.ses_smtp_password`` (or the whole key object), directly or through locals, that reaches an
``output`` without ``sensitive = true`` (``nonsensitive(...)`` is named as such), or any resource
argument, tag or module input other than a secret store (Secrets Manager secret versions, SSM
``SecureString`` parameters). Module inputs are reported because sesguard does not follow a module
to see whether it stores the value safely.
Literal credentials are looked for in every string of every block (fields named by their path, a
variable default by the variable's name) and, for access key IDs, in the raw text (comments too).
Only masked forms are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, Final

from lark import Token, Tree

from sesguard.model import Unknown, is_unknown
from sesguard.secrets import ACCESS_KEY_ID, find_literal_credentials, pair_name
from sesguard.sources.terraform.expressions import Evaluator, Reference, references
from sesguard.sources.terraform.hcl_reader import Block, Body, HclFile
from sesguard.sources.terraform.module import META_ARGUMENTS, Declared, HclModule, ModuleRegistry
from sesguard.sources.terraform.syntax import heredoc_body, node_line, split_template, string_parts, subtrees

SECRET_ATTRIBUTES: Final = frozenset({"secret", "ses_smtp_password_v4", "ses_smtp_password"})
# (resource type, argument) pairs that are secret stores
SECRET_STORES: Final = frozenset(
    {
        ("aws_secretsmanager_secret_version", "secret_string"),
        ("aws_secretsmanager_secret_version", "secret_binary"),
        ("aws_secretsmanager_secret_version", "secret_string_wo"),
        ("aws_ssm_parameter", "value"),
        ("aws_ssm_parameter", "value_wo"),
    }
)
_MAX_JSON_LITERAL: Final = 1_000_000  # characters of a literal read as JSON for named values
_MODULE_META: Final = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})


def secret_reference(parts: tuple[str, ...], iterated: bool = False) -> str | None:
    """The secret a reference takes (``aws_iam_access_key.x.secret``), or None."""
    if len(parts) >= 2 and parts[0] == "aws_iam_access_key":
        if len(parts) == 2:
            return None if iterated else f"aws_iam_access_key.{parts[1]} (the whole key, secret included)"
        if parts[2] in SECRET_ATTRIBUTES:
            return ".".join(parts[:3])
    return None


def is_secret_store(resource_type: str, argument: str, store_type: Any) -> bool:
    """True when (type, argument) keeps a value secret (an SSM parameter only as ``SecureString``)."""
    if (resource_type, argument) not in SECRET_STORES:
        return False
    return resource_type != "aws_ssm_parameter" or store_type == "SecureString"


_MAX_MODULE_DEPTH: Final = 5


class _Secrets:
    """Which references of one module carry a secret: access-key secrets, locals holding them, inputs
    known to hold one (``secret_vars``) and outputs of local child modules that return one."""

    def __init__(self, module: HclModule, modules: ModuleRegistry, secret_vars: dict[str, str],
                 include_direct: bool = True, depth: int = 0) -> None:
        self.module = module
        self.modules = modules
        self.secret_vars = dict(secret_vars)
        self.include_direct = include_direct
        self.depth = depth
        self.locals: dict[str, str] = {}
        changed = True
        while changed:
            changed = False
            for name, (attr, _file, _line) in module.locals.items():
                if name in self.locals:
                    continue
                found = self.find(references(attr.expr))
                if found:
                    self.locals[name] = found[0][0]
                    changed = True

    def find(self, refs: list[Reference]) -> list[tuple[str, bool]]:
        """(what secret, through nonsensitive()) for each secret-bearing reference."""
        result: list[tuple[str, bool]] = []
        for ref in refs:
            parts = ref.parts
            direct = secret_reference(parts, ref.iterated) if self.include_direct else None
            if direct is None and len(parts) >= 2 and parts[0] == "local" and parts[1] in self.locals:
                direct = f"{self.locals[parts[1]]} via local.{parts[1]}"
            if direct is None and len(parts) >= 2 and parts[0] == "var" and parts[1] in self.secret_vars:
                direct = self.secret_vars[parts[1]]
            if direct is None and len(parts) >= 3 and parts[0] == "module":
                inner = self.module_output(parts[1], parts[2])
                if inner is not None:
                    direct = f"{inner} via module.{parts[1]}.{parts[2]}"
            if direct is not None:
                result.append((direct, ref.unwrapped))
        return result

    def call(self, name: str) -> Declared | None:
        """The ``module "name"`` block of this module."""
        return next((d for d in self.module.others if d.block.type == "module" and d.block.labels[:1] == (name,)),
                    None)

    def child(self, name: str) -> HclModule | None:
        """The module a local ``source`` (``./x``, ``../x``) names, when it is part of the set."""
        declared = self.call(name)
        if declared is None or self.depth >= _MAX_MODULE_DEPTH or "source" not in declared.block.body.attributes:
            return None
        source = self.module.evaluator().eval(declared.block.body.attributes["source"].expr)
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            return None
        return self.modules.get(self.module.directory / source)

    def call_secret_vars(self, name: str) -> dict[str, str]:
        """The inputs of a module call that take a secret, with what they take."""
        declared = self.call(name)
        if declared is None:
            return {}
        inputs: dict[str, str] = {}
        for arg, attr in declared.block.body.attributes.items():
            if arg in _MODULE_META:
                continue
            hits = self.find(references(attr.expr))
            if hits:
                inputs[arg] = hits[0][0]
        return inputs

    def module_output(self, name: str, output: str) -> str | None:
        """What secret a local child module's output returns, if any."""
        child = self.child(name)
        if child is None or output not in child.outputs:
            return None
        value = child.outputs[output].block.body.attributes.get("value")
        if value is None:
            return None
        inner = _Secrets(child, self.modules, self.call_secret_vars(name), True, self.depth + 1)
        hits = inner.find(references(value.expr))
        return hits[0][0] if hits else None


def secret_exposures(module: HclModule, only_file: HclFile | None = None,
                     modules: ModuleRegistry | None = None) -> list[dict[str, Any]]:
    """Where a secret access key / SMTP password of this module is exposed.

    ``modules`` (directory → module) lets local child modules be followed: a secret passed into one is
    traced to where the child puts it, and a child output returning one is a secret in the caller.
    """
    registry = modules if modules is not None else ModuleRegistry()
    secrets = _Secrets(module, registry, {})

    def wanted(hcl: HclFile) -> bool:
        return only_file is None or hcl.path == only_file.path

    found: list[dict[str, Any]] = []
    for name, declared in module.outputs.items():
        value = declared.block.body.attributes.get("value")
        if value is None or not wanted(declared.file):
            continue
        hits = secrets.find(references(value.expr))
        if not hits:
            continue
        sensitive_attr = declared.block.body.attributes.get("sensitive")
        sensitive = module.evaluator().eval(sensitive_attr.expr) if sensitive_attr else False
        if sensitive is True:
            continue
        what, unwrapped = hits[0]
        how = "unwrapped with nonsensitive()" if unwrapped else "without sensitive = true"
        if is_unknown(sensitive):
            how = "and its sensitive flag could not be resolved"
        found.append(
            _exposure(
                f"output.{name}", f"output {name} takes {what} {how}", declared.file, declared.block.line
            )
        )
    found.extend(_resource_exposures(secrets, wanted, ""))
    return found


def _resource_exposures(secrets: _Secrets, wanted: Callable[[HclFile], bool], prefix: str) -> list[dict[str, Any]]:
    """Exposures in resource arguments and module inputs (following local child modules)."""
    module = secrets.module
    found: list[dict[str, Any]] = []
    for address, declared in module.resources.items():
        if not wanted(declared.file):
            continue
        resource_type = declared.block.labels[0]
        store_type: Any = None
        if resource_type == "aws_ssm_parameter" and "type" in declared.block.body.attributes:
            store_type = module.attribute(address, "type")
        for path, line, refs in _argument_refs(declared.block.body, ""):
            top = path.split(".", 1)[0]
            if top in META_ARGUMENTS or is_secret_store(resource_type, top, store_type):
                continue
            for what, _ in secrets.find(refs)[:1]:
                where = f"{prefix}{address}.{path}"
                place = "a tag" if top in ("tags", "tags_all") else f"argument {path}"
                detail = f"{place} of {prefix}{address} takes {what}; only a secret store may hold it"
                if (resource_type, top) in SECRET_STORES:
                    detail = f"{prefix}{address} is not a SecureString parameter but takes {what}"
                found.append(_exposure(where, detail, declared.file, line))
    for other in module.others:
        block = other.block
        if block.type != "module" or not block.labels or not wanted(other.file):
            continue
        name = block.labels[0]
        inputs = secrets.call_secret_vars(name)
        if not inputs:
            continue
        child = secrets.child(name)
        if child is not None:
            inner = _Secrets(child, secrets.modules, {k: f"{v} (passed in as var.{k})" for k, v in inputs.items()},
                             include_direct=False, depth=secrets.depth + 1)
            found.extend(_resource_exposures(inner, lambda _hcl: True, f"{prefix}module.{name}."))
            continue
        for arg, what in inputs.items():
            found.append(
                _exposure(
                    f"{prefix}module.{name}.{arg}",
                    f"{what} is passed to module {name}, which sesguard does not follow "
                    "to see whether it is kept in a secret store",
                    other.file,
                    block.body.attributes[arg].line,
                )
            )
    return found


def _exposure(where: str, detail: str, hcl: HclFile, line: int) -> dict[str, Any]:
    return {"where": where, "detail": detail, "file": hcl.display, "line": line}


def _argument_refs(body: Body, prefix: str) -> Iterator[tuple[str, int, list[Reference]]]:
    for name, attr in body.attributes.items():
        yield f"{prefix}{name}", attr.line, references(attr.expr)
    for block in body.blocks:
        label = block.labels[0] if block.type == "dynamic" and block.labels else block.type
        yield from _argument_refs(block.body, f"{prefix}{label}.")


# --- literal credentials -----------------------------------------------------------------------


def literal_credentials(hcl: HclFile) -> list[dict[str, Any]]:
    """Literal credentials in one file (masked), structured fields first, then raw-text key IDs."""
    found: list[dict[str, Any]] = []
    seen_keys: set[str] = set()  # transient: raw key IDs already reported, never stored
    for block in hcl.body.blocks:
        for field, line, text in _block_strings(block):
            seen_keys.update(m.group(0) for m in ACCESS_KEY_ID.finditer(text))
            for cred in find_literal_credentials(field, text):
                found.append(_literal(cred.kind, cred.masked, cred.field, hcl, line))
    for name, attr in hcl.body.attributes.items():  # .tfvars files
        for field, line, text in _expr_strings(attr.expr, f"tfvars.{name}", attr.line):
            seen_keys.update(m.group(0) for m in ACCESS_KEY_ID.finditer(text))
            for cred in find_literal_credentials(field, text):
                found.append(_literal(cred.kind, cred.masked, cred.field, hcl, line))
    for number, text_line in enumerate(hcl.text.splitlines(), start=1):
        for match in ACCESS_KEY_ID.finditer(text_line):
            if match.group(0) in seen_keys:
                continue
            seen_keys.add(match.group(0))
            for cred in find_literal_credentials("text", match.group(0)):
                found.append(_literal(cred.kind, cred.masked, "text", hcl, number))
    return found


def _literal(kind: str, masked: str, field: str, hcl: HclFile, line: int) -> dict[str, Any]:
    return {"kind": kind, "masked": masked, "field": field, "file": hcl.display, "line": line}


def block_path(block: Block) -> str:
    """How fields of a block are named: ``aws_x.y``, ``data.aws_x.y``, ``provider.aws``, ``variable.v``."""
    if block.type == "resource":
        return ".".join(block.labels)
    if block.type == "locals":
        return "local"
    return ".".join((block.type, *block.labels))


def _block_strings(block: Block) -> Iterator[tuple[str, int, str]]:
    base = block_path(block)
    for name, attr in block.body.attributes.items():
        field = base if block.type == "variable" and name == "default" else f"{base}.{name}"
        yield from _expr_strings(attr.expr, field, attr.line)
    yield from _nested_strings(block.body, base)


def _nested_strings(body: Body, base: str) -> Iterator[tuple[str, int, str]]:
    for block in body.blocks:
        path = ".".join((base, block.type, *block.labels))
        attributes = block.body.attributes
        # ``setting { name = "SMTP_PASSWORD" value = "..." }``, ``tag { key = ... value = ... }``
        pair = pair_name({name: _literal_text(attr.expr) for name, attr in attributes.items()})
        for name, attr in attributes.items():
            shown = pair[1] if pair is not None and name == pair[0] else name
            yield from _expr_strings(attr.expr, f"{path}.{shown}", attr.line)
        yield from _nested_strings(block.body, path)


def _expr_strings(node: Tree[Token] | Token, field: str, line: int) -> Iterator[tuple[str, int, str]]:
    """(field, line, text) for every literal string piece in an expression."""
    if isinstance(node, Token):
        return
    if node.data == "string":
        parts = string_parts(node)
        inside = _json_strings(parts[0], field, node_line(node)) if len(parts) == 1 and isinstance(parts[0], str) else None
        if inside is not None:
            yield from inside
            return
        for part in parts:
            if isinstance(part, str):
                yield field, node_line(node), part
            else:
                yield from _expr_strings(part, field, line)
        return
    if node.data in ("heredoc_template", "heredoc_template_trim"):
        pieces = split_template(heredoc_body(str(node.children[0])))
        if len(pieces) == 1 and pieces[0].kind == "literal":  # a JSON document (container definitions)
            inside = _json_strings(pieces[0].text, field, node_line(node))
            if inside is not None:
                yield from inside
                return
        for piece in pieces:
            if piece.kind == "literal":
                yield field, node_line(node), piece.text
        return
    if node.data == "object":
        elems = [(subtrees(e), e) for e in subtrees(node) if e.data == "object_elem" and len(subtrees(e)) == 2]
        keyed = [(_static_key(parts[0]), parts[1], elem) for parts, elem in elems]
        pair = pair_name({k: _literal_text(v) for k, v, _ in keyed if k})
        for key, value, elem in keyed:
            name = pair[1] if pair is not None and key == pair[0] else key  # a value named by its sibling
            yield from _expr_strings(value, f"{field}.{name}" if name else field, node_line(elem))
        return
    for child in node.children:
        if isinstance(child, Tree):
            yield from _expr_strings(child, field, line)


def _json_strings(text: str, field: str, line: int) -> list[tuple[str, int, str]] | None:
    """The strings of a literal that is a JSON array or object, named by their keys (and a pair's
    value by its sibling's name, as in ECS ``environment``); None when it is not JSON."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")) or len(stripped) > _MAX_JSON_LITERAL:
        return None
    try:
        document = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    found: list[tuple[str, int, str]] = []
    stack: list[tuple[str, Any]] = [(field, document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            found.append((where, line, value))
        elif isinstance(value, list):
            stack.extend((where, item) for item in reversed(value))
        elif isinstance(value, dict):
            pair = pair_name({str(k): v if isinstance(v, str) else None for k, v in value.items()})
            for key, item in value.items():
                shown = pair[1] if pair is not None and key == pair[0] else str(key)
                stack.append((f"{where}.{shown}", item))
    return found


class _NoNames:
    """A resolver for literal-only evaluation (object keys): every name is Unknown, no branch is taken."""

    reading: None = None

    def resolve(self, root: str, steps: list[Any]) -> tuple[Any, int]:
        return Unknown(f"{root} is not resolved here"), len(steps)

    def read_file(self, path: str) -> str | Unknown:
        return Unknown("files are not read here")


def _literal_text(node: Tree[Token] | Token) -> str | None:
    """The text of a plain quoted string (no interpolation), else None. Read from the syntax tree, not
    evaluated: the scan must not evaluate expressions (a conditional would count as a branch)."""
    while isinstance(node, Tree) and node.data == "expr_term" and len(subtrees(node)) == 1 and len(node.children) == 1:
        node = subtrees(node)[0]
    if not isinstance(node, Tree) or node.data != "string":
        return None
    parts = string_parts(node)
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 and isinstance(parts[0], str) else None


def _static_key(key_node: Tree[Token]) -> str | None:
    key = Evaluator(_NoNames()).object_key(key_node)
    return key if isinstance(key, str) else None
