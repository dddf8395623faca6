"""sesguard's HCL parse loop builds exactly python-hcl2's Lark trees, and fails exactly as Lark does."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hcl2.parser import parser as hcl2_parser
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from sesguard.sources.terraform.hcl_parser import HclParser, parser
from sesguard.sources.terraform.hcl_reader import HclParseError, parse_text

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "iac" / "terraform"

SNIPPETS = [
    "a = 1\n  + 2\n",  # a newline before a binary operator joins it (python-hcl2's post-lexer)
    "a = b\n  ? c\n  : d\n",
    "a = -1\nb = -2\n",  # not before unary minus
    "# c\n\n// x\n/* y\n z */\na = 1 # t\n",
    "a = <<EOF\nhi ${x} %{ if y }z%{ endif }\nEOF\n",
    "a = <<-EOT\n    x\n  y\n  EOT\n",
    'resource "aws_x" "y" {\n  for_each = { for k, v in var.m : k => v if v != null }\n  n = each.key\n}\n',
    'a = "\\u00e9 $${x} %%{y} ${"in ${"ner"}"}"\n',
    'a = [1, 2,\n 3,]\nb = {x = 1, "y" = 2}\nc = true\nd = null\nnull_x = false\n',
    "a = x[*].y[0].z\nb = f(1, [2]...)\nc = !x && (y || z)\n",
    "a = 1\n\n\n== 2\n",
    "",
    "\n\n",
]
BROKEN = ["a = 1 +\n", "x {\n", "a @ b\n", "a = 'x'\n", 'a = "open\n', "resource {\n  = 1\n}\n", "}\n"]


def _files() -> list[Path]:
    roots = [REPO / "tests" / "fixtures" / "terraform", REPO / "examples", CORPUS]
    return sorted(
        p for root in roots if root.is_dir() for p in root.rglob("*") if p.suffix in (".tf", ".tfvars")
    )


@lru_cache(maxsize=1)
def _lark_without_positions() -> Lark:
    tables = io.BytesIO()
    hcl2_parser().save(tables, exclude_options=("propagate_positions",))
    tables.seek(0)
    return Lark.load(tables)


def _shape(node: Tree[Token] | Token) -> Any:
    if isinstance(node, Token):
        return (node.type, str(node), node.value, node.start_pos, node.line, node.column,
                node.end_line, node.end_column, node.end_pos)  # fmt: skip
    return (node.data, node._meta, [_shape(child) for child in node.children])


def _outcome(lark: Any, text: str) -> Any:
    try:
        return _shape(lark.parse(text))
    except UnexpectedInput as err:
        token = getattr(err, "token", None)
        return (type(err).__name__, err.line, err.column, getattr(token, "type", None), str(token), str(err))


def test_the_repository_files_are_there() -> None:
    assert len(_files()) > 20


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8-sig") for p in _files()] + SNIPPETS + BROKEN)
def test_same_tree_or_same_error_as_lark(text: str) -> None:
    assert _outcome(parser(), text + "\n") == _outcome(_lark_without_positions(), text + "\n")


@pytest.mark.parametrize("text", BROKEN)
def test_errors_come_from_lark_itself(text: str) -> None:
    with pytest.raises(HclParseError) as caught:
        parse_text(text)
    assert caught.value.what.startswith(("syntax error", "unexpected end of file"))


def test_nodes_carry_no_positions() -> None:
    tree = parser().parse('resource "a" "b" {\n  x = 1\n}\n')
    assert all(node._meta is None for node in tree.iter_subtrees())


def test_the_fast_loop_is_the_one_in_use() -> None:
    assert isinstance(parser(), HclParser)


def test_lark_parses_when_the_loop_does_not_build_the_sample_as_lark(monkeypatch: pytest.MonkeyPatch) -> None:
    parser.cache_clear()
    monkeypatch.setattr(HclParser, "_parse", lambda self, text: Tree("start", []))
    try:
        fallback = parser()
        assert not isinstance(fallback, HclParser)
        assert _shape(fallback.parse("a = 1\n")) == _shape(_lark_without_positions().parse("a = 1\n"))
    finally:
        parser.cache_clear()
