"""python-hcl2's Lark parser, driven by a tighter loop and without position propagation.

The grammar, its LALR tables, its contextual lexer (one token pattern set per parser state) and
python-hcl2's post-lexer (a newline before a binary operator joins the operator) are python-hcl2's,
loaded from its own compiled tables. :class:`HclParser` runs the same automaton as Lark's LALR parser
with the per-token work inlined (one loop instead of the lexer, post-lexer and parser generator
chain) and builds the same trees, except that nodes carry no line/column ``meta`` (python-hcl2 turns
on ``propagate_positions``, which sesguard does not read: a node's line is its first token's, see
:func:`sesguard.sources.terraform.syntax.node_line`; tokens always carry theirs).

Text the fast loop cannot take to the end (a syntax error, an unexpected character, anything
unforeseen) is parsed again by python-hcl2's own Lark parser, so the error raised, and its line and
token, are exactly Lark's. Nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Tree
from lark.lexer import BasicLexer
from lark.parse_tree_builder import ExpandSingleChild, ParseTreeBuilder
from lark.parsers.lalr_analysis import Shift

_NL = "NL_OR_COMMENT"
_END = "$END"


class _NotOnFastPath(Exception):
    """The fast loop stops here; Lark itself parses the text (and raises its own error)."""


class _StateLexer:
    """The token patterns a parser state accepts (Lark's per-state lexer, flattened)."""

    __slots__ = ("callbacks", "ignore", "newline_types", "patterns")

    def __init__(self, lexer: BasicLexer) -> None:
        scanner = lexer.scanner  # builds it (and the keyword callbacks) once
        self.patterns = [m.match for m in scanner._mres]
        self.ignore = lexer.ignore_types
        self.newline_types = lexer.newline_types
        self.callbacks: dict[str, Callable[[Token], Token]] = dict(lexer.callback)


class HclParser:
    """Parses HCL text into python-hcl2's raw Lark tree (see the module doc)."""

    def __init__(self, base: Lark) -> None:
        self._base = base
        frontend = base.parser
        connector = frontend.lexer  # python-hcl2's post-lexer over Lark's contextual lexer
        contextual = connector.lexer
        table = frontend.parser._parse_table
        start = base.options.start[0]
        builder = ParseTreeBuilder(  # type: ignore[no-untyped-call]
            base.rules, base.options.tree_class or Tree, False, False, base.options.maybe_placeholders
        )
        callbacks = builder.create_callback(None)  # type: ignore[no-untyped-call]
        self._lark_lexers: dict[int, BasicLexer] = contextual.lexers
        self._lexers: dict[int, _StateLexer] = {}  # filled as states are met (each compiles its patterns)
        reduction: dict[Any, tuple[int, Callable[[list[Any]], Any], str, bool]] = {}
        steps: dict[int, dict[str, tuple[bool, Any]]] = {}
        for state, actions in table.states.items():
            row: dict[str, tuple[bool, Any]] = {}
            for name, (action, arg) in actions.items():
                if action is Shift:
                    row[name] = (True, arg)
                else:
                    if arg not in reduction:
                        size, build = len(arg.expansion), callbacks[arg]
                        # Lark's ExpandSingleChild returns a lone child itself
                        passthrough = size == 1 and type(build) is ExpandSingleChild
                        reduction[arg] = (size, build, arg.origin.name, passthrough)
                    row[name] = (False, reduction[arg])
            steps[state] = row
        self._steps = steps
        self._start_state = table.start_states[start]
        self._end_state = table.end_states[start]
        self._joins_newline = frozenset(_operator_types())

    def parse(self, text: str) -> Tree[Token]:
        """The tree of ``text``; raises Lark's own exception when it does not parse."""
        try:
            return self._parse(text)
        except _NotOnFastPath:
            pass
        except (KeyError, IndexError, TypeError, ValueError):
            pass
        return _without_meta(self._base.parse(text))  # raises Lark's error for the same text

    def _parse(self, text: str) -> Tree[Token]:
        steps = self._steps
        lexers = self._lexers
        joins = self._joins_newline
        states = [self._start_state]
        values: list[Any] = []
        new_token = str.__new__
        end = len(text)
        pos = 0
        line = 1
        line_start = 0
        pending: Token | None = None  # a newline held back: it may join the operator after it
        last: Token | None = None
        while True:
            # --- the next token in the current parser state (Lark's BasicLexer.next_token)
            token: Token | None = None
            lexer = lexers.get(states[-1]) or self._lexer_of(states[-1])
            while pos < end:
                for match in lexer.patterns:
                    found = match(text, pos, end)
                    if found:
                        break
                else:
                    raise _NotOnFastPath
                value = found.group(0)
                kind = found.lastgroup
                start_pos, start_line, start_column = pos, line, pos - line_start + 1
                if kind in lexer.newline_types:
                    newlines = value.count("\n")
                    if newlines:
                        line += newlines
                        line_start = pos + value.rindex("\n") + 1
                pos += len(value)
                if kind in lexer.ignore and kind not in lexer.callbacks:
                    continue
                token = new_token(Token, value)
                token.type = kind
                token.start_pos = start_pos
                token.value = value
                token.line = start_line
                token.column = start_column
                token.end_line = line
                token.end_column = pos - line_start + 1
                token.end_pos = pos
                if kind in lexer.callbacks:
                    token = lexer.callbacks[kind](token)  # a keyword read as a name gets its own type
                if kind in lexer.ignore:
                    token = None
                    continue
                break
            # --- python-hcl2's post-lexer: a held newline joins a following binary operator (the
            # token after a newline is read in the parser state before the newline, as there)
            if token is None:
                if pending is None:
                    break
                fed: tuple[Token, ...] = (pending,)
                pending = None
            elif token.type == _NL:
                if pending is None:
                    pending = token
                    continue
                fed, pending = (pending,), token
            elif pending is None:
                fed = (token,)
            elif token.type in joins:
                fed, pending = (token.update(value=str(pending) + str(token)),), None
            else:
                fed, pending = (pending, token), None
            # --- the LALR automaton (Lark's ParserState.feed_token)
            for item in fed:
                kind = item.type
                while True:
                    step = steps[states[-1]].get(kind)
                    if step is None:
                        raise _NotOnFastPath
                    if step[0]:
                        states.append(step[1])
                        values.append(item)
                        break
                    size, build, origin, passthrough = step[1]
                    if passthrough:  # a one-child rule that inlines its child: the value stays
                        del states[-1]
                    elif size:
                        children = values[-size:]
                        del states[-size:]
                        del values[-size:]
                        values.append(build(children))
                    else:
                        values.append(build([]))
                    states.append(steps[states[-1]][origin][1])
                last = item
            if token is None:
                break
        return self._finish(
            Token.new_borrow_pos(_END, "", last) if last else Token(_END, "", 0, 1, 1), states, values
        )

    def _lexer_of(self, state: int) -> _StateLexer:
        lark_lexer = self._lark_lexers[state]
        shared = next((flat for s, flat in self._lexers.items() if self._lark_lexers[s] is lark_lexer), None)
        self._lexers[state] = shared or _StateLexer(lark_lexer)
        return self._lexers[state]

    def _finish(self, end: Token, states: list[int], values: list[Any]) -> Tree[Token]:
        steps = self._steps
        while True:
            step = steps[states[-1]].get(end.type)
            if step is None or step[0]:
                raise _NotOnFastPath
            size, build, origin, _ = step[1]
            if size:
                children = values[-size:]
                del states[-size:]
                del values[-size:]
            else:
                children = []
            values.append(build(children))
            states.append(steps[states[-1]][origin][1])
            if states[-1] == self._end_state:
                tree: Tree[Token] = values[-1]
                return tree


def _operator_types() -> frozenset[str]:
    from hcl2.postlexer import OPERATOR_TYPES

    return OPERATOR_TYPES


def _without_meta(tree: Tree[Token]) -> Tree[Token]:
    """The tree as the fast loop builds it: no position ``meta`` on any node."""
    for node in tree.iter_subtrees():
        node._meta = None
    return tree


_SAMPLE = (
    'resource "aws_x" "y" {\n  for_each = { for k, v in var.m : k => v if v != null }\n'
    "  a = true ? 1\n    + 2 : -3 # c\n  b = <<-EOT\n    ${each.key} %{ if x }y%{ endif }\n  EOT\n"
    '  c = [x[*].y, f(1, [2]...), "\\u00e9 $${z}"]\n}\n'
)


class _LarkParser:
    """python-hcl2's Lark parser itself, its trees without position ``meta`` (the fallback)."""

    def __init__(self, base: Lark) -> None:
        self._base = base

    def parse(self, text: str) -> Tree[Token]:
        return _without_meta(self._base.parse(text))


@lru_cache(maxsize=1)
def parser() -> HclParser | _LarkParser:
    """The parser (built once per process from python-hcl2's grammar cache): the fast loop, unless
    the installed python-hcl2 or Lark is not the one it replicates (it then builds a sample file
    differently, or cannot be set up): Lark itself then parses every file."""
    from hcl2.parser import parser as hcl2_parser

    base = hcl2_parser()
    try:
        fast = HclParser(base)
        if _same(fast._parse(_SAMPLE), _without_meta(base.parse(_SAMPLE))):
            return fast
    except Exception:  # any surprise means: not the Lark this loop replicates
        pass
    return _LarkParser(base)


def _same(one: Tree[Token] | Token, other: Tree[Token] | Token) -> bool:
    if isinstance(one, Token) or isinstance(other, Token):
        return (
            isinstance(one, Token)
            and isinstance(other, Token)
            and (one.type, one.value, one.start_pos, one.line, one.column, one.end_line, one.end_column, one.end_pos)
            == (other.type, other.value, other.start_pos, other.line, other.column, other.end_line, other.end_column,
                other.end_pos)
        )  # fmt: skip
    return (
        one.data == other.data
        and len(one.children) == len(other.children)
        and all(_same(a, b) for a, b in zip(one.children, other.children, strict=True))
    )
