"""The policy catalog as Markdown (``docs/policies.md``), rendered from the policy files themselves."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sesguard.cfnlint_ids import rule_id
from sesguard.policies import Policy
from sesguard.sources import SOURCES

HEADER = """# Policy catalog

Generated from `policies/*.yaml` by `python -m sesguard.policy_docs > docs/policies.md` (a test
keeps it current). The IDs are a public contract: an ID never changes meaning. Sources: **live**
(an AWS account), **cfn** (CloudFormation / SAM / CDK), **tf** (Terraform `.tf` and plan JSON).
Elsewhere a policy's rows are `skip` with the reason. Each template policy is one cfn-lint rule
(`cfn-lint template.yaml --append-rules sesguard.cfnlint_rules`) whose ID is stable:
`SES-<AREA>-<NNN>` is `<L>9<A><NN>`, with `L` the severity letter (`E` critical/high, `W`
medium/low, `I` info), `A` the area digit (ACCT 0, CS 1, ID 2, IAM 3, MON 4, RCV 6, REP 7, SUP 8,
VDM 9) and `NN` the policy number: `SES-CS-001` is `E9101`.

| ID | severity | resource | sources | title |
|---|---|---|---|---|
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def render_catalog(policies: Sequence[Policy]) -> str:
    """The whole catalog: an index table, then one section per policy."""
    lines = [HEADER.rstrip("\n")]
    for p in policies:
        anchor = p.id.lower()
        lines.append(
            f"| [{p.id}](#{anchor}) | {p.severity} | {p.resource} | {', '.join(p.sources)} | {_cell(p.title)} |"
        )
    for p in policies:
        headline = f"**{p.title}** — severity `{p.severity}`"
        if p.severity_bands:
            bands = ", ".join(f"≥ {b['min']:g}: {b['severity']}" for b in p.severity_bands["bands"])
            headline += f" (by `{p.severity_bands['path']}`: {bands})"
        headline += f", resource `{p.resource}`, sources {', '.join(p.sources)}."
        lines += ["", f"## {p.id}", "", headline, "", _cell(p.description), ""]
        lines += [f"*Why:* {_cell(p.rationale)}", ""]
        if p.parameters:
            lines.append("| parameter | default | meaning |")
            lines.append("|---|---|---|")
            for name, spec in p.parameters.items():
                lines.append(f"| `{name}` | `{json.dumps(spec['default'])}` | {_cell(spec['description'])} |")
            lines.append("")
        r = p.remediation
        lines += [
            f"*Fix:* {_cell(r['summary'])}",
            "",
            f"- Console: {_cell(r['console'])}",
            f"- AWS CLI: `{_cell(r['cli'])}`",
            f"- CloudFormation: {_cell(r['cloudformation'])}",
            f"- Terraform: {_cell(r['terraform'])}",
            "",
            "References: " + "; ".join(f"[{ref['title']}]({ref['url']})" for ref in p.references),
        ]
        if p.compliance:
            lines += [
                "",
                "Also checks: "
                + "; ".join(
                    f"[{c['framework']} {c['control']}]({c['url']}) ({c.get('relation', 'overlaps')}): "
                    f"{_cell(c['title'])}"
                    for c in p.compliance
                ),
            ]
        if any(SOURCES[s].cfn_lint for s in p.sources):
            lines += ["", f"cfn-lint rule: `{rule_id(p.id, p.severity)}`"]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the catalog of the shipped policies."""
    from sesguard.policies import load_policies

    print(render_catalog(load_policies()), end="")


if __name__ == "__main__":
    main()
