"""The Terraform functions sesguard evaluates statically; every other call is Unknown with its name."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Final, Protocol

from lark import Token, Tree

from sesguard.model import Unknown, is_unknown
from sesguard.sources.terraform.values import EvalError, JsonText, decode_json, first_unknown, plain, to_text


class FileReader(Protocol):
    """Reads the files ``file()`` and ``templatefile()`` name."""

    def read_file(self, path: str) -> str | Unknown:
        """The text of the file at ``path``, or why it is unknown."""
        ...


class Evaluator(Protocol):
    """What a call needs of the expression evaluator (:class:`.expressions.Evaluator`)."""

    @property
    def resolver(self) -> FileReader:
        """Where files are read from."""
        ...

    def eval(self, node: Tree[Token] | Token) -> Any:
        """The value of an argument's expression."""
        ...

    def child(self, extra: dict[str, Any]) -> Evaluator:
        """An evaluator with more local names (a template's variables)."""
        ...

    def template(self, text: str) -> Any:
        """The value of template text."""
        ...


def call(ev: Evaluator, name: str, arg_nodes: list[Tree[Token]], expand: bool) -> Any:
    """The value of ``name(args...)``; ``try``/``can`` see their arguments unevaluated."""
    if name == "try":
        last: Any = EvalError("try() with no successful argument")
        for node in arg_nodes:
            value = ev.eval(node)
            if not isinstance(value, EvalError):
                return value
            last = value
        return last
    if name == "can":
        if not arg_nodes:
            return EvalError("can() needs an argument")
        value = ev.eval(arg_nodes[0])
        if isinstance(value, EvalError):
            return False
        return Unknown("can() of an unknown value") if is_unknown(value) else True
    args = [ev.eval(node) for node in arg_nodes]
    if expand and args:
        tail = args.pop()
        if is_unknown(tail):
            return tail
        if not isinstance(tail, list):
            return EvalError(f"{name}(...) expansion of a non-list")
        args.extend(tail)
    if name in ("file", "templatefile"):
        return _file(ev, name, args)
    func = _FUNCTIONS.get(name)
    if func is None:
        return Unknown(f"function {name}() is not evaluated")
    if name not in _UNKNOWN_TOLERANT:
        missing = next((a for a in args if is_unknown(a)), None)
        if missing is not None:
            return missing
    try:
        return func(*args)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError):
        return EvalError(f"{name}() could not be evaluated with these arguments")


def _file(ev: Evaluator, name: str, args: list[Any]) -> Any:
    if not args:
        return Unknown(f"{name}() needs a path")
    if is_unknown(args[0]):
        return args[0]
    text = ev.resolver.read_file(str(args[0]))
    if isinstance(text, Unknown) or name == "file":
        return text
    variables = args[1] if len(args) > 1 else {}
    if is_unknown(variables):
        return variables
    if not isinstance(variables, dict):
        return Unknown("templatefile() variables are not an object")
    return ev.child(variables).template(text)


def _format(spec: str, *args: Any) -> str | Unknown:
    out: list[str] = []
    position = 0
    i = 0
    while i < len(spec):
        char = spec[i]
        if char != "%":
            out.append(char)
            i += 1
            continue
        match = re.match(r"%([-+# 0]*\d*(?:\.\d+)?)([a-zA-Z%])", spec[i:])
        if match is None:
            return Unknown("format() spec could not be read")
        verb = match.group(2)
        i += match.end()
        if verb == "%":
            out.append("%")
            continue
        if position >= len(args):
            raise ValueError("too few arguments")
        value = args[position]
        position += 1
        if verb == "q":
            out.append(json.dumps(to_text(value)))
        elif verb in ("d", "f", "g", "e", "x", "X", "o", "b"):
            out.append(("%" + match.group(1) + verb) % value if verb != "b" else format(int(value), "b"))
        else:
            text = to_text(value)
            if isinstance(text, Unknown):
                return text
            out.append(text)
    return "".join(out)


def _join(sep: str, *lists: Any) -> str | Unknown:
    texts: list[str] = []
    for items in lists:
        for item in items:
            text = to_text(item)
            if isinstance(text, Unknown):
                return text
            texts.append(text)
    return sep.join(texts)


def _concat(*lists: Any) -> Any:
    result: list[Any] = []
    for items in lists:
        if is_unknown(items):
            return items
        result.extend(items)
    return result


def _merge(*maps: Any) -> Any:
    result: dict[str, Any] = {}
    for item in maps:
        if is_unknown(item):
            return item
        if item is not None:
            result.update(item)
    return result


def _set(items: list[Any]) -> list[Any]:
    unique: list[Any] = []
    for item in items:
        if item not in unique:
            unique.append(item)
    if all(isinstance(i, str) for i in unique):
        return sorted(unique)
    return unique


def _flatten(items: list[Any]) -> list[Any]:
    result: list[Any] = []
    for item in items:
        result.extend(_flatten(item) if isinstance(item, list) else [item])
    return result


def _coalesce(*args: Any) -> Any:
    for arg in args:
        if is_unknown(arg):
            return arg
        if arg is not None and arg != "":
            return arg
    raise ValueError("no non-null argument")


def _lookup(mapping: dict[str, Any], key: str, *default: Any) -> Any:
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise KeyError(key)


def _replace(text: str, old: str, new: str) -> Any:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return Unknown("replace() with a regular expression is not evaluated")
    return text.replace(old, new)


def _jsonencode(value: Any) -> JsonText:
    return JsonText(plain(value))


def _jsondecode(value: Any) -> Any:
    return decode_json(value, "jsondecode() argument")


def _tostring(value: Any) -> Any:
    return to_text(value)


def _identity(value: Any) -> Any:
    return value


def _one(items: list[Any]) -> Any:
    if len(items) > 1:
        raise ValueError("more than one element")
    return items[0] if items else None


def _length(value: Any) -> Any:
    if isinstance(value, JsonText):
        text = value.text()
        return text if isinstance(text, Unknown) else len(text)
    return len(value)


_FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "format": _format,
    "join": _join,
    "concat": _concat,
    "merge": _merge,
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "title": lambda s: s.title(),
    "trimspace": lambda s: s.strip(),
    "trimsuffix": lambda s, x: s.removesuffix(x),
    "trimprefix": lambda s, x: s.removeprefix(x),
    "trim": lambda s, chars: s.strip(chars),
    "startswith": lambda s, x: s.startswith(x),
    "endswith": lambda s, x: s.endswith(x),
    "split": lambda sep, s: s.split(sep),
    "replace": _replace,
    "substr": lambda s, start, n: s[start:] if n < 0 else s[start : start + n],
    "tostring": _tostring,
    "tonumber": lambda v: v if isinstance(v, int | float) else float(v) if "." in v else int(v),
    "tobool": lambda v: v if isinstance(v, bool) else {"true": True, "false": False}[v],
    "tolist": lambda v: list(v),
    "toset": lambda v: _set(list(v)),
    "tomap": lambda v: dict(v),
    "distinct": lambda v: [x for i, x in enumerate(v) if x not in v[:i]],
    "compact": lambda v: [x for x in v if x not in (None, "")],
    "flatten": _flatten,
    "coalesce": _coalesce,
    "coalescelist": lambda *ls: next(lst for lst in ls if lst),
    "element": lambda v, i: v[i % len(v)],
    "lookup": _lookup,
    "length": _length,
    "keys": lambda m: sorted(m),
    "values": lambda m: [m[k] for k in sorted(m)],
    "contains": lambda v, x: x in v,
    "one": _one,
    "sort": lambda v: sorted(v),
    "reverse": lambda v: list(reversed(v)),
    "zipmap": lambda ks, vs: dict(zip(ks, vs, strict=True)),
    "min": lambda *v: min(v),
    "max": lambda *v: max(v),
    "abs": abs,
    "sensitive": _identity,
    "nonsensitive": _identity,
}

# Functions that keep Unknown arguments as elements instead of becoming Unknown themselves.
_UNKNOWN_TOLERANT = frozenset(
    {
        "jsonencode",
        "concat",
        "merge",
        "tolist",
        "toset",
        "distinct",
        "compact",
        "flatten",
        "coalesce",
        "sensitive",
        "nonsensitive",
    }
)


def contains_unknown(value: Any) -> bool:
    """True when an Unknown is anywhere inside ``value``."""
    return first_unknown(value) is not None
