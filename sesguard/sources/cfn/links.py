"""IAM links between the files (Terraform: root modules) of one template set: the set is the unit.

A policy resource or a group membership may name a principal that another file of the set defines
(stacks deployed together, root modules applied to one account). Each file attaches what names its
own principals; :func:`attach_across_files` gives every other principal what names it: the document
(or group) itself when the names match, an Unknown ("it may be this one") when the link's name or
the principal's name cannot be resolved. A file read branch-wise (CloudFormation Conditions) gives
its links per branch: what differs between its branches reaches the principal as a
:class:`~sesguard.model.Branches` when the principal has no branches of its own, else as an Unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sesguard.branch_values import merge_values
from sesguard.model import IAM_PRINCIPAL, Branches, Resource, Unknown

Field = Literal["policy_documents", "groups"]
# One file's links, per branch of its conditions: (branch label, links); one ("", links) when none.
LinkVariants = Sequence[tuple[str, Sequence["CrossLink"]]]


@dataclass(frozen=True)
class CrossLink:
    """A policy document (``field`` ``policy_documents``) or a group (``groups``) that ``origin`` in
    ``home`` gives to the principal of ``kind`` named ``target`` (an Unknown: perhaps any of them).
    ``reaches_home``: also principals of its own home, which did not attach it (Terraform: a target
    that is neither a value nor a reference)."""

    kind: str
    target: str | Unknown
    home: str
    origin: str
    field: Field
    value: Any
    reaches_home: bool = False


def _entry(link: CrossLink, value: Any) -> Any:
    return value if link.field == "groups" else {"origin": link.origin, "document": value}


def _entries(principal: Resource, home: str, name: Any, links: Iterable[CrossLink], field: Field) -> list[Any]:
    """What ``links`` give ``principal`` (whose home is ``home`` and name ``name``) in ``field``."""
    found: list[Any] = []
    for link in links:
        if link.field != field or link.kind != principal.props.get("principal_type"):
            continue
        if home == link.home and not link.reaches_home:
            continue
        if isinstance(link.target, Unknown):
            why = f"names a {link.kind} that cannot be resolved ({link.target.reason})"
        elif isinstance(name, str):
            if name != link.target:
                continue
            found.append(_entry(link, link.value))
            continue
        else:
            reason = name.reason if isinstance(name, Unknown) else "it has no name"
            why = f"names {link.kind} {link.target!r}, and the name of this {link.kind} is unknown ({reason})"
        found.append(_entry(link, Unknown(f"{link.origin} in {link.home} {why}; it may be this one")))
    return found


def _extended(current: Any, entries: list[Any]) -> Any:
    """``current`` (a list, or Branches of lists) with ``entries`` added in every branch."""
    if isinstance(current, Branches):
        options = tuple((label, _extended(value, entries)) for label, value in current.options)
        return Branches(current.reason, options=options, prop=current.prop)
    if isinstance(current, list):
        return [*current, *entries]
    return current  # an Unknown list stays Unknown


def _one_value(variants: list[tuple[str, list[Any]]], home: str, field: Field) -> list[Any]:
    """The entries of every branch as one list: an entry not the same in all of them is Unknown."""
    shown = "; ".join(label for label, _ in variants)
    result: list[Any] = []
    for _, entries in variants:
        for entry in entries:
            if all(entry in other for _, other in variants):
                if entry not in result:
                    result.append(entry)
                continue
            origin = entry.get("origin", "?") if isinstance(entry, dict) else str(entry)
            unknown = Unknown(f"{origin} of {home} is given only in some of its condition branches ({shown})")
            result.append(unknown if field == "groups" else {"origin": origin, "document": unknown})
    return result


def attach_across_files(
    resources: Iterable[Resource],
    sources: Iterable[tuple[str, LinkVariants]],
    unnamed: Mapping[tuple[str, str], Unknown],
    home_of: Callable[[Resource], str] | None = None,
) -> None:
    """Give each principal what the links of the set's other homes (files) name it for, in place.

    ``sources``: (home, its links per branch); ``unnamed``: (file, resource id) of the principals
    whose name cannot be resolved, with the reason; ``home_of``: a principal's home (default: its file).
    """
    principals = [r for r in resources if r.type == IAM_PRINCIPAL]
    homes_and_names = [
        (
            home_of(principal) if home_of is not None else str(principal.location.file),
            unnamed.get((str(principal.location.file), principal.id), principal.props.get("name")),
        )
        for principal in principals
    ]
    for home, variants in sources:
        if not any(links for _, links in variants):
            continue  # most files name no principal of another: linear in files, not files x principals
        for principal, (own_home, name) in zip(principals, homes_and_names, strict=True):
            for field in ("policy_documents", "groups"):
                given = [(label, _entries(principal, own_home, name, links, field)) for label, links in variants]
                if not any(entries for _, entries in given):
                    continue
                labelled = [(f"{label} in {home}" if label else home, entries) for label, entries in given]
                merged = merge_values(labelled, field)
                current = principal.props.get(field)
                if not isinstance(merged, Branches):
                    principal.props[field] = _extended(current, merged)
                elif isinstance(current, list) and not any(isinstance(v, Branches) for v in principal.props.values()):
                    principal.props[field] = merge_values(
                        [(label, [*current, *entries]) for label, entries in labelled], field
                    )
                else:
                    principal.props[field] = _extended(current, _one_value(labelled, home, field))
