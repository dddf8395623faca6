"""python-hcl2's Lark parser, without the position propagation sesguard does not read.

python-hcl2 builds its LALR parser with ``propagate_positions``: every tree node gets the lines and
columns of its first and last token, a third of the parse time of a ``.tf`` file. sesguard reads a
node's line from its first token instead (:func:`sesguard.sources.terraform.syntax.node_line`; the
same line, tokens always carry theirs), so this is the same parser, same grammar, same trees, loaded
from python-hcl2's own compiled tables (in memory, nothing written) with that option off.
"""

from __future__ import annotations

import io
from functools import lru_cache

from lark import Lark


@lru_cache(maxsize=1)
def parser() -> Lark:
    """python-hcl2's parser with ``propagate_positions`` off (built once per process)."""
    from hcl2.parser import parser as hcl2_parser  # reads python-hcl2's grammar cache

    tables = io.BytesIO()
    hcl2_parser().save(tables, exclude_options=("propagate_positions",))  # unset: Lark's default, off
    tables.seek(0)
    return Lark.load(tables)
