"""Small helpers over python-hcl2's raw Lark tree: children, lines, string literals and heredocs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from lark import Token, Tree

_SIMPLE_ESCAPES: Final = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_HEREDOC_HEAD = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n")


def children(tree: Tree[Token]) -> Iterator[Tree[Token] | Token]:
    """The meaningful children of a node (newlines, comments and punctuation tokens dropped)."""
    for child in tree.children:
        if isinstance(child, Tree):
            if child.data != "new_line_or_comment":
                yield child
        elif isinstance(child, Token):
            yield child


def subtrees(tree: Tree[Token]) -> list[Tree[Token]]:
    """The meaningful child trees of a node."""
    return [c for c in children(tree) if isinstance(c, Tree)]


def node_line(node: Tree[Token] | Token) -> int:
    """The 1-based line a node starts on: its first token's (1 when it has none)."""
    if isinstance(node, Token):
        return node.line or 1
    first = next(node.scan_values(lambda value: isinstance(value, Token)), None)
    return first.line or 1 if isinstance(first, Token) else 1


def unescape(text: str) -> str:
    """Resolve HCL escape sequences of a quoted string part (unknown escapes kept verbatim)."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            marker = text[i + 1]
            if marker in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[marker])
                i += 2
                continue
            width = {"u": 4, "U": 8}.get(marker)
            digits = text[i + 2 : i + 2 + width] if width else ""
            if width and len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                code = int(digits, 16)
                if code <= 0x10FFFF and not 0xD800 <= code < 0xE000:
                    out.append(chr(code))
                    i += 2 + width
                    continue
        out.append(char)
        i += 1
    return "".join(out)


def literal_text(token: Token) -> str:
    """The text a literal string-part token stands for (escapes resolved, ``$${`` → ``${``)."""
    if token.type == "ESCAPED_INTERPOLATION":
        return str(token)[1:]
    if token.type == "ESCAPED_DIRECTIVE":
        return str(token)[1:]
    return unescape(str(token))


def string_parts(tree: Tree[Token]) -> list[str | Tree[Token]]:
    """The parts of a quoted ``string`` node: literal text, or the node of an interpolation/directive."""
    parts: list[str | Tree[Token]] = []
    for part in tree.children:
        if not isinstance(part, Tree) or part.data != "string_part":
            continue
        for inner in part.children:
            if isinstance(inner, Token):
                parts.append(literal_text(inner))
            else:
                parts.append(inner)
    return parts


def decode_string_literal(tree: Tree[Token]) -> str:
    """The text of a string node used as a label (interpolations kept as their source marker)."""
    return "".join(p if isinstance(p, str) else "${...}" for p in string_parts(tree))


@dataclass(frozen=True)
class TemplatePiece:
    """A piece of a heredoc template: literal text, or the source text of an interpolation/directive."""

    text: str
    kind: str  # "literal", "interpolation", "directive"


def heredoc_body(token_text: str) -> str:
    """The body of a heredoc token (``<<EOF ... EOF``); ``<<-`` strips the common indentation."""
    head = _HEREDOC_HEAD.match(token_text)
    if head is None:
        return token_text
    trim, marker = head.group(1), head.group(2)
    body = token_text[head.end() :]
    body = body.rstrip("\r\n")
    if body.endswith(marker):
        body = body[: -len(marker)]
    # the delimiter line may be indented; drop that indentation and the newline before it
    body = re.sub(r"\r?\n[ \t]*$", "\n", body) if body.strip() else ""
    if trim:
        lines = body.split("\n")
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents) if indents else 0
        body = "\n".join(ln[cut:] for ln in lines)
    return body


def split_template(text: str) -> list[TemplatePiece]:
    """Split template text into literal pieces and ``${...}`` / ``%{...}`` sequences (source kept)."""
    pieces: list[TemplatePiece] = []
    buf: list[str] = []
    i = 0
    while i < len(text):
        two = text[i : i + 2]
        if text[i : i + 3] in ("$${", "%%{"):
            buf.append(text[i + 1 : i + 3])
            i += 3
            continue
        if two in ("${", "%{"):
            end = _closing_brace(text, i + 2)
            if end is None:
                buf.append(text[i:])
                break
            if buf:
                pieces.append(TemplatePiece("".join(buf), "literal"))
                buf = []
            inner = text[i + 2 : end].strip().strip("~").strip()
            pieces.append(TemplatePiece(inner, "interpolation" if two == "${" else "directive"))
            i = end + 1
            continue
        buf.append(text[i])
        i += 1
    if buf:
        pieces.append(TemplatePiece("".join(buf), "literal"))
    return pieces


def _closing_brace(text: str, start: int) -> int | None:
    depth = 0
    i = start
    quote = False
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None
