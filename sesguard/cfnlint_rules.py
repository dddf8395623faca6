"""sesguard's template policies as cfn-lint rules: ``cfn-lint template.yaml --append-rules sesguard.cfnlint_rules``.

One cfn-lint rule per template-evaluable policy, with the stable ID of :mod:`sesguard.cfnlint_ids`
(``SES-CS-001`` is ``E9101``; the letter is the severity), so ``--ignore-checks``,
``--mandatory-checks``, ``--configure-rule`` and a resource's ``Metadata: cfn-lint: config:
ignore_checks`` work per policy, as for any cfn-lint rule. Every match message starts with the
sesguard policy ID. The verdicts are the engine's (same code path as ``pytest checks/
--templates``); waivers and the config file are not applied here.

The rule classes are made from the shipped policies when cfn-lint asks the module for its members
(module ``__getattr__`` / ``__dir__``), not at import; they share one :class:`TemplateRows`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from sesguard.cfnlint_ids import rule_id
from sesguard.engine import Finding
from sesguard.policies import Policy, load_policies
from sesguard.run import evaluate
from sesguard.sources.cfn import read_template
from sesguard.sources.cfn.normalize import SOURCE


class TemplateRows:
    """The failing and error rows of the template cfn-lint is checking, evaluated once for all rules.

    cfn-lint asks each rule about the same template in turn; the rules share one of these (see
    :func:`rule_classes`), which keeps the rows of the last template it evaluated.
    """

    def __init__(self, policies: tuple[Policy, ...]) -> None:
        self.policies = policies
        self._template: dict[str, Any] | None = None
        self._rows: tuple[Finding, ...] = ()

    def of(self, template: dict[str, Any], filename: str) -> tuple[Finding, ...]:
        """The failing and error rows of one template, evaluated as ``pytest checks/`` evaluates it."""
        if self._template is not template:
            rows = evaluate(read_template(template, filename, filename), self.policies).findings
            self._template, self._rows = template, tuple(r for r in rows if r.status in ("fail", "error"))
        return self._rows


def _path(finding: Finding, template: dict[str, Any]) -> list[str | int]:
    """The logical ID's path for resource rows; the top of the file for set-level rows."""
    resources = template.get("Resources") or {}
    if finding.resource.id in resources:
        return ["Resources", finding.resource.id]
    return []


class SesguardPolicyRule(CloudFormationLintRule):  # type: ignore[misc]
    """Reports the failing and error rows of one sesguard policy as cfn-lint matches."""

    policy_id: ClassVar[str] = ""
    rows: ClassVar[TemplateRows]
    tags: ClassVar[list[str]] = ["sesguard", "ses", "security"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template
        filename = str(Path(cfn.filename)) if cfn.filename else "template"
        matches = []
        for finding in self.rows.of(template, filename):
            if finding.policy_id != self.policy_id:
                continue
            verb = "could not be evaluated" if finding.status == "error" else "fails"
            detail = finding.message
            if detail.lower().startswith("could not be evaluated: "):
                detail = detail[len("could not be evaluated: ") :]
            message = f"{finding.policy_id} {verb}: {finding.title}: {detail}"
            matches.append(RuleMatch(_path(finding, template), message))
        return matches


def _rule_class(policy: Policy, rows: TemplateRows) -> type[SesguardPolicyRule]:
    rid = rule_id(policy.id, policy.severity)
    urls = [str(r.get("url")) for r in policy.references if r.get("url")]
    attributes: dict[str, Any] = {
        "__doc__": f"sesguard {policy.id}: {policy.title}",
        "__module__": __name__,
        "id": rid,
        "policy_id": policy.id,
        "rows": rows,
        "shortdesc": f"{policy.id}: {policy.title}"[:200],
        "description": " ".join(policy.description.split()),
        "source_url": urls[0] if urls else "https://docs.aws.amazon.com/ses/latest/dg/best-practices.html",
        "tags": ["sesguard", "ses", policy.severity, policy.resource],
    }
    return type(_class_name(policy.id), (SesguardPolicyRule,), attributes)


def _class_name(policy_id: str) -> str:
    return "Rule_" + policy_id.replace("-", "_")


@cache
def rule_classes() -> Mapping[str, type[SesguardPolicyRule]]:
    """The rule class of each template policy, by class name (``Rule_SES_CS_001``): made once from the
    shipped policies (a read-only mapping: the cached value is shared)."""
    rows = TemplateRows(tuple(p for p in load_policies() if SOURCE in p.sources))
    return MappingProxyType({_class_name(p.id): _rule_class(p, rows) for p in rows.policies})


def __getattr__(name: str) -> Any:
    classes = rule_classes() if name.startswith("Rule_SES_") else {}
    if name in classes:
        return classes[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *rule_classes()])
