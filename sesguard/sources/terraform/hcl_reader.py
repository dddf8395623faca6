"""Parsing one ``.tf`` / ``.tfvars`` file into blocks and attributes that keep their line numbers.

python-hcl2 (v8) parses with Lark; its dict serialization loses the expression structure (values
become strings like ``"${var.x}"``), so sesguard works on the raw Lark parse tree instead (python-hcl2's
parser, see :mod:`.hcl_parser`): blocks and attributes carry 1-based lines, expressions stay trees that
:mod:`.expressions` evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Final

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from sesguard.sources.input_files import read_regular
from sesguard.sources.terraform.syntax import children, decode_string_literal, node_line, subtrees


class HclParseError(Exception):
    """A file that could not be parsed; ``line`` is 1-based when the parser knows it.

    The message never quotes the offending text (it could be a secret).
    """

    def __init__(self, what: str, line: int | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.line = line


@dataclass(frozen=True)
class Attribute:
    """``name = expression`` inside a body."""

    name: str
    expr: Tree[Token]
    line: int


@dataclass(frozen=True)
class Block:
    """A block (``resource "aws_x" "y" { ... }``) with its labels, body and 1-based line."""

    type: str
    labels: tuple[str, ...]
    body: Body
    line: int


@dataclass(frozen=True)
class Body:
    """The attributes (by name, first wins) and nested blocks (in order) of a block or file."""

    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class HclFile:
    """One parsed file: where it is, how to name it in findings, its top-level body and its text."""

    path: Path
    display: str
    body: Body
    text: str


def parse_text(text: str) -> Tree[Token]:
    """The raw Lark tree of HCL text; raises :class:`HclParseError` on bad input."""
    from sesguard.sources.terraform.hcl_parser import parser  # lazily: loading it reads python-hcl2's tables

    try:
        tree: Tree[Token] = parser().parse(text + "\n")
    except UnexpectedInput as err:
        raise HclParseError(
            _describe(err), err.line if isinstance(err.line, int) and err.line > 0 else None
        ) from None
    except (LarkError, RecursionError, ValueError, RuntimeError) as err:
        raise HclParseError(f"cannot parse ({type(err).__name__})") from None
    return tree


_TOKEN_WORDS: Final = {
    "STRING_CHARS": "text",
    "NL_OR_COMMENT": "end of line",
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "RSQB": "']'",
    "LSQB": "'['",
    "RPAR": "')'",
    "LPAR": "'('",
    "EQ": "'='",
    "COMMA": "','",
    "DBLQUOTE": "'\"'",
    "NAME": "name",
}


def _describe(err: UnexpectedInput) -> str:
    if isinstance(err, UnexpectedEOF):
        return "unexpected end of file"
    if isinstance(err, UnexpectedToken):
        kind = err.token.type if isinstance(err.token, Token) else "token"
        if kind == "$END":
            return "unexpected end of file"
        if isinstance(err.token, Token) and not str(err.token).strip():
            return "syntax error: unexpected end of line"
        return f"syntax error: unexpected {_TOKEN_WORDS.get(kind, kind.lower().replace('_', ' '))}"
    if isinstance(err, UnexpectedCharacters):
        return "syntax error: unexpected character"
    return "syntax error"


def read_text(path: Path) -> str:
    """The file's text (UTF-8, BOM removed); raises :class:`HclParseError` when it is not text."""
    try:
        data = read_regular(path)  # a FIFO or device is never read (it would block)
    except OSError as err:
        raise HclParseError(f"cannot read file ({err.strerror or err})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HclParseError("not UTF-8 text") from None


def parse_file(path: Path, display: str) -> HclFile:
    """Parse one file; raises :class:`HclParseError` when it cannot be read or parsed.

    A file is parsed once per run even when several sets need its module (pre-commit passes each
    changed ``.tf`` file as its own set, and each reads its whole module): the parse is cached by
    path, size and modification time.
    """
    text = read_text(path)
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None
    body = _parse_body(text) if key is None else _cached_body(key, text)
    return HclFile(path=path, display=display, body=body, text=text)


def _parse_body(text: str) -> Body:
    tree = parse_text(text)
    body_tree = next(children(tree), None)
    return to_body(body_tree) if isinstance(body_tree, Tree) else Body()


@lru_cache(maxsize=512)
def _cached_body(key: tuple[str, int, int], text: str) -> Body:
    return _parse_body(text)


def to_body(tree: Tree[Token]) -> Body:
    """Convert a Lark ``body`` node into a :class:`Body`."""
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for item in children(tree):
        if not isinstance(item, Tree):
            continue
        if item.data == "attribute":
            name_node, expr = _attribute_parts(item)
            if name_node not in attributes:
                attributes[name_node] = Attribute(name_node, expr, node_line(item))
        elif item.data == "block":
            blocks.append(_to_block(item))
    return Body(attributes, tuple(blocks))


def _name_of(node: Tree[Token] | Token) -> str:
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        return decode_string_literal(node)
    token = next((c for c in node.children if isinstance(c, Token)), None)
    return str(token) if token is not None else ""


def _attribute_parts(item: Tree[Token]) -> tuple[str, Tree[Token]]:
    parts = [c for c in item.children if not (isinstance(c, Token) and c.type == "EQ")]
    name = _name_of(parts[0])
    expr = parts[-1]
    if not isinstance(expr, Tree):  # pragma: no cover - the grammar always gives a tree
        raise HclParseError("unexpected attribute form", node_line(item))
    return name, expr


def _to_block(item: Tree[Token]) -> Block:
    nodes = [c for c in item.children if not (isinstance(c, Tree) and c.data == "new_line_or_comment")]
    head = [c for c in nodes if not (isinstance(c, Token) and c.type in ("LBRACE", "RBRACE"))]
    body_tree = next((c for c in head if isinstance(c, Tree) and c.data == "body"), None)
    names = [c for c in head if c is not body_tree]
    block_type = _name_of(names[0]) if names else ""
    labels = tuple(_name_of(n) for n in names[1:])
    body = to_body(body_tree) if body_tree is not None else Body()
    return Block(block_type, labels, body, node_line(item))


@lru_cache(maxsize=4096)
def parse_expression(source: str) -> Tree[Token] | None:
    """The expression tree of an interpolation's source text, or None when it does not parse."""
    try:
        tree = parse_text(f"x = {source}")
    except HclParseError:
        return None
    body = next((c for c in tree.children if isinstance(c, Tree)), None)
    if body is None:
        return None
    attr = next((c for c in subtrees(body) if c.data == "attribute"), None)
    if attr is None:
        return None
    expr = [c for c in attr.children if not (isinstance(c, Token) and c.type == "EQ")][-1]
    return expr if isinstance(expr, Tree) else None
