"""Branch-wise reading of Terraform conditional expressions (``cond ? a : b``) whose condition is unknown.

A conditional whose condition is known takes its branch. When the condition is unknown (a variable
without default, a resource attribute known only after apply) and the branches differ, the set is read
once per combination of such conditions (at most :data:`MAX_CONDITIONS`), each reading taking one
branch of each, exactly as if the condition were known. The readings are merged like CloudFormation's
``Fn::If`` branches (:mod:`sesguard.sources.cfn.branches`): a fact that is the same in every branch is
that value, one that differs is a :class:`~sesguard.model.Branches` that a policy evaluates in every
branch (the same verdict in all is the verdict; different verdicts are an error naming the branch that
fails). Each reading is a whole reading, so every helper of the normalizer sees plain values.

Conditions are told apart by their text within a module instance (``var.strict`` in ``module.a`` and
in ``module.b`` are two conditions); ``!X`` is the condition ``X`` negated. A condition that depends on
``each``, ``count`` or ``self`` may differ between instances: it is not branched on (stays Unknown).
Conditions that are related (``var.env == "prod"`` and ``var.env == "dev"``) are read in every
combination, including impossible ones: that can only turn a verdict into an error, never decide it
wrongly.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Final

from lark import Token, Tree

from sesguard.branch_values import Assignment, by_relevant_conditions, merge_values
from sesguard.model import Inventory, Resource

MAX_CONDITIONS: Final = 4  # 16 readings; beyond, conditionals with unknown conditions stay Unknown
_PER_INSTANCE: Final = ("each", "count", "self")
_INSTANCE: Final = re.compile(r'^(.*)\[(?:\d+|"(?:[^"\\]|\\.)*")\]$')  # address[0], address["key"]
_NO_SPACE_BEFORE: Final = frozenset({"DOT", "LSQB", "RSQB", "RPAR", "COMMA"})
_NO_SPACE_AFTER: Final = frozenset({"DOT", "LSQB", "LPAR", "NOT"})


@dataclass
class Reading:
    """The conditions one reading decides (``assignment``), and those it met (``seen``, ``used``)."""

    assignment: dict[str, bool] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)  # key -> label (the condition as written)
    used: set[str] = field(default_factory=set)


def assigned_branch(reading: Reading | None, resolver: Any, condition: Tree[Token]) -> bool | None:
    """The value ``reading`` gives an unknown condition (None: none, the conditional stays Unknown)."""
    if reading is None or not reading.assignment:
        return None
    key = _key(resolver, condition)
    if key is None or key[0] not in reading.assignment:
        return None
    reading.used.add(key[0])
    value = reading.assignment[key[0]]
    return not value if key[2] else value


def note_unknown_condition(reading: Reading | None, resolver: Any, condition: Tree[Token]) -> None:
    """Record in ``reading`` a conditional whose condition is unknown and whose branches differ."""
    key = _key(resolver, condition) if reading is not None else None
    if reading is not None and key is not None:
        reading.seen.setdefault(key[0], key[1])


def read_branchwise(read: Callable[[Reading], Inventory]) -> Inventory:
    """``read(Reading())``, or, when it met conditions it could not decide, its readings per branch merged
    (``read`` passes the reading to every module it evaluates: see ``HclModule.reading``)."""
    first = Reading()
    inventory = read(first)
    keys = list(first.seen)
    if not keys or len(keys) > MAX_CONDITIONS:
        return inventory
    variants: dict[Assignment, Inventory] = {}
    for values in itertools.product((True, False), repeat=len(keys)):
        branch = Reading(dict(zip(keys, values, strict=True)))
        variant = read(branch)
        decided = tuple(
            (first.seen[key], value) for key, value in zip(keys, values, strict=True) if key in branch.used
        )
        variants.setdefault(decided, _with_stable_ids(variant, inventory))
    if len(variants) == 1:
        return next(iter(variants.values()))
    return _merge(list(variants.items()))


def _with_stable_ids(variant: Inventory, first: Inventory) -> Inventory:
    """A reading whose rows keep the ids they have when the conditions are not decided: a resource with
    ``count = var.x ? 1 : 0`` is one instance of unknown count (``aws_x.y``) then, and ``aws_x.y[0]``
    where a branch decides it; it keeps ``aws_x.y`` (a row's id does not depend on whether its set could
    be read branch by branch, so waivers and baselines keep matching)."""
    known = {(r.type, r.scope, r.id) for r in first.resources}
    stems = [
        (r.type, r.scope, match.group(1)) if (match := _INSTANCE.match(r.id)) else None for r in variant.resources
    ]
    renamed = []
    for resource, stem in zip(variant.resources, stems, strict=True):
        if (
            stem is not None
            and (resource.type, resource.scope, resource.id) not in known
            and stem in known
            and stems.count(stem) == 1
        ):
            resource = replace(resource, id=stem[2])
        renamed.append(resource)
    variant.resources = renamed
    return variant



def _merge(variants: list[tuple[Assignment, Inventory]]) -> Inventory:
    """One inventory from the readings of each branch: resources by (type, scope, id) (an address is
    unique only within its root module, and a set may hold several), judged on the branches they exist in (labelled by the conditions their facts depend on); every reading's errors once."""
    merged = Inventory()
    by_key: dict[tuple[str, str | None, str], list[tuple[Assignment, Resource]]] = {}
    for decided, inventory in variants:
        merged.sets.update(inventory.sets)
        merged.meta.update(inventory.meta)
        for resource in inventory.resources:
            by_key.setdefault((resource.type, resource.scope, resource.id), []).append((decided, resource))
        for error in inventory.errors:
            if all(e.message != error.message for e in merged.errors):
                merged.errors.append(error)
    for present in by_key.values():
        first = present[0][1]
        options = by_relevant_conditions([(decided, r.props) for decided, r in present])
        props = merge_values(options, "")
        merged.resources.append(replace(first, props=props if isinstance(props, dict) else first.props))
    return merged


def _key(resolver: Any, condition: Tree[Token]) -> tuple[str, str, bool] | None:
    """(key, label, negated) of a condition, or None when it may differ between instances."""
    negated = False
    node = _unwrapped(condition)
    while node.data == "unary_op" and str(node.children[0]) == "!":
        negated = not negated
        node = _unwrapped(next(c for c in node.children if isinstance(c, Tree)))
    tokens = list(node.scan_values(lambda v: isinstance(v, Token)))
    if any(t.type == "NAME" and str(t) in _PER_INSTANCE for t in tokens):
        return None
    text = _text(tokens)
    prefix = str(getattr(resolver, "prefix", ""))
    return f"{prefix}|{getattr(resolver, 'directory', '')}|{text}", f"{prefix}{text}", negated


def _unwrapped(node: Tree[Token]) -> Tree[Token]:
    while node.data == "expr_term":
        inner = [c for c in node.children if isinstance(c, Tree)]
        if len(inner) != 1:
            break
        node = inner[0]
    return node


def _text(tokens: list[Token]) -> str:
    """The condition as written, near enough for a label (``var.env == "prod"``)."""
    out = ""
    glue_next = True  # no space before the first token
    in_string = False
    previous = ""
    for token in tokens:
        piece = str(token).strip()
        closing_quote = token.type == "DBLQUOTE" and in_string
        call = token.type == "LPAR" and previous == "NAME"  # a function call: contains(...)
        if not (glue_next or in_string or closing_quote or call or token.type in _NO_SPACE_BEFORE):
            out += " "
        out += piece
        if token.type == "DBLQUOTE":
            in_string = not in_string
        glue_next = token.type in _NO_SPACE_AFTER or (token.type == "DBLQUOTE" and in_string)
        previous = token.type
    return out
