"""Explicit Deny statements as AWS evaluates them: a Deny that matches a request overrides every Allow.

Only a Deny that applies to every request (no ``Condition``) takes a permission away here; one with a
known Condition refuses some requests only, so what the Allow grants stays granted for the others (the
network test of SES-IAM-003 reads conditional Denies itself, in :mod:`sesguard.iam_analysis`). A Deny
with a part that cannot be read (``Action``, ``NotAction``, ``Resource``, ``NotResource``, or a
``Condition`` that may be absent) *may* take a permission away: a fact it could change becomes
Unknown, never a pass.

Actions and resources are IAM globs (``*``, ``?``; case-insensitive for actions). One glob is taken to
cover another when it matches the other's text literally (``s3:*`` covers ``s3:Get*``); two globs
overlap unless their service prefixes differ. SES actions are enumerated from botocore's models, so
``ses:*`` minus a ``NotAction`` Deny is computed exactly.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sesguard.model import Unknown

_ALL: Final = "*"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def glob_covers(pattern: str, glob: str, case_sensitive: bool = False) -> bool:
    """Whether every string ``pattern`` matches is matched by ``glob`` (literal test, see module doc)."""
    if case_sensitive:
        return fnmatch.fnmatchcase(pattern, glob)
    return fnmatch.fnmatchcase(pattern.lower(), glob.lower())


def _service(pattern: str) -> str:
    return pattern.split(":", 1)[0].lower() if ":" in pattern else _ALL


def globs_overlap(first: str, second: str) -> bool:
    """Whether two action globs may match a common action (conservative: True unless provably not)."""
    if glob_covers(first, second) or glob_covers(second, first):
        return True
    one, other = _service(first), _service(second)
    if any(c in one + other for c in "*?"):
        return True
    return one == other and any(c in first + second for c in "*?")


@dataclass(frozen=True)
class Deny:
    """One Deny statement taken apart; ``unknown`` when a part of it cannot be read."""

    actions: tuple[str, ...]  # Action globs (empty with NotAction)
    not_actions: tuple[str, ...] | None  # NotAction globs, None when the statement uses Action
    resources: tuple[str, ...]  # Resource globs (empty with NotResource)
    not_resources: tuple[str, ...] | None
    conditional: bool  # has a known Condition: refuses only some requests
    unknown: Unknown | None = None
    actions_unknown: bool = False  # its Action / NotAction cannot be read: it may name any action
    resources_unknown: bool = False  # its Resource / NotResource cannot be read: it may name any

    def worst_case(self) -> Deny:
        """The Deny refusing the most its unreadable parts allow: unreadable actions or resources are
        every action or resource, an unreadable Condition is none."""
        if self.unknown is None:
            return self
        return Deny(
            actions=("*",) if self.actions_unknown else self.actions,
            not_actions=None if self.actions_unknown else self.not_actions,
            resources=("*",) if self.resources_unknown else self.resources,
            not_resources=None if self.resources_unknown else self.not_resources,
            conditional=self.conditional,
        )

    def covers_action(self, action: str) -> bool:
        """Whether the (readable part of the) statement names this action or glob."""
        if self.not_actions is not None:
            return not any(globs_overlap(action, e) for e in self.not_actions)
        return any(glob_covers(action, d) for d in self.actions)

    def covers_every_resource(self) -> bool:
        """Resource ``*`` (and no NotResource)."""
        return self.not_resources is None and _ALL in self.resources

    def restrict(self, resources: list[str]) -> list[str]:
        """What is left of an Allow's resource globs once this (unconditional) Deny applies."""
        if self.not_resources is not None:
            left: list[str] = []
            for resource in resources:
                for kept in self.not_resources:
                    if glob_covers(resource, kept, case_sensitive=True):
                        left.append(resource)
                    elif glob_covers(kept, resource, case_sensitive=True):
                        left.append(kept)
            return sorted(set(left))
        return [r for r in resources if not any(glob_covers(r, d, case_sensitive=True) for d in self.resources)]


def parse_deny(statement: Mapping[str, Any]) -> Deny:
    """A Deny statement as a :class:`Deny` (parts that cannot be read set ``unknown``)."""
    hidden: dict[str, str] = {}

    def strings(key: str) -> tuple[str, ...]:
        raw = statement.get(key)
        items = [raw] if isinstance(raw, Unknown) else _as_list(raw)
        unreadable = [i for i in items if isinstance(i, Unknown)]
        if unreadable:
            hidden[key] = f"{key} of a Deny is unknown: {unreadable[0].reason}"
        return tuple(str(i) for i in items if not isinstance(i, Unknown))

    negated_actions = "NotAction" in statement
    actions = strings("NotAction" if negated_actions else "Action")
    negated_resources = "NotResource" in statement
    resources = strings("NotResource" if negated_resources else "Resource")
    condition = statement.get("Condition")
    conditional = False
    if isinstance(condition, Unknown):
        hidden["Condition"] = f"Condition of a Deny is unknown: {condition.reason}"
    elif condition:
        conditional = True
    deny = Deny(
        actions=() if negated_actions else actions,
        not_actions=actions if negated_actions else None,
        resources=() if negated_resources else resources,
        not_resources=resources if negated_resources else None,
        conditional=conditional,
        unknown=Unknown("; ".join(hidden.values())) if hidden else None,
        actions_unknown=bool({"Action", "NotAction"} & set(hidden)),
        resources_unknown=bool({"Resource", "NotResource"} & set(hidden)),
    )
    return deny


@dataclass(frozen=True)
class DenySet:
    """The Deny statements of a principal's documents: ``sure`` ones apply to every request."""

    sure: tuple[Deny, ...]
    maybe: tuple[Deny, ...]

    @classmethod
    def of(cls, statements: Iterable[Mapping[str, Any]]) -> DenySet:
        parsed = [parse_deny(s) for s in statements]
        sure = tuple(d for d in parsed if d.unknown is None and not d.conditional)
        maybe = tuple(d for d in parsed if d.unknown is not None and not d.conditional)
        return cls(sure, maybe)

    def refused_everywhere(self, action: str) -> bool:
        """A Deny without condition refuses the action (a glob: all it matches) on every resource."""
        return any(d.covers_action(action) and d.covers_every_resource() for d in self.sure)

    def worst_case(self) -> DenySet:
        """Every Deny as refusing the most its unreadable parts allow (see :meth:`Deny.worst_case`)."""
        return DenySet(self.sure + tuple(d.worst_case() for d in self.maybe if not d.conditional), ())

    @property
    def doubt(self) -> Unknown | None:
        """Why the Denies may refuse more than :attr:`sure` does (the first unreadable one), else None."""
        return self.maybe[0].unknown if self.maybe else None

    def resources_left(self, action: str, resources: list[str]) -> list[str]:
        """An Allow's resource globs for one concrete action after every sure Deny naming it."""
        for deny in self.sure:
            if deny.covers_action(action):
                resources = deny.restrict(resources)
        return resources

    def remaining_globs(self, pattern: str) -> list[str]:
        """Which parts of an allowed action glob no sure Deny on every resource refuses: ``[]`` when all of
        it is refused, ``[pattern]`` when nothing is, else the NotAction globs of the Denies that leave them."""
        left = [pattern]
        for deny in self.sure:
            if not deny.covers_every_resource():
                continue
            narrowed: list[str] = []
            for glob in left:
                if deny.covers_action(glob):
                    continue
                if deny.not_actions is not None:
                    # The Deny refuses everything but its NotAction: what stays is inside those.
                    inside = [e for e in deny.not_actions if globs_overlap(glob, e)]
                    narrowed.extend(e if glob_covers(e, glob) else glob for e in inside)
                    continue
                narrowed.append(glob)
            left = sorted(set(narrowed), key=str.lower)
        return left
