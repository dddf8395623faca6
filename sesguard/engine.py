"""Pairing policies with resources and turning each pair into a Finding (one pytest row)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from sesguard.conditions import Context, Outcome, evaluate
from sesguard.model import (
    ACCOUNT,
    IAM_PRINCIPAL,
    TEMPLATE_SET,
    Inventory,
    Resource,
    SetRef,
    SourceError,
)
from sesguard.policies import Policy
from sesguard.sources import SOURCES

TYPE_LABELS: Final = {
    ACCOUNT: "SES sending resources (account-level settings)",
    "email_identity": "email identities",
    "configuration_set": "configuration sets",
    IAM_PRINCIPAL: "IAM principals",
    "receipt_rule": "receipt rules",
    TEMPLATE_SET: "templates",
}
MAX_REASONS: Final = 3
SET_LEVEL_TYPES: Final = (ACCOUNT, TEMPLATE_SET)  # resources named by their set
MAX_PROBLEM_CHARS: Final = 400


@dataclass(frozen=True)
class Finding:
    """The verdict of one policy on one resource: what users see as one pytest row."""

    policy_id: str
    title: str
    severity: str
    status: str
    message: str
    resource: Resource
    key: str
    remediation: Mapping[str, str]
    observed: Any = None
    expected: Any = None
    waiver: Mapping[str, Any] | None = None
    below_threshold: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def id(self) -> str:
        """The row id, ``POLICY::resource``: stable, usable with ``-k`` and waivers."""
        return f"{self.policy_id}::{self.key}"

    @property
    def former_ids(self) -> tuple[str, ...]:
        """Ids a template row had before rows were named ``scope:id`` (``POLICY::LogicalId``, and
        ``POLICY::FILE:LogicalId`` as a clash qualified it), so waivers written so are still found."""
        if self.resource.set_ref.in_account:
            return ()
        if self.resource.type in SET_LEVEL_TYPES:  # named by the path as given (maybe absolute)
            former = self.resource.location.file
            return (f"{self.policy_id}::{former}",) if former and former != self.key else ()
        forms = [f"{self.policy_id}::{self.resource.id}"]
        if self.resource.location.file:
            forms.append(f"{self.policy_id}::{self.resource.location.file}:{self.resource.id}")
        return tuple(dict.fromkeys(f for f in forms if f != self.id))


def resource_key(resource: Resource) -> str:
    """The name a row uses for its resource (before de-duplication): a function of the resource
    alone, so adding other templates or accounts to a run never renames it."""
    loc = resource.location
    if not resource.set_ref.in_account:
        if resource.scope and resource.scope != ".":
            return f"{resource.scope}:{resource.id}"
        return resource.id
    if resource.type == IAM_PRINCIPAL:  # global: the live reader's id is already "user/NAME"
        return "/".join(p for p in (loc.account, resource.id) if p)
    if resource.type == ACCOUNT:
        return "/".join(p for p in (loc.account, loc.region) if p)
    return "/".join(p for p in (loc.account, loc.region, resource.id) if p)


def banded_severity(policy: Policy, props: Mapping[str, Any]) -> str:
    """The severity after banding (e.g. a bounce rate at 10% is critical), else the policy's."""
    bands = policy.severity_bands
    if not bands:
        return policy.severity
    value = props.get(bands["path"])
    if isinstance(value, int | float) and not isinstance(value, bool):
        for band in sorted(bands["bands"], key=lambda b: -b["min"]):
            if value >= band["min"]:
                return str(band["severity"])
    return policy.severity


def _explain(outcome: Outcome) -> str:
    reasons = list(dict.fromkeys(outcome.reasons))
    text = "; ".join(reasons[:MAX_REASONS])
    if len(reasons) > MAX_REASONS:
        text += f"; and {len(reasons) - MAX_REASONS} more"
    return text


def evaluate_pair(policy: Policy, resource: Resource, params: Mapping[str, Any]) -> Finding:
    """Evaluate one policy on one resource. Never raises: an internal problem is an ``error`` row."""
    base = Finding(
        policy_id=policy.id,
        title=policy.title,
        severity=policy.severity,
        status="error",
        message="",
        resource=resource,
        key=resource_key(resource),
        remediation=policy.remediation,
    )
    ctx = Context(params=params, source=resource.source)
    doubt = scope_doubt(policy, resource, params)
    if doubt is not None:  # never decided on a guess: the policy may not apply at all
        return replace(base, message=f"cannot tell whether the resource is in this policy's scope: {doubt}")
    try:
        if policy.applies_when:
            applies = evaluate(policy.applies_when["condition"], resource.props, ctx)
            if applies.value is False:
                return replace(
                    base, status="skip", message=f"not applicable: {policy.applies_when['reason']}"
                )
            if applies.value is None:
                return replace(base, message=f"cannot tell whether the policy applies: {_explain(applies)}")
        outcome = evaluate(policy.assertion, resource.props, ctx)
        severity = banded_severity(policy, resource.props)
    except Exception as exc:  # a crashing policy becomes an error row, never a pass
        return replace(base, message=f"internal error evaluating {policy.id}: {exc!r}")
    if outcome.value is None:
        return replace(base, severity=severity, message=f"could not be evaluated: {_explain(outcome)}")
    if outcome.value:
        return replace(base, status="pass", severity=severity, message=f"compliant: {policy.title}")
    message = _explain(outcome)
    if policy.fail_hint:
        message = f"{message} ({policy.fail_hint})"
    return replace(
        base,
        status="fail",
        severity=severity,
        message=message,
        observed=outcome.observed,
        expected=outcome.expected,
    )


def in_scope(policy: Policy, resource: Resource, params: Mapping[str, Any]) -> bool:
    """Whether the resource may belong to the policy's population (unknown counts as in scope: its
    row is an error, see :func:`scope_doubt`)."""
    if policy.scope is None:
        return True
    try:
        return evaluate(policy.scope, resource.props, Context(params, resource.source)).value is not False
    except Exception:
        return True


def scope_doubt(policy: Policy, resource: Resource, params: Mapping[str, Any]) -> str | None:
    """Why it cannot be told whether the resource belongs to the policy's population (an identity
    whose kind, domain or address, is unknown for a domain-only policy), else None."""
    if policy.scope is None:
        return None
    try:
        outcome = evaluate(policy.scope, resource.props, Context(params, resource.source))
    except Exception as exc:
        return f"internal error evaluating the scope of {policy.id}: {exc!r}"
    if outcome.value is not None:
        return None
    return _explain(outcome) or "the scope is unknown"


def _set_resource(policy: Policy, set_ref: SetRef, errors: Sequence[SourceError]) -> Resource:
    location = errors[0].location if errors else set_ref.location()
    return Resource(type=policy.resource, id=set_ref.name, location=location, set_ref=set_ref)


def build_findings(
    policies: Sequence[Policy], inventory: Inventory, params: Mapping[str, Mapping[str, Any]]
) -> list[Finding]:
    """Every row of a run: one per (policy, resource in scope), plus set-level skip and error rows."""
    by_set_type: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for resource in inventory.resources:
        by_set_type[(resource.set_name, resource.type)].append(resource)
    errors_by_set: dict[str, list[SourceError]] = defaultdict(list)
    for error in inventory.errors:
        errors_by_set[error.set_name].append(error)
    findings: list[Finding] = []
    for set_name, set_ref in sorted(inventory.sets.items()):
        source = set_ref.source
        for policy in policies:
            policy_params = params.get(policy.id, policy.defaults())
            if not set_ref.covers(policy.resource):
                continue
            placeholder = _set_resource(policy, set_ref, errors_by_set.get(set_name, []))
            row = Finding(
                policy_id=policy.id,
                title=policy.title,
                severity=policy.severity,
                status="skip",
                message="",
                resource=placeholder,
                key=set_name,
                remediation=policy.remediation,
            )
            if source not in policy.sources:
                needs = ", ".join(SOURCES[s].label for s in policy.sources)
                findings.append(
                    replace(
                        row, message=f"not evaluated from {SOURCES[source].label}; this policy needs {needs}"
                    )
                )
                continue
            blocking = [
                e for e in errors_by_set.get(set_name, []) if "*" in e.affects or policy.resource in e.affects
            ]
            if blocking:
                detail = _problems(blocking)
                # a set-level policy also has the set's own row: the input problem gets a name of its
                # own, so the set's row keeps its id whether or not the set has problems
                key = f"{set_name} (input problems)" if policy.resource in SET_LEVEL_TYPES else set_name
                findings.append(
                    replace(
                        row,
                        key=key,
                        status="error",
                        message=f"could not read what this policy needs: {detail}",
                    )
                )
            candidates = by_set_type.get((set_name, policy.resource), [])
            scoped = [r for r in candidates if in_scope(policy, r, policy_params)]
            if not scoped and not blocking:
                findings.append(
                    replace(row, message=f"nothing to check: no {_scope_label(policy)} in {set_name}")
                )
            findings.extend(evaluate_pair(policy, r, policy_params) for r in scoped)
    return _dedupe_keys(findings)


def _problems(errors: Sequence[SourceError]) -> str:
    """What a set's input problems are, in one bounded line (each problem said once, briefly)."""
    texts = list(
        dict.fromkeys(f"{e.message}{f' ({e.code})' if e.code and e.code not in e.message else ''}" for e in errors)
    )
    shown = [t if len(t) <= MAX_PROBLEM_CHARS else t[: MAX_PROBLEM_CHARS - 1] + "…" for t in texts[:MAX_REASONS]]
    more = len(texts) - len(shown)
    return "; ".join(shown) + (f"; and {more} more input problems" if more else "")


def _scope_label(policy: Policy) -> str:
    label = TYPE_LABELS.get(policy.resource, policy.resource)
    return f"{label} in this policy's scope" if policy.scope else label


def _dedupe_keys(findings: list[Finding]) -> list[Finding]:
    """Make row ids unique. Keys are already unique per resource; two rows can only share one when
    two inputs have the same portable name (see ``docs/row-ids.md``): the later ones (in input
    order) get ``#2``, ``#3``..., counted within each policy."""
    seen: dict[str, int] = defaultdict(int)
    result = []
    for finding in findings:
        seen[finding.id] += 1
        if seen[finding.id] > 1:
            finding = replace(finding, key=f"{finding.key}#{seen[finding.id]}")
        result.append(finding)
    return sorted(result, key=lambda f: f.id)
