"""sesguard's template policies as cfn-lint rules: ``cfn-lint --append-rules sesguard.cfnlint_rules``.

cfn-lint derives a match's level from the first letter of the rule ID, so sesguard's policies are
grouped into three rules by severity: E9501 (critical and high), W9502 (medium and low), I9503 (info).
Every match message starts with the sesguard policy ID, so editors show ``SES-CS-001 ...``. The
verdicts are the engine's (same code path as ``pytest checks/ --templates``); waivers and the config
file are not applied here (use cfn-lint's own ``--ignore-checks`` or ``Metadata`` to silence rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from sesguard.derive import derive
from sesguard.engine import Finding, build_findings
from sesguard.policies import Policy, load_policies
from sesguard.sources.cfn import read_template
from sesguard.sources.cfn.normalize import SOURCE

SEVERITY_GROUPS: dict[str, tuple[str, ...]] = {
    "E9501": ("critical", "high"),
    "W9502": ("medium", "low"),
    "I9503": ("info",),
}


@cache
def _template_policies() -> tuple[Policy, ...]:
    return tuple(p for p in load_policies() if SOURCE in p.sources)


# cfn-lint asks each of the three rules about the same template in turn: evaluate it once.
_last: dict[str, Any] = {"template": None, "rows": ()}


def findings_for_template(template: dict[str, Any], filename: str) -> tuple[Finding, ...]:
    """The failing and error rows of one template, evaluated as ``pytest checks/`` evaluates it."""
    if _last["template"] is not template:
        inventory = read_template(template, filename, filename)
        derive(inventory)
        policies = _template_policies()
        rows = build_findings(policies, inventory, {p.id: p.defaults() for p in policies})
        _last["template"], _last["rows"] = template, tuple(r for r in rows if r.status in ("fail", "error"))
    found: tuple[Finding, ...] = _last["rows"]
    return found


def _path(finding: Finding, template: dict[str, Any]) -> list[str | int]:
    """The logical ID's path for resource rows; the top of the file for set-level rows."""
    resources = template.get("Resources") or {}
    if finding.resource.id in resources:
        return ["Resources", finding.resource.id]
    return []


class _SesguardRule(CloudFormationLintRule):  # type: ignore[misc]
    """Reports the sesguard rows of one severity group as cfn-lint matches."""

    severities: ClassVar[Sequence[str]] = ()
    source_url = "https://docs.aws.amazon.com/ses/latest/dg/best-practices.html"
    tags: ClassVar[list[str]] = ["sesguard", "ses", "security"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template
        filename = str(Path(cfn.filename)) if cfn.filename else "template"
        matches = []
        for finding in findings_for_template(template, filename):
            if finding.severity not in self.severities:
                continue
            verb = "could not be evaluated" if finding.status == "error" else "fails"
            message = f"{finding.policy_id} {verb}: {finding.title}: {finding.message}"
            matches.append(RuleMatch(_path(finding, template), message))
        return matches


class SesguardCriticalHigh(_SesguardRule):
    """sesguard policies of severity critical and high."""

    id = "E9501"
    shortdesc = "sesguard SES policies (critical, high)"
    description = (
        "Amazon SES best practices from sesguard's catalog that can lead to review periods or abuse."
    )
    severities = SEVERITY_GROUPS["E9501"]


class SesguardMediumLow(_SesguardRule):
    """sesguard policies of severity medium and low."""

    id = "W9502"
    shortdesc = "sesguard SES policies (medium, low)"
    description = "Amazon SES best practices from sesguard's catalog: monitoring, authentication, hygiene."
    severities = SEVERITY_GROUPS["W9502"]


class SesguardInfo(_SesguardRule):
    """sesguard policies of severity info."""

    id = "I9503"
    shortdesc = "sesguard SES policies (info)"
    description = "Amazon SES facts worth knowing from sesguard's catalog."
    severities = SEVERITY_GROUPS["I9503"]
