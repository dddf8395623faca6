"""``docs/model.md``, rendered from the property catalogue (:mod:`sesguard.model.catalogue`).

``python -m sesguard.model.docs > docs/model.md`` regenerates it; a test keeps it current.
"""

from __future__ import annotations

from typing import Final

from sesguard.model.catalogue import CATALOGUE, Prop
from sesguard.model.resource import ACCOUNT, IAM_PRINCIPAL, TEMPLATE_SET

INTRO: Final = """# The normalized resource model

Generated from the property catalogue ([`sesguard/model/catalogue.py`](../sesguard/model/catalogue.py)) by
`python -m sesguard.model.docs > docs/model.md` (a test keeps it current); policy `path:`s are
checked against it when policies load.

Every source (live account, CloudFormation, Terraform) produces `sesguard.model.Resource` objects
with the property names below. Sources fill **base** properties with *effective* values: where AWS
has a default for an absent setting, the source writes the default (e.g. CloudFormation
`DkimAttributes.SigningEnabled` absent = `true`); where a setting is genuinely absent the value is
`None`. A value the source could not determine is `sesguard.model.Unknown(reason)`: never a guess,
never taken for absent or false, never dropped. A link whose target cannot be resolved (a policy
attached to `Users: [!Ref UserNameParameter]`) reaches every resource it may designate as an Unknown
(see `iam_principal`), so their rows are errors rather than "nothing to check". Any property below may
be Unknown; the notes say where a source produces one on purpose.
CloudFormation conditions: a condition the parameters' defaults decide is decided (a resource whose
`Condition:` is false is not created); with up to four undecided conditions the template is read
once per combination (`sesguard/sources/cfn/branches.py`) and a property that differs between them is
a `sesguard.model.Branches` (an Unknown carrying each branch's value): a policy test of that very
property is evaluated in every branch (same verdict everywhere = the verdict; different = error naming
the branch that fails); derive computes derived facts branch by branch; anywhere else it is Unknown.
Terraform conditional expressions (`cond ? a : b`) work the same way: a condition the variables
decide (defaults, tfvars, module arguments) takes its branch; with up to four undecided conditions
whose branches differ, the set is read once per combination, each reading taking one branch of each
(`sesguard/sources/terraform/branches.py`), and the readings are merged as above. A condition is
named by its text in its module instance (`module.mail.var.strict`); `!X` is `X` negated; one that
depends on `each`, `count` or `self` may differ between instances and stays Unknown. A `count = c ?
1 : 0` resource exists in the branches where `c` holds and is judged there.
`sesguard.derive` then computes the **derived** properties that span resources, once, in the model
layer, so policies stay flat data. Enumerations are upper-case (`BOUNCE`, `REQUIRE`) whatever the
source spells them. Timestamps are ISO-8601 strings in UTC.

`Resource.id` is the name users know: the CloudFormation logical ID, the Terraform address
(`aws_sesv2_configuration_set.main`), or for a live account the identity / configuration set /
IAM principal name (account rows: the region). `Resource.set_ref` (a `sesguard.model.SetRef`) is
the set it was read with: its source and name (the template set's path as given on the command line,
or `<account>/<region>` for live), and for a set read from an account its `account` and `region`
(None for the account-wide IAM set); the engine reads those fields, never the name.
"""

HEADINGS: Final = {
    ACCOUNT: "live: one per account and region; templates: one per template set defining SES resources or alarms "
    "reading an `AWS/SES` metric: a monitoring-only set is judged on SES-MON-001/002, and SES-VDM-001 / SES-SUP-001 "
    "scope it out by `ses_resource_count` 0",
    IAM_PRINCIPAL: "users, roles and groups",
    TEMPLATE_SET: "templates only, one per set",
}

AFTER: Final = {
    IAM_PRINCIPAL: """The IAM-derived properties follow these rules:

* A condition test **restricts** a key only when a request that does not carry the named values is
  refused: negated operators (`StringNotEquals`, `StringNotLike`, `ArnNotEquals`, `ArnNotLike`,
  `NotIpAddress`, ...), `...IfExists` variants and `ForAllValues:` (true when the key is absent: a
  request through a VPC endpoint has no `aws:SourceIp`, one from the internet no `aws:SourceVpc`),
  `Null`, and tests whose values match everything (`0.0.0.0/0`, `::/0`, `StringLike *`) do not.
* `send_resource_scoped` and `send_network_restricted` are Unknown when an unresolved `Resource`,
  `Condition` (or a restricting test's value: an unresolved CIDR may be `0.0.0.0/0`), `Action` or
  `Effect` decides them. A policy document that cannot be read makes a true
  `send_resource_scoped` Unknown (it may allow an unscoped send), and any `send_network_restricted`
  Unknown (it may allow an unrestricted send, or hold a Deny outside known networks).
* **Explicit Deny overrides Allow** ([`sesguard/iam_deny.py`](../sesguard/iam_deny.py), the same for
  templates and live): a Deny without `Condition` refuses what its `Action` (or everything but its
  `NotAction`) names on what its `Resource` names (or everything but its `NotResource`). A send action
  it refuses on every resource is not granted (a user whose every send action is denied is not a
  sending principal); a `NotResource` Deny narrows an Allow to the resources it lists (so
  `Deny ses:* NotResource identity/x` scopes an Allow on `*`); a grant beyond send that Denies refuse
  is dropped (`ses:*` with `Deny NotAction [SendEmail, SendRawEmail]` leaves nothing beyond send;
  `sqs:SendMessage` under `Deny sqs:*` is gone). A Deny with a known Condition refuses some requests
  only and takes nothing away (except as the network Deny of `send_network_restricted`). A Deny with
  a part that cannot be read (an unresolved `Action`, `Resource`, or a `Condition` that may be
  `AWS::NoValue`) is taken at its widest: a fact that would change if it applied is Unknown.
* `public_policy_statements` is Unknown when a statement's `Principal`, `Effect` or restricting
  condition cannot be resolved.
""",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(prop: Prop) -> str:
    kind = "derived" if prop.derived else "base"
    return f"| `{prop.name}` | {_cell(prop.type)} | {kind} | {', '.join(prop.sources)} | {_cell(prop.meaning)} |"


def render_model() -> str:
    """The whole document: the introduction, then one table per resource type."""
    lines = [INTRO.rstrip("\n")]
    for resource_type, props in CATALOGUE.items():
        heading = HEADINGS.get(resource_type)
        lines += ["", f"## `{resource_type}`" + (f" ({heading})" if heading else ""), ""]
        lines += ["| property | type | base/derived | sources | meaning |", "|---|---|---|---|---|"]
        lines += [_row(p) for p in props]
        if resource_type in AFTER:
            lines += ["", AFTER[resource_type].rstrip("\n")]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the document (``python -m sesguard.model.docs > docs/model.md``)."""
    print(render_model(), end="")


if __name__ == "__main__":
    main()
