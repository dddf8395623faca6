"""The policy catalog as Markdown (``docs/policies.md``), rendered from the policy files themselves."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sesguard.policies import Policy

HEADER = """# Policy catalog

Generated from `policies/*.yaml` by `python -m sesguard.policy_docs > docs/policies.md` (a test
keeps it current). The IDs are a public contract: an ID never changes meaning. Sources: **live**
(an AWS account), **cfn** (CloudFormation / SAM / CDK), **tf** (Terraform `.tf` and plan JSON).
Elsewhere a policy's rows are `skip` with the reason.

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
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the catalog of the shipped policies."""
    from sesguard.policies import load_policies

    print(render_catalog(load_policies()), end="")


if __name__ == "__main__":
    main()
