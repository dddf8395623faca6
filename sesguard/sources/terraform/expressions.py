"""Evaluating HCL expression trees to values, and listing the references an expression makes.

The evaluator resolves what can be resolved statically (literals, templates, operators, ``for``
expressions, conditionals on known values, a few functions); names (``var.x``, ``local.x``,
``aws_x.y.attr``) are delegated to a :class:`Resolver`. Anything else becomes an ``Unknown`` that
says why: never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from lark import Token, Tree

from sesguard.model import Unknown, is_unknown
from sesguard.sources.terraform.branches import Reading, assigned_branch, note_unknown_condition
from sesguard.sources.terraform.functions import call
from sesguard.sources.terraform.hcl_reader import parse_expression
from sesguard.sources.terraform.syntax import (
    children,
    heredoc_body,
    split_template,
    string_parts,
    subtrees,
)
from sesguard.sources.terraform.values import EvalError, JsonText, ObjectValue, to_text
from sesguard.symbolic import symbolic

Step = tuple[str, Any]  # ("attr", name) | ("index", value) | ("splat", None)

_TRAVERSALS = ("get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term")
_MAX_DEPTH = 64


class Resolver(Protocol):
    """Resolves the names an expression starts with (``var``, ``local``, resource types, ...)."""

    @property
    def reading(self) -> Reading | None:
        """The branch-wise reading in progress (:mod:`.branches`), or None: unknown conditions stay Unknown."""
        ...

    def resolve(self, root: str, steps: list[Step]) -> tuple[Any, int]:
        """The value of ``root`` followed by some of ``steps``, and how many steps it consumed."""
        ...

    def read_file(self, path: str) -> str | Unknown:
        """The text of a file named by ``file()`` / ``templatefile()``."""
        ...


class Evaluator:
    """Evaluates expression trees with a resolver for names and an environment of local names."""

    def __init__(self, resolver: Resolver, env: dict[str, Any] | None = None, depth: int = 0) -> None:
        self.resolver = resolver
        self.env: dict[str, Any] = env or {}
        self.depth = depth

    def child(self, extra: dict[str, Any]) -> Evaluator:
        """An evaluator with more local names (``for`` variables, dynamic-block iterators)."""
        return Evaluator(self.resolver, {**self.env, **extra}, self.depth + 1)

    def eval(self, node: Tree[Token] | Token) -> Any:
        """The value of an expression node."""
        if self.depth > _MAX_DEPTH:
            return Unknown("expression nested too deeply")
        if isinstance(node, Token):
            return Unknown(f"unexpected token {node.type}")
        handler = getattr(self, f"_eval_{node.data}", None)
        if handler is None:
            if node.data in _TRAVERSALS:
                return self._traversal(node)
            return Unknown(f"{node.data} expressions are not evaluated")
        value: Any = handler(node)
        return value

    # --- terms -------------------------------------------------------------------------------

    def _eval_expr_term(self, node: Tree[Token]) -> Any:
        inner = subtrees(node)
        if len(inner) != 1:
            return Unknown("unexpected expression form")
        return self.eval(inner[0])

    def _eval_int_lit(self, node: Tree[Token]) -> Any:
        return int(str(node.children[0]))

    def _eval_float_lit(self, node: Tree[Token]) -> Any:
        return float(str(node.children[0]))

    def _eval_literal_value(self, node: Tree[Token]) -> Any:
        word = str(node.children[0])
        return {"true": True, "false": False, "null": None}.get(word, Unknown(f"literal {word}"))

    def _eval_identifier(self, node: Tree[Token]) -> Any:
        return self._resolve_root(str(node.children[0]), [])

    def _eval_string(self, node: Tree[Token]) -> Any:
        pieces: list[Any] = []
        for part in string_parts(node):
            if isinstance(part, str):
                pieces.append(part)
            elif part.data == "interpolation":
                pieces.append(self._interpolation(part))
            else:
                pieces.append(Unknown("template directives (%{...}) are not evaluated"))
        return _join_template(pieces)

    def _eval_template_string(self, node: Tree[Token]) -> Any:
        return Unknown("template directives (%{...}) are not evaluated")

    def _eval_interpolation(self, node: Tree[Token]) -> Any:
        return self._interpolation(node)

    def _interpolation(self, node: Tree[Token]) -> Any:
        inner = subtrees(node)
        return self.eval(inner[0]) if inner else Unknown("empty interpolation")

    def _eval_heredoc_template(self, node: Tree[Token]) -> Any:
        return self.template(heredoc_body(str(node.children[0])))

    _eval_heredoc_template_trim = _eval_heredoc_template

    def template(self, text: str) -> Any:
        """The value of template text (heredoc bodies, ``templatefile`` contents)."""
        pieces: list[Any] = []
        for piece in split_template(text):
            if piece.kind == "literal":
                pieces.append(piece.text)
            elif piece.kind == "directive":
                pieces.append(Unknown("template directives (%{...}) are not evaluated"))
            else:
                expr = parse_expression(piece.text)
                pieces.append(
                    self.eval(expr) if expr is not None else Unknown("an interpolation does not parse")
                )
        return _join_template(pieces)

    def _eval_tuple(self, node: Tree[Token]) -> Any:
        return [self.eval(c) for c in subtrees(node)]

    def _eval_object(self, node: Tree[Token]) -> Any:
        result: dict[str, Any] = {}
        for elem in subtrees(node):
            if elem.data != "object_elem":
                continue
            parts = subtrees(elem)
            if len(parts) != 2:
                continue
            key = self.object_key(parts[0])
            if is_unknown(key):
                return Unknown("an object key could not be resolved")
            result[str(key)] = self.eval(parts[1])
        return result

    def object_key(self, key_node: Tree[Token]) -> Any:
        """The key of an object element: a bare name is a string, anything else is evaluated."""
        inner = next(children(key_node), None)
        if isinstance(inner, Token):
            return str(inner)
        if inner is None:
            return Unknown("empty object key")
        if inner.data == "keyword":
            return str(inner.children[0])
        if inner.data == "expr_term":
            terms = subtrees(inner)
            if len(terms) == 1 and terms[0].data in ("identifier", "keyword"):
                return str(terms[0].children[0])
            if len(terms) == 1 and terms[0].data == "literal_value":
                return str(terms[0].children[0])
        return to_text(self.eval(inner))

    # --- operators ---------------------------------------------------------------------------

    def _eval_conditional(self, node: Tree[Token]) -> Any:
        cond, then, other = subtrees(node)[:3]
        test = self.eval(cond)
        if isinstance(test, bool):
            return self.eval(then if test else other)
        unknown_condition = is_unknown(test) and not isinstance(test, EvalError)
        if unknown_condition:
            branch = assigned_branch(self.resolver.reading, self.resolver, cond)  # a branch-wise reading (branches.py)
            if branch is not None:
                return self.eval(then if branch else other)
        first, second = self.eval(then), self.eval(other)
        if not is_unknown(first) and first == second:
            return first
        if unknown_condition and not (is_unknown(first) and is_unknown(second)):
            note_unknown_condition(self.resolver.reading, self.resolver, cond)
        return test if is_unknown(test) else EvalError("condition is not a bool")

    def _eval_unary_op(self, node: Tree[Token]) -> Any:
        op = str(node.children[0])
        value = self.eval(subtrees(node)[0])
        if is_unknown(value):
            return value
        if op == "!" and isinstance(value, bool):
            return not value
        if op == "-" and isinstance(value, int | float) and not isinstance(value, bool):
            return -value
        return EvalError(f"operator {op} on a {type(value).__name__}")

    def _eval_binary_op(self, node: Tree[Token]) -> Any:
        left_node, term = subtrees(node)[:2]
        op_node, right_node = subtrees(term)[:2]
        op = str(op_node.children[0])
        left = self.eval(left_node)
        if op == "&&" and left is False:
            return False
        if op == "||" and left is True:
            return True
        right = self.eval(right_node)
        unknown_left = is_unknown(left) and not isinstance(left, EvalError)
        if op == "&&" and right is False and unknown_left:
            return False  # whatever the unknown bool is
        if op == "||" and right is True and unknown_left:
            return True
        return _binary(op, left, right)

    # --- calls and traversals ---------------------------------------------------------------

    def _eval_function_call(self, node: Tree[Token]) -> Any:
        names = [str(c.children[0]) for c in subtrees(node) if c.data == "identifier"]
        name = names[-1] if names else ""
        args_node = next((c for c in subtrees(node) if c.data == "arguments"), None)
        arg_nodes = subtrees(args_node) if args_node is not None else []
        expand = args_node is not None and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in args_node.children
        )
        return call(self, name, arg_nodes, expand)

    def _traversal(self, node: Tree[Token]) -> Any:
        base, step_nodes = flatten_traversal(node)
        steps: list[Step] = []
        for kind, arg in step_nodes:
            if kind == "index" and isinstance(arg, Tree):
                steps.append(("index", self.eval(arg)))
            else:
                steps.append((kind, arg))
        terms = subtrees(base) if base.data == "expr_term" else [base]
        if len(terms) == 1 and terms[0].data == "identifier":
            return self._resolve_root(str(terms[0].children[0]), steps)
        return apply_steps(self.eval(base), steps)

    def _resolve_root(self, root: str, steps: list[Step]) -> Any:
        if root in self.env:
            return apply_steps(self.env[root], steps)
        value, used = self.resolver.resolve(root, steps)
        return apply_steps(value, steps[used:])

    # --- for expressions ---------------------------------------------------------------------

    def _for_parts(
        self, node: Tree[Token]
    ) -> tuple[list[str], Tree[Token], list[Tree[Token]], Tree[Token] | None]:
        intro = next(c for c in subtrees(node) if c.data == "for_intro")
        names = [str(c.children[0]) for c in subtrees(intro) if c.data == "identifier"]
        collection = next(c for c in subtrees(intro) if c.data != "identifier")
        rest = [c for c in subtrees(node) if c.data not in ("for_intro", "for_cond")]
        cond = next((c for c in subtrees(node) if c.data == "for_cond"), None)
        return names, collection, rest, cond

    def _iterate(self, node: Tree[Token]) -> Iterator[Evaluator] | Unknown:
        names, collection_node, _, cond = self._for_parts(node)
        collection = self.eval(collection_node)
        if isinstance(collection, Unknown):
            return collection
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return EvalError("for expression over a non-collection")

        def bindings() -> Iterator[Evaluator]:
            for key, value in pairs:
                env = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
                yield self.child(env)

        if cond is None:
            return bindings()
        cond_expr = subtrees(cond)[0]
        selected: list[Evaluator] = []
        for ev in bindings():
            test = ev.eval(cond_expr)
            if isinstance(test, Unknown):
                return test
            if test is True:
                selected.append(ev)
        return iter(selected)

    def _eval_for_tuple_expr(self, node: Tree[Token]) -> Any:
        scopes = self._iterate(node)
        if isinstance(scopes, Unknown):
            return scopes
        body = self._for_parts(node)[2][0]
        return [ev.eval(body) for ev in scopes]

    def _eval_for_object_expr(self, node: Tree[Token]) -> Any:
        scopes = self._iterate(node)
        if isinstance(scopes, Unknown):
            return scopes
        key_node, value_node = self._for_parts(node)[2][:2]
        grouped = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        result: dict[str, Any] = {}
        for ev in scopes:
            key = to_text(ev.eval(key_node))
            if isinstance(key, Unknown):
                return key
            value = ev.eval(value_node)
            if grouped:
                result.setdefault(key, []).append(value)
            else:
                result[key] = value
        return result


def _join_template(pieces: list[Any]) -> Any:
    if len(pieces) == 1 and not isinstance(pieces[0], str):
        return pieces[0]  # "${x}" keeps x's type, as in Terraform
    texts: list[str | Unknown] = [to_text(piece) for piece in pieces]
    first = next((t for t in texts if isinstance(t, Unknown)), None)
    if first is not None:  # still known symbolically when every unknown part is (``reply@${var.d}``)
        return symbolic(first.reason, list(texts))
    return "".join(str(t) for t in texts)


def _binary(op: str, left: Any, right: Any) -> Any:
    if op in ("==", "!="):
        if is_unknown(left) or is_unknown(right):
            return left if is_unknown(left) else right
        return (left == right) == (op == "==")
    if is_unknown(left):
        return left
    if is_unknown(right):
        return right
    if op in ("&&", "||"):
        if isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if op == "&&" else (left or right)
        return EvalError(f"operator {op} needs bools")
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if not numbers:
        return EvalError(f"operator {op} needs numbers")
    try:
        result: Any = {
            "+": lambda: left + right,
            "-": lambda: left - right,
            "*": lambda: left * right,
            "/": lambda: left / right,
            "%": lambda: left % right,
            "<": lambda: left < right,
            ">": lambda: left > right,
            "<=": lambda: left <= right,
            ">=": lambda: left >= right,
        }[op]()
    except (KeyError, ZeroDivisionError):
        return EvalError(f"operator {op} failed")
    return result


def flatten_traversal(node: Tree[Token]) -> tuple[Tree[Token], list[tuple[str, Any]]]:
    """Split ``a.b[0].c`` into its base term and steps (index steps keep their expression tree)."""
    steps: list[tuple[str, Any]] = []
    current = node
    while True:
        if current.data == "expr_term":
            inner = subtrees(current)
            if len(inner) == 1 and inner[0].data in _TRAVERSALS:
                current = inner[0]
                continue
            break
        if current.data not in _TRAVERSALS:
            break
        inner_term, step = subtrees(current)[:2]
        steps[:0] = _steps_of(step)
        current = inner_term
    return current, steps


def _steps_of(step: Tree[Token]) -> list[tuple[str, Any]]:
    if step.data == "get_attr":
        name = next((c for c in subtrees(step)), None)
        return [("attr", str(name.children[0]) if name is not None else "")]
    if step.data == "braces_index":
        return [("index", subtrees(step)[0])]
    if step.data == "short_index":
        token = next(c for c in step.children if isinstance(c, Token) and c.type == "INT_LITERAL")
        return [("index", int(str(token)))]
    if step.data in ("attr_splat", "full_splat"):
        result: list[tuple[str, Any]] = [("splat", None)]
        for inner in subtrees(step):
            result.extend(_steps_of(inner))
        return result
    return []


def apply_steps(value: Any, steps: list[Step]) -> Any:
    """Apply attribute / index / splat steps to a value."""
    for i, (kind, arg) in enumerate(steps):
        if isinstance(value, Unknown):
            return value
        if isinstance(value, JsonText):
            value = value.data
        if kind == "splat":
            items = [] if value is None else value if isinstance(value, list) else [value]
            return [apply_steps(item, steps[i + 1 :]) for item in items]
        if kind == "attr":
            if isinstance(value, ObjectValue):
                value = value.attribute(str(arg))
            elif isinstance(value, dict):
                value = value[arg] if arg in value else EvalError(f"no attribute {arg!r}")
            else:
                value = EvalError(f"attribute {arg!r} of a non-object")
        elif kind == "index":
            if is_unknown(arg):
                return arg
            if isinstance(value, list) and isinstance(arg, int) and not isinstance(arg, bool):
                value = value[arg] if -len(value) <= arg < len(value) else EvalError("index out of range")
            elif isinstance(value, dict):
                key = to_text(arg)
                value = value.get(key, EvalError(f"no key {key!r}")) if isinstance(key, str) else key
            else:
                value = EvalError("index into a non-collection")
    return value


@dataclass(frozen=True)
class Reference:
    """A name an expression refers to: its parts (index steps dropped) and whether ``nonsensitive()`` wraps it."""

    parts: tuple[str, ...]
    unwrapped: bool = False
    iterated: bool = False  # the collection a ``for`` expression iterates over


def references(node: Tree[Token] | Token, unwrapped: bool = False) -> list[Reference]:
    """Every reference in an expression (inside templates, heredocs, index expressions too)."""
    found: list[Reference] = []
    _collect(node, unwrapped, found)
    return found


def _collect(
    node: Tree[Token] | Token, unwrapped: bool, found: list[Reference], iterated: bool = False
) -> None:
    if isinstance(node, Token):
        return
    if node.data == "for_intro":
        for child in subtrees(node):
            if child.data != "identifier":
                _collect(child, unwrapped, found, True)
        return
    if node.data in ("heredoc_template", "heredoc_template_trim"):
        for piece in split_template(heredoc_body(str(node.children[0]))):
            if piece.kind != "literal":
                expr = parse_expression(piece.text.removeprefix("if ").removeprefix("for "))
                if expr is not None:
                    _collect(expr, unwrapped, found)
        return
    if node.data == "function_call":
        names = [str(c.children[0]) for c in subtrees(node) if c.data == "identifier"]
        inner_unwrapped = unwrapped or (bool(names) and names[-1] == "nonsensitive")
        for child in subtrees(node):
            if child.data == "arguments":
                for arg in subtrees(child):
                    _collect(arg, inner_unwrapped, found, iterated)
        return
    if node.data in _TRAVERSALS or node.data == "identifier":
        base, steps = flatten_traversal(node) if node.data != "identifier" else (node, [])
        terms = subtrees(base) if base.data == "expr_term" else [base]
        if len(terms) == 1 and terms[0].data == "identifier":
            names = [str(terms[0].children[0])] + [str(arg) for kind, arg in steps if kind == "attr"]
            found.append(Reference(tuple(names), unwrapped, iterated))
        else:
            _collect(base, unwrapped, found, iterated)
        for kind, arg in steps:
            if kind == "index" and isinstance(arg, Tree):
                _collect(arg, unwrapped, found)
        return
    for item in node.children:
        if isinstance(item, Tree):
            _collect(item, unwrapped, found, iterated)


def resource_address(parts: tuple[str, ...]) -> str | None:
    """The module-local resource address a reference names (``aws_x.y`` / ``data.aws_x.y``), if any."""
    if not parts:
        return None
    if parts[0] == "data":
        return f"data.{parts[1]}.{parts[2]}" if len(parts) >= 3 else None
    if parts[0] in ("var", "local", "module", "count", "each", "path", "terraform", "self") or len(parts) < 2:
        return None
    return f"{parts[0]}.{parts[1]}" if "_" in parts[0] else None
