"""IAM links between the root modules of one Terraform set (the set is applied to one account).

Each root module is normalized with the modules it calls (references and values resolve within it),
but ``aws_iam_user_policy { user = "smtp-sender" }`` in one root grants the user of that name that
another root creates. :func:`cross_module_links` finds the policy resources, policy attachments and
group memberships that name a principal their own root does not define, and those whose principal is
neither a known name nor a reference (``var.user`` with no value): such a link may name any principal
of its kind in the set, its own root included. :func:`sesguard.sources.cfn.links.attach_across_files`
then attaches them. A resource whose ``count``/``for_each`` is unknown gives an Unknown (it may not
exist).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, Final

from sesguard.model import Unknown, is_unknown
from sesguard.sources.cfn.links import CrossLink, Field
from sesguard.sources.terraform.iam_documents import policy_document
from sesguard.sources.terraform.normalize import (
    ATTACHMENT_TYPES,
    INLINE_POLICY_TYPES,
    PRINCIPAL_TYPES,
    attached_documents,
    clean,
    home_of,
    if_created,
)
from sesguard.sources.terraform.raw import RawResource

_SHARED_ATTACHMENT: Final = (("users", "user"), ("groups", "group"), ("roles", "role"))


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _given(raw: RawResource, attached: Callable[[RawResource], Any]) -> list[tuple[str, str, Field, Any]]:
    """What a resource gives: (argument naming the principals, their kind, field, value)."""
    if raw.type in INLINE_POLICY_TYPES:
        kind = INLINE_POLICY_TYPES[raw.type]
        document = policy_document(raw.values.get("policy"), f"{raw.address}.policy")
        return [(kind, kind, "policy_documents", document)]
    if raw.type in ATTACHMENT_TYPES:
        kind = ATTACHMENT_TYPES[raw.type]
        return [(kind, kind, "policy_documents", attached(raw))]
    if raw.type == "aws_iam_policy_attachment":
        document = attached(raw)
        return [(arg, kind, "policy_documents", document) for arg, kind in _SHARED_ATTACHMENT]
    if raw.type == "aws_iam_group_membership":
        group = raw.values.get("group")
        return [("users", "user", "groups", group if group is not None else Unknown(f"{raw.address} names no group"))]
    return []


def cross_module_links(raws: Iterable[RawResource]) -> list[CrossLink]:
    """Links from policy resources and group memberships to principals their root does not define."""
    by_home: dict[str, list[RawResource]] = defaultdict(list)
    for raw in raws:
        by_home[home_of(raw)].append(raw)
    links: list[CrossLink] = []
    for home, members in by_home.items():
        own = {
            (PRINCIPAL_TYPES[r.type], r.values.get("name"))
            for r in members
            if r.type in PRINCIPAL_TYPES and isinstance(r.values.get("name"), str)
        }
        attached = attached_documents(members)
        for raw in members:
            if raw.mode != "managed":
                continue
            given = _given(raw, attached)
            if raw.type == "aws_iam_user_group_membership":  # one user, several groups
                groups = raw.values.get("groups")
                given = [("user", "user", "groups", g) for g in _items(groups)]
            for arg, kind, field, value in given:
                value = clean(if_created(raw, value))
                for name in _items(raw.values.get(arg)):
                    if name is None or (kind, name) in own:
                        continue
                    if isinstance(name, str):
                        links.append(CrossLink(kind, name, home, raw.address, field, value))
                    elif is_unknown(name) and not raw.refs.get(arg):  # not a reference: any principal
                        target = Unknown(f"{raw.address} {arg} cannot be resolved ({name.reason})")
                        links.append(CrossLink(kind, target, home, raw.address, field, value, reaches_home=True))
    return links
