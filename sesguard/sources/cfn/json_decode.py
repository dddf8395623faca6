"""JSON templates decoded in linear time, with cfn-lint's node types and line marks.

cfn-lint reads a JSON template with its YAML loader (JSON is YAML), falling back to its own JSON
decoder; both check each mapping for duplicate keys by comparing every key with every earlier one,
so a mapping with n keys costs n²/2 comparisons: a CDK template with 3,000 resources (1.2 MB) takes
about 2 s, one with 60,000 (24 MB) does not finish in ten minutes. Here the text is first validated
by the standard library's C decoder (which also gives the error message and position of a broken
file), then one regular-expression pass builds cfn-lint's ``dict_node`` / ``list_node`` / ``str_node``
with the marks cfn-lint's JSON decoder gives them (keys, mappings and lists; 0-based lines), and a
duplicate key is found with a set. A test compares the nodes and marks with cfn-lint's own decoder.
"""

from __future__ import annotations

import gc
import json
import re
from bisect import bisect_right
from typing import Any, Final

from cfnlint.decode.mark import Mark
from cfnlint.decode.node import dict_node, list_node, str_node

# One token after optional whitespace: a string (its raw content), a number or literal, or punctuation.
_TOKEN: Final = re.compile(
    r'[ \t\n\r]*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|(-?\d[-+.eE\d]*|true|false|null|NaN|-?Infinity)|(\S))', re.S
)
_LITERALS: Final[dict[str, Any]] = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


class JsonTemplateError(ValueError):
    """The text is not a JSON document, or a mapping repeats a key: the message and its 1-based line."""

    def __init__(self, message: str, line: int | None, conclusive: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.conclusive = conclusive  # no other decoder would read it (a repeated key, too deep)


class _Marks:
    """cfn-lint's ``get_beg_end_mark`` (its JSON decoder's marks) with C bisection over the newlines."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.end_offset = 1 if len(self.newlines) > 1 else 0

    def _column(self, line: int, pos: int, before: int) -> int:
        return pos - (self.newlines[line - 1] if before else -1)

    def span(self, start: int, end: int) -> tuple[Mark, Mark]:
        before_start = bisect_right(self.newlines, start)
        before_end = bisect_right(self.newlines, end)
        end_line = before_end - self.end_offset
        return (
            Mark(before_start, self._column(before_start, start, before_start)),
            Mark(end_line, self._column(end_line, end, before_end)),
        )


def _scalar(token: str) -> Any:
    if token in _LITERALS:
        return _LITERALS[token]
    if "." in token or "e" in token or "E" in token:
        return float(token)
    return int(token)


def loads(text: str) -> Any:
    """The decoded document; raises :class:`JsonTemplateError` when it is not JSON or repeats a key."""
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        raise JsonTemplateError(f"{err.msg} (line {err.lineno}, column {err.colno})", err.lineno) from None
    except RecursionError:
        raise JsonTemplateError("nested too deeply", None, conclusive=True) from None
    collecting = gc.isenabled()
    gc.disable()  # millions of new containers: the cyclic collector would rescan them all, over and over
    try:
        return _build(text, _Marks(text))
    finally:
        if collecting:
            gc.enable()


def _build(text: str, marks: _Marks) -> Any:
    """The nodes of a valid JSON document (the grammar was checked by the C decoder)."""
    # Each open container: [items, start offset, is a mapping, the key waiting for its value].
    stack: list[list[Any]] = []
    root: Any = None
    for match in _TOKEN.finditer(text):
        raw, scalar, punct = match.groups()
        if punct is not None:
            if punct in "{[":
                stack.append([[], match.end(), punct == "{", None])
                continue
            if punct not in "}]":
                continue  # ',' and ':': the grammar is known to be right
            items, start, is_mapping, _ = stack.pop()
            begin, end = marks.span(start, match.end())
            value: Any = _mapping(items, begin, end) if is_mapping else list_node(items, begin, end)
        elif raw is not None:
            value = raw if "\\" not in raw else json.loads(text[match.start(1) - 1 : match.end(1) + 1])
            top = stack[-1] if stack else None
            if top is not None and top[2] and top[3] is None:
                quote = match.start(1) - 1
                top[3] = _key(value, *marks.span(quote, quote + len(value)))
                continue
        else:
            value = _scalar(scalar)
        if not stack:
            root = value
            continue
        top = stack[-1]
        if top[2]:
            top[0].append((top[3], value))
            top[3] = None
        else:
            top[0].append(value)
    return root


def _key(text: str, begin: Mark, end: Mark) -> Any:
    """cfn-lint's ``str_node`` (its constructor takes an exception path on every call: 13 µs)."""
    key = str.__new__(str_node, text)
    key.start_mark, key.end_mark = begin, end
    return key


def _mapping(pairs: list[tuple[Any, Any]], begin: Mark, end: Mark) -> Any:
    mapping = dict_node(pairs, begin, end)
    if len(mapping) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonTemplateError(f'Duplicate found "{key}"', key.start_mark.line + 1, conclusive=True)
            seen.add(key)
    return mapping
