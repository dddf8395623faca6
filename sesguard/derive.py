"""Derived properties that span resources, computed once per inventory (see docs/model.md)."""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sesguard import iam_analysis
from sesguard.branch_values import merge_values
from sesguard.model import (
    ACCOUNT,
    CONFIGURATION_SET,
    EMAIL_IDENTITY,
    IAM_PRINCIPAL,
    Branches,
    Inventory,
    Resource,
    Unknown,
    is_unknown,
)


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 string (or datetime) as an aware UTC datetime; None when absent or unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _days(since: Any, now: datetime) -> float | Unknown | None:
    if is_unknown(since):
        result: Unknown = since
        return result
    moment = parse_time(since)
    if moment is None:
        return None
    return round((now - moment).total_seconds() / 86400, 2)


def derive(inventory: Inventory, now: datetime | None = None) -> Inventory:
    """A copy of ``inventory`` whose resources carry their derived properties too (``inventory`` is not
    changed: each resource and its ``props`` are copied, the values themselves are shared)."""
    derived = _copy(inventory)
    _fill(derived, now)
    return derived


def _copy(inventory: Inventory) -> Inventory:
    """The inventory with copies of its resources and their property dicts (derive writes only those)."""
    resources = []
    for resource in inventory.resources:
        clone = copy.copy(resource)
        clone.props = dict(resource.props)
        resources.append(clone)
    return Inventory(
        resources=resources,
        errors=list(inventory.errors),
        sets=dict(inventory.sets),
        collected_at=inventory.collected_at,
        meta=dict(inventory.meta),
    )


def _fill(inventory: Inventory, now: datetime | None) -> None:
    """Fill the derived properties of every resource of ``inventory`` (its own copies) in place."""
    moment = parse_time(inventory.collected_at) or now or datetime.now(UTC)
    by_set: dict[str, list[Resource]] = defaultdict(list)
    for resource in inventory.resources:
        by_set[resource.set_name].append(resource)
    principals_by_account: dict[str, list[Resource]] = defaultdict(list)
    for resource in inventory.resources:
        if resource.type == IAM_PRINCIPAL:
            principals_by_account[_principal_scope(resource)].append(resource)
    for resource in inventory.resources:
        if resource.type == CONFIGURATION_SET:
            _branchwise(resource, _derive_configuration_set)
        elif resource.type == ACCOUNT and resource.set_ref.in_account:
            # Snapshots saved before the reader told quiet regions apart: every region counted.
            resource.props.setdefault("quiet_region", False)
    for members in by_set.values():
        config_sets = {
            r.props.get("name"): r
            for r in members
            if r.type == CONFIGURATION_SET and isinstance(r.props.get("name"), str)
        }
        domains = _domain_identities(members)
        for resource in members:
            if resource.type == EMAIL_IDENTITY:
                _branchwise(resource, functools.partial(_derive_identity, config_sets=config_sets, domains=domains, now=moment))
    for principals in principals_by_account.values():
        groups = {r.props.get("name"): r for r in principals if r.props.get("principal_type") == "group"}
        for resource in principals:
            _branchwise(resource, functools.partial(_derive_principal, groups=groups, now=moment))


def _branchwise(resource: Resource, derive_one: Callable[[Resource], None]) -> None:
    """Derive a resource's facts; when base facts differ between template branches (:class:`Branches`),
    in each branch, each derived fact then the same value in all or a Branches of its own."""
    branched = [v for v in resource.props.values() if isinstance(v, Branches)]
    labels = [label for label, _ in branched[0].options] if branched else []
    if not branched or any([label for label, _ in b.options] != labels for b in branched):
        derive_one(resource)
        return
    results = []
    for index, label in enumerate(labels):
        props = {k: v.options[index][1] if isinstance(v, Branches) else v for k, v in resource.props.items()}
        branch = replace(resource, props=props)
        derive_one(branch)
        results.append((label, branch.props))
    for key in results[0][1]:
        if key not in resource.props:
            resource.props[key] = merge_values([(label, props[key]) for label, props in results], key)


def _value(value: Any, default: Any) -> Any:
    """``value``, or ``default`` when it is None (an Unknown stays Unknown)."""
    return default if value is None else value


def _entries(value: Any, what: str) -> list[dict[str, Any]]:
    """Policy-document entries; an Unknown list becomes one entry whose document is Unknown."""
    if isinstance(value, Unknown):
        return [{"origin": what, "document": value}]
    return list(value or [])


def _last_use(key: dict[str, Any]) -> Any:
    """When a key was last used, counting a never-used key from its creation."""
    used = key.get("last_used_at")
    return key.get("created_at") if used is None or used == "" else used


def _principal_scope(resource: Resource) -> str:
    return resource.location.account or resource.set_name


def _derive_configuration_set(resource: Resource) -> None:
    """``enabled_event_types``: the union over enabled destinations.

    A destination that may or may not count (``enabled`` Unknown: an unresolved Enabled, a
    ``count``-gated or conditional destination, or one whose configuration set is unknown and may be
    this one) leaves the union known when every event type it could add is already covered by the
    destinations that certainly count; otherwise, and when an enabled destination's event types are
    unknown, the union is the known types plus an Unknown element (what certainly is covered still
    decides "contains BOUNCE and COMPLAINT").
    """
    destinations = resource.props.get("event_destinations")
    if is_unknown(destinations) or destinations is None:
        resource.props["enabled_event_types"] = destinations if destinations is not None else []
        return
    types: set[str] = set()
    maybe: list[tuple[Any, Any, Unknown | None]] = []  # (name, event types, why it may count)
    for destination in destinations:
        enabled = destination.get("enabled", True)
        event_types = destination.get("event_types", [])
        if isinstance(enabled, Unknown):
            maybe.append((destination.get("name"), event_types, enabled))
        elif not enabled:
            continue
        elif isinstance(event_types, Unknown):
            maybe.append((destination.get("name"), event_types, None))
        else:
            known = [t for t in event_types if not is_unknown(t)]
            if len(known) < len(event_types):
                maybe.append((destination.get("name"), [t for t in event_types if is_unknown(t)], None))
            types.update(str(t).upper() for t in known)
    for name, event_types, why in maybe:
        if isinstance(event_types, Unknown):
            unknown = event_types
        elif any(is_unknown(t) for t in event_types):
            unknown = next(t for t in event_types if isinstance(t, Unknown))
        elif {str(t).upper() for t in event_types} <= types:
            continue  # whether it counts or not, it adds nothing
        else:
            unknown = why if why is not None else Unknown("event types are unknown")
        resource.props["enabled_event_types"] = [
            *sorted(types),
            Unknown(f"event destination {name}: {unknown.reason}"),
        ]
        return
    resource.props["enabled_event_types"] = sorted(types)


_SYMBOL = "symbol:"


def _domain_identities(members: list[Resource]) -> dict[str, Resource]:
    """Domain identities by domain; also by symbol (``${var.domain}``) for one whose name is known only
    symbolically (a domain, or of unknown kind: an address's domain part names it a domain)."""
    found = {}
    for r in members:
        if r.type != EMAIL_IDENTITY:
            continue
        kind, domain = r.props.get("identity_type"), r.props.get("domain")
        if kind == "DOMAIN" and isinstance(domain, str):
            found[domain.lower()] = r
        elif (kind == "DOMAIN" or is_unknown(kind)) and isinstance(domain, Unknown) and domain.symbol:
            found[_SYMBOL + domain.symbol] = r
    return found


def _derive_identity(
    resource: Resource, config_sets: dict[Any, Resource], domains: dict[str, Resource], now: datetime
) -> None:
    props = resource.props
    feedback = _feedback_types(props.get("default_configuration_set"), config_sets)
    props["feedback_event_types"] = feedback
    topics = _value(props.get("notification_topics"), {})
    for event, key in (("BOUNCE", "bounce_feedback"), ("COMPLAINT", "complaint_feedback")):
        topic = topics.get(event) if isinstance(topics, dict) else topics
        if isinstance(topic, str) and topic:
            props[key] = True
        elif is_unknown(topic):
            props[key] = topic
        elif isinstance(feedback, Unknown):
            props[key] = feedback
        elif event in [t for t in feedback if not is_unknown(t)]:
            props[key] = True
        else:  # not among the known types: an unknown one may be it
            props[key] = next((t for t in feedback if isinstance(t, Unknown)), False)
    policies = props.get("policies")
    if policies is None:
        props["public_policy_statements"] = []
    elif is_unknown(policies):
        props["public_policy_statements"] = policies
    else:
        props["public_policy_statements"] = iam_analysis.public_statements(policies)
    identity_type = props.get("identity_type")
    if isinstance(identity_type, Unknown):
        # It may be an address: whether its domain is verified is as unknown as the identity itself.
        domain = props.get("domain")
        props["domain_identity_present"] = domain if isinstance(domain, Unknown) else identity_type
    elif identity_type == "EMAIL_ADDRESS":
        domain = props.get("domain")
        if isinstance(domain, Unknown) and domain.symbol and _SYMBOL + domain.symbol in domains:
            props["domain_identity_present"] = True  # the same variable names both
        elif is_unknown(domain):
            props["domain_identity_present"] = domain
        else:
            parent = domains.get(str(domain).lower())
            verified = parent is not None and parent.props.get("verification_status", "SUCCESS") == "SUCCESS"
            props["domain_identity_present"] = verified
    props["dkim_key_age_days"] = _days(props.get("dkim_key_generated_at"), now)


def _feedback_types(name: Any, config_sets: dict[Any, Resource]) -> list[str] | Unknown:
    if name is None:
        return []
    if is_unknown(name):
        result: Unknown = name
        return result
    config_set = config_sets.get(name)
    if config_set is None:
        return Unknown(f"default configuration set {name!r} is not defined in this set")
    types = config_set.props.get("enabled_event_types", [])
    return types if is_unknown(types) else list(types)


def _derive_principal(resource: Resource, groups: dict[Any, Resource], now: datetime) -> None:
    props = resource.props
    documents = _entries(props.get("policy_documents"), "policy documents")
    attached = _value(props.get("attached_policy_names"), [])
    attached = [attached] if isinstance(attached, Unknown) else list(attached)
    group_names = _value(props.get("groups"), [])
    if is_unknown(group_names):
        documents.append({"origin": "groups", "document": group_names})
        group_names = []
    for group_name in group_names:
        group = groups.get(group_name)
        if group is None:
            reason = (
                f"group is unknown: {group_name.reason}"
                if isinstance(group_name, Unknown)
                else f"group {group_name} is not defined here"
            )
            documents.append({"origin": f"group:{group_name}", "document": Unknown(reason)})
            continue
        for entry in _entries(group.props.get("policy_documents"), f"group {group_name} policy documents"):
            documents.append(
                {"origin": f"group:{group_name}/{entry.get('origin')}", "document": entry.get("document")}
            )
        group_attached = _value(group.props.get("attached_policy_names"), [])
        attached.extend([group_attached] if isinstance(group_attached, Unknown) else group_attached)
    props["effective_documents"] = documents
    analysis = iam_analysis.analyse_sending(entry.get("document") for entry in documents)
    props["is_sending"] = analysis.is_sending
    props["actions_beyond_send"] = analysis.actions_beyond_send
    # analyse_sending already made these Unknown where an unreadable document or value decides them.
    props["send_resource_scoped"] = analysis.resource_scoped
    props["send_network_restricted"] = analysis.network_restricted
    quarantine = sorted(
        {str(n) for n in attached if not is_unknown(n) and str(n).startswith("AWSCompromisedKeyQuarantine")}
    )
    unreadable = next((n for n in attached if isinstance(n, Unknown)), None)
    props["quarantine_policies"] = unreadable if unreadable is not None and not quarantine else quarantine
    keys = _value(props.get("access_keys"), [])
    if is_unknown(keys):
        props["has_access_keys"] = keys
        props["active_key_count"] = keys
        props["active_keys"] = keys
        return
    statuses = [k.get("status", "Active") for k in keys]
    active = [
        k for k, s in zip(keys, statuses, strict=True) if not is_unknown(s) and str(s).lower() == "active"
    ]
    unknown_status = next((s for s in statuses if isinstance(s, Unknown)), None)
    if unknown_status is not None:
        # A key whose status (or owner) is unknown may be one more active key of this user.
        note = Unknown(f"access key status is unknown: {unknown_status.reason}")
        props["has_access_keys"] = True if active else note
        props["active_key_count"] = note
        props["active_keys"] = note
        return
    props["has_access_keys"] = bool(active)
    props["active_key_count"] = len(active)
    props["active_keys"] = [
        {
            "id": key.get("id"),
            "age_days": _days(key.get("created_at"), now),
            "unused_days": _days(_last_use(key), now),
        }
        for key in active
    ]
