"""Branch-wise reading of a template whose facts depend on CloudFormation Conditions.

Conditions decidable from the parameters' defaults are decided (:meth:`Resolver.condition_value`).
When undecided conditions remain (a parameter without default), the template is normalized once per
combination of their values (at most :data:`MAX_FREE_CONDITIONS` of them; the others decide the rest)
and the facts are merged: a fact that is the same in every branch is that value; one that differs is
a :class:`~sesguard.model.Branches`, which a policy test evaluates in every branch (the same verdict in
all is the verdict; different verdicts are an error naming the branch that fails). A resource created
only in some branches is judged on those.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from sesguard.branch_values import Assignment, by_relevant_conditions, merge_values
from sesguard.model import Branches, Resource, Unknown
from sesguard.sources.cfn.normalize import DmarcRecords, TemplateFacts, TemplateNormalizer
from sesguard.sources.cfn.resolve import Resolver
from sesguard.sources.cfn.sam_roles import with_sam_roles

RECORD_TYPES: Final = frozenset({"AWS::Route53::RecordSet", "AWS::Route53::RecordSetGroup"})
MAX_FREE_CONDITIONS: Final = 4  # 16 branches; beyond, Fn::If values that differ stay Unknown


def normalize_branchwise(
    template: Mapping[str, Any], file: str, set_name: str, other_records: DmarcRecords = ({}, [])
) -> TemplateFacts:
    """The template's facts, with facts that differ between condition branches as Branches
    (``other_records``: the DMARC records of the set's other templates). SAM functions and state
    machines are read with the execution roles SAM creates for them."""
    template = with_sam_roles(template)

    def normalize(assignment: dict[str, bool] | None) -> TemplateFacts:
        normalizer = TemplateNormalizer(template, file, set_name, assignment)
        normalizer.other_records = other_records
        return normalizer.normalize()

    free = Resolver(template).free_conditions()
    if not free or len(free) > MAX_FREE_CONDITIONS:
        return normalize(None)
    variants = []
    for values in itertools.product((True, False), repeat=len(free)):
        assignment = dict(zip(free, values, strict=True))
        variants.append((tuple(assignment.items()), normalize(assignment)))
    return _merge(variants)


def set_records(templates: list[tuple[str, Mapping[str, Any]]], set_name: str) -> dict[str, DmarcRecords]:
    """For each file, the DMARC records of the set's other templates (read with their defaults).

    Only templates with a Route 53 record are normalized for their records, and only those that have
    some are merged: linear in the files of the set, not quadratic.
    """
    own = {
        file: TemplateNormalizer(t, file, set_name).dmarc_records()
        for file, t in templates
        if _has_records(t)
    }
    having = [(other, records) for other, records in own.items() if records[0] or records[1]]
    result: dict[str, DmarcRecords] = {}
    for file, _ in templates:
        found: dict[str, Any] = {}
        uncertain: list[tuple[str | None, Any, str]] = []
        for other, (records, unnamed) in having:
            if other != file:
                found.update(records)
                uncertain.extend(unnamed)
        result[file] = (found, uncertain)
    return result


def _has_records(template: Mapping[str, Any]) -> bool:
    """Whether the template declares a resource of a type :meth:`TemplateNormalizer.dmarc_records` reads."""
    resources = template.get("Resources")
    return isinstance(resources, Mapping) and any(
        isinstance(body, Mapping) and isinstance(body.get("Type"), str) and body["Type"] in RECORD_TYPES
        for body in resources.values()
    )


def _merge(variants: list[tuple[Assignment, TemplateFacts]]) -> TemplateFacts:
    """The facts of every branch as one; each fact's branches labelled by the conditions it depends on."""
    merged = TemplateFacts()
    by_key: dict[tuple[str, str], list[tuple[Assignment, Resource]]] = {}
    for decided, facts in variants:
        for resource in facts.resources:
            by_key.setdefault((resource.type, resource.id), []).append((decided, resource))
    for present in by_key.values():
        first = present[0][1]
        props = merge_values(by_relevant_conditions([(decided, r.props) for decided, r in present]), "")
        merged.resources.append(replace(first, props=props if isinstance(props, dict) else first.props))
    merged.alarms = merge_values(by_relevant_conditions([(d, f.alarms) for d, f in variants]), "alarms")
    merged.vdm_enabled = merge_values(
        by_relevant_conditions([(d, f.vdm_enabled) for d, f in variants]), "vdm_enabled"
    )
    merged.ses_resource_count = max(f.ses_resource_count for _, f in variants)
    merged.ses_alarm_count = max(f.ses_alarm_count for _, f in variants)
    merged.links = [
        (", ".join(f"{name} is {'true' if value else 'false'}" for name, value in decided),
         [link for _, links in f.links for link in links])
        for decided, f in variants
    ]
    for _, facts in variants:
        merged.unnamed.update(facts.unnamed)
    return merged


def concatenated(first: Any, second: Any, prop: str) -> Any:
    """Two lists of a set's facts (the alarms of two templates) as one, branch by branch."""
    left = first.options if isinstance(first, Branches) else (("", first),)
    right = second.options if isinstance(second, Branches) else (("", second),)
    options = []
    for (label_a, a), (label_b, b) in itertools.product(left, right):
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return a if isinstance(a, Unknown) else b
        options.append((", ".join(x for x in (label_a, label_b) if x), [*a, *b]))
    if len(options) == 1:
        return options[0][1]
    return merge_values(options, prop)
