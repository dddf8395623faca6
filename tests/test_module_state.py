"""No module-level mutable state in sesguard: what a run knows lives on the run's objects.

The rule, checked on the source of every module (ast, nothing imported):

1. No ``global`` statement.
2. A name bound at module level (also inside a module-level ``if``/``try``/``with``) to a mutable
   container (a list, dict or set display or comprehension; ``dict()``, ``list()``, ``set()``,
   ``defaultdict``, ``OrderedDict``, ``Counter``, ``deque``, ``bytearray``, ``ChainMap``, the weak
   containers, ``dict.fromkeys``) is a constant: it is annotated ``Final`` (``__all__`` excepted: the
   interpreter's own protocol) and nothing in sesguard changes it. "Changes" is any of: assigning or
   deleting an item or attribute of it (``NAME[k] = v``, ``NAME[k].x = v``, ``del NAME[k]``), an
   augmented assignment (``NAME += ...``, ``NAME[k] += ...``), or a mutating method called on it or on
   something inside it (``NAME.append(...)``, ``NAME[k].add(...)``), in its own module, through
   ``from module import NAME [as other]``, or as ``module.NAME`` after ``import module``. Rebinding
   another module's attribute (``module.NAME = ...``) is a change too. Tuples, frozensets and
   ``MappingProxyType`` need none of this.
3. A name bound at module level to a stateful object (a lock, a ``ContextVar``, ``threading.local``,
   ``itertools.count``, ``random.Random``, a queue) is state: each one is listed below with why it
   must be process-wide, or is an offender.

What the check cannot see, it does not claim: an alias made inside a function (``x = NAME;
x.append(...)``) or an object handed to code outside sesguard that mutates it. Memoized functions
(``functools.cache`` / ``lru_cache``) are allowed: a cache of a pure, deterministic result (botocore's
service models, the shipped policies as cfn-lint rules, compiled patterns) changes no behaviour; the
audit of each one is in the commit that added this test (a cache whose value changes what a run does
would be state, and is not allowed).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_imports import SESGUARD, _source, module_files

MUTABLE_CALLS = frozenset(
    {
        "dict",
        "list",
        "set",
        "defaultdict",
        "OrderedDict",
        "Counter",
        "deque",
        "bytearray",
        "ChainMap",
        "WeakValueDictionary",
        "WeakKeyDictionary",
        "WeakSet",
        "fromkeys",  # dict.fromkeys(...)
    }
)
MUTABLE_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
STATEFUL_CALLS = frozenset(
    {
        "Lock",
        "RLock",
        "Semaphore",
        "BoundedSemaphore",
        "Event",
        "Condition",
        "local",
        "ContextVar",
        "count",
        "Random",
        "Queue",
        "SimpleQueue",
        "LifoQueue",
        "PriorityQueue",
    }
)
MUTATING_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "clear",
        "sort",
        "reverse",
        "add",
        "discard",
        "update",
        "setdefault",
        "popitem",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        "appendleft",
        "extendleft",
        "popleft",
        "rotate",
        "__setitem__",
        "__delitem__",
    }
)

PROCESS_WIDE = {
    "sesguard.local.moto_bridge._SERVING": (
        "moto keeps every backend and setting in process globals (not sesguard's to change): this lock "
        "is the claim that one local endpoint at a time serves them"
    ),
}
"""Stateful module-level objects that must be process-wide, with the reason."""

NOT_YET_FIXED: dict[str, str] = {}
"""Known offenders left for their owner; each must still be one (a test fails once it is fixed, so the
entry is removed). The change check (rule 2) still applies to them."""


@dataclass(frozen=True)
class Binding:
    """A module-level name bound to something mutable."""

    module: str
    name: str
    line: int
    kind: str  # "container" or "stateful"
    final: bool

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


def _called_name(node: ast.expr) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Subscript):  # ContextVar[int](...), defaultdict[str, int](...)
        func = func.value
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _kind(value: ast.expr) -> str | None:
    if isinstance(value, MUTABLE_DISPLAYS):
        return "container"
    called = _called_name(value)
    if called in MUTABLE_CALLS:
        return "container"
    if called in STATEFUL_CALLS:
        return "stateful"
    return None


def _is_final(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):  # "Final[...]"
        return annotation.value.split("[")[0].rpartition(".")[2] == "Final"
    name = annotation.id if isinstance(annotation, ast.Name) else getattr(annotation, "attr", None)
    return name == "Final"


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run at import: the module's own, and those of its ``if``/``try``/``with``."""
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.With):
            yield from _module_level([*node.body, *getattr(node, "orelse", [])])
        elif isinstance(node, ast.Try):
            yield from _module_level([*node.body, *node.orelse, *node.finalbody])
            for handler in node.handlers:
                yield from _module_level(handler.body)


def bindings(module: str, tree: ast.Module) -> list[Binding]:
    """The module-level names of ``tree`` bound to mutable containers or stateful objects."""
    found = []
    for node in _module_level(tree.body):
        if isinstance(node, ast.Assign):
            targets, value, annotation = node.targets, node.value, None
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value, annotation = [node.target], node.value, node.annotation
        else:
            continue
        kind = _kind(value)
        if kind is None:
            continue
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    found.append(Binding(module, name.id, node.lineno, kind, _is_final(annotation)))
    return found


def globals_statements(module: str, tree: ast.Module) -> list[str]:
    """``global`` statements, as ``module:line: global a, b``."""
    return [
        f"{module}:{node.lineno}: global {', '.join(node.names)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Global)
    ]


def _chain(node: ast.expr) -> tuple[str, list[str | None]] | None:
    """``a.b[k].c(x)`` -> ("a", ["b", None, "c", None]): the name it starts from, then each attribute
    (None for an item or a call); None when it does not start from a name."""
    ops: list[str | None] = []
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.Attribute):
            ops.insert(0, node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            ops.insert(0, None)
            node = node.value
        elif isinstance(node, ast.Call):
            ops.insert(0, None)
            node = node.func
        else:
            return None
    return node.id, ops


def _target_of(
    node: ast.expr, local: dict[str, str], module_names: dict[str, str], modules: dict[str, Path]
) -> tuple[str, bool] | None:
    """The qualified module-level name that changing ``node`` changes, and whether ``node`` is that
    name itself (``module.NAME``: assigning it rebinds another module's name)."""
    chain = _chain(node)
    if chain is None:
        return None
    first, ops = chain
    if first in local:
        return local[first], False
    if first not in module_names:
        return None
    qualified = module_names[first]
    while ops and ops[0] is not None and f"{qualified}.{ops[0]}" in modules:  # package.module
        qualified = f"{qualified}.{ops.pop(0)}"
    if not ops or ops[0] is None:
        return None
    return f"{qualified}.{ops[0]}", len(ops) == 1


def _names(
    module: str, path: Path, tree: ast.Module, modules: dict[str, Path]
) -> tuple[dict[str, str], dict[str, str]]:
    """(local name -> qualified name imported with ``from m import name``, local name -> module imported)."""
    names: dict[str, str] = {}
    imported_modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _source(module, path, node)
            for alias in node.names:
                full = f"{source}.{alias.name}"
                (imported_modules if full in modules else names)[alias.asname or alias.name] = full
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in {m.split(".")[0] for m in modules}:
                    local_name = alias.asname or alias.name.split(".")[0]
                    imported_modules[local_name] = alias.name if alias.asname else local_name
    return names, imported_modules


def parsed(package: Path) -> dict[str, tuple[Path, ast.Module]]:
    """Every module of ``package`` by dotted name, with its file and syntax tree."""
    return {
        name: (path, ast.parse(path.read_text(encoding="utf-8")))
        for name, path in module_files(package).items()
    }


def changes(trees: dict[str, tuple[Path, ast.Module]]) -> list[tuple[str, str, bool]]:
    """(qualified name changed, where and how: ``module:line: ...``, whether it rebinds another module's
    name) for every change of a module-level name of the package by any of its modules (rule 2)."""
    modules = {name: path for name, (path, _) in trees.items()}
    found = []
    for module, (path, tree) in trees.items():
        own = {b.name: f"{module}.{b.name}" for b in bindings(module, tree)}
        imported, module_names = _names(module, path, tree, modules)
        local = {**imported, **own}
        shadowed = _function_locals(tree)
        for node, scope in _with_scopes(tree):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
                targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                changed = [t for each in targets for t in _unpacked(each)]
                if not isinstance(node, ast.AugAssign):  # binding a name is not changing its value
                    changed = [t for t in changed if not isinstance(t, ast.Name)]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                changed = [node.func.value] if node.func.attr in MUTATING_METHODS else []
            else:
                continue
            for each in changed:
                chain = _chain(each)
                if chain is None or chain[0] in shadowed.get(id(scope), ()):
                    continue
                hit = _target_of(each, local, module_names, modules)
                if hit is not None:
                    found.append((hit[0], f"{module}:{node.lineno}: {ast.unparse(node)[:80]}", hit[1]))
    return found


def _unpacked(target: ast.expr) -> Iterator[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _unpacked(element)
    elif isinstance(target, ast.Starred):
        yield from _unpacked(target.value)
    else:
        yield target


def _with_scopes(tree: ast.Module) -> Iterator[tuple[ast.AST, ast.AST]]:
    """Every node with the function (or the module) it is in."""

    def walk(node: ast.AST, scope: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) else scope
            yield child, inner
            yield from walk(child, inner)

    return walk(tree, tree)


def _function_locals(tree: ast.Module) -> dict[int, set[str]]:
    """Per function (by ``id``), the names it binds itself (parameters, assignments, loops, ``with``,
    comprehensions, imports): those shadow a module-level name of the same spelling."""
    found: dict[int, set[str]] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        arguments = function.args
        names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
        names |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
        for node, scope in _with_scopes(function):  # type: ignore[arg-type]
            if scope is not function and not isinstance(node, ast.comprehension):
                continue
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[0])
            elif isinstance(node, ast.comprehension):
                names |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        found[id(function)] = names
    return found


def offenders(package: Path) -> list[str]:
    """Every breach of the rule in ``package``, one line each (``module:line: what``)."""
    trees = parsed(package)
    lines = []
    every: dict[str, Binding] = {}
    for module, (_, tree) in trees.items():
        lines.extend(globals_statements(module, tree))
        for binding in bindings(module, tree):
            every[binding.qualified] = binding
            where = f"{binding.module}:{binding.line}: {binding.name}"
            if binding.kind == "stateful":
                lines.append(f"{where}: a stateful object at module level")
            elif not binding.final and binding.name != "__all__":
                lines.append(
                    f"{where}: a mutable container not annotated Final (or make it a tuple/frozenset)"
                )
    for name, how, rebinds in changes(trees):
        if name in every or rebinds:
            lines.append(f"{how}: changes the module-level {name}")
    return sorted(lines)


def _known(line: str, known: dict[str, str]) -> bool:
    module, _, rest = line.partition(":")
    name = rest.split(": ")[1] if ": " in rest else ""
    return f"{module}.{name}" in known and "changes the module-level" not in line


@pytest.fixture(scope="module")
def sesguard_offenders() -> list[str]:
    return offenders(SESGUARD)


def test_sesguard_has_no_module_level_mutable_state(sesguard_offenders: list[str]) -> None:
    found = sesguard_offenders
    left = [line for line in found if not _known(line, {**PROCESS_WIDE, **NOT_YET_FIXED})]
    assert not left, "module-level state:\n" + "\n".join(left)


def test_every_listed_exception_is_still_one(sesguard_offenders: list[str]) -> None:
    """An entry of PROCESS_WIDE or NOT_YET_FIXED that no longer names an offender is removed."""
    found = sesguard_offenders
    for name in [*PROCESS_WIDE, *NOT_YET_FIXED]:
        module, _, attribute = name.rpartition(".")
        assert any(line.startswith(f"{module}:") and f": {attribute}: " in line for line in found), name


def test_the_constants_really_were_read() -> None:  # the check saw sesguard's tables, and their uses
    every = {b.qualified: b for module, (_, tree) in parsed(SESGUARD).items() for b in bindings(module, tree)}
    assert every["sesguard.sources.SOURCES"].final and every["sesguard.conditions.OPERATORS"].final
    assert len(every) > 50


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A package with every kind of offender, and the constants and look-alikes that are not."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("__all__ = ['a']\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "from collections import defaultdict\n"
        "from typing import Final\n"
        "import threading\n"
        "SEEN = set()\n"  # line 4: not Final (and changed below)
        "TABLE: Final = {'x': [1]}\n"  # a Final table whose inner list is changed elsewhere
        "CONST: Final = {'y': 1}\n"  # a constant: never changed
        "FROZEN = frozenset({1})\n"
        "BY_KEY: Final = defaultdict(list)\n"
        "LOCK = threading.Lock()\n"  # line 9: stateful
        "try:\n"
        "    CACHE: Final = {}\n"
        "except ImportError:\n"
        "    pass\n"
        "def note(x):\n"
        "    SEEN.add(x)\n"
        "def shadow(CONST):\n"
        "    CONST['y'] = 2\n"  # a parameter named like the constant: not the constant
        "def count():\n"
        "    global COUNTER\n"
        "    COUNTER = 1\n"
    )
    (package / "sub" / "b.py").write_text(
        "from ..a import TABLE as T, CACHE\n"
        "from pkg import a\n"
        "import pkg.a\n"
        "def f(v):\n"
        "    T['x'].append(v)\n"
        "    CACHE[v] = 1\n"
        "    a.BY_KEY[v].append(1)\n"
        "    pkg.a.CONST = {}\n"
        "    local = {}\n"
        "    local['z'] = 1\n"
    )
    return package


def test_the_check_finds_planted_offenders(planted: Path) -> None:
    found = offenders(planted)
    text = "\n".join(found)
    assert "pkg.a:4: SEEN: a mutable container not annotated Final" in text
    assert "pkg.a:15: SEEN.add(x): changes the module-level pkg.a.SEEN" in text
    assert "pkg.a:9: LOCK: a stateful object at module level" in text
    assert "pkg.a:19: global COUNTER" in text
    assert "pkg.sub.b:5: T['x'].append(v): changes the module-level pkg.a.TABLE" in text
    assert "pkg.sub.b:6: CACHE[v] = 1: changes the module-level pkg.a.CACHE" in text
    assert "pkg.sub.b:7: a.BY_KEY[v].append(1): changes the module-level pkg.a.BY_KEY" in text
    assert "pkg.sub.b:8: pkg.a.CONST = {}: changes the module-level pkg.a.CONST" in text
    assert len(found) == 8, text  # nothing else: not FROZEN, __all__, the shadowing parameter, local


def test_a_constant_table_passes(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "from typing import Final\nNAMES: Final = {'a': 1}\ndef get(k):\n    return NAMES.get(k, dict(NAMES))\n"
    )
    assert offenders(package) == []
