"""The property catalogue: every property of every resource type, what it holds and who provides it.

This is the model's contract in code. Sources and :mod:`sesguard.derive` fill these names (a test
reads the demo, the examples, the fixtures and both corpora and finds no other), policies name them
in ``path:`` (a policy naming another is a load error, :mod:`sesguard.policies`), and
``docs/model.md`` is rendered from it (``python -m sesguard.model.docs > docs/model.md``).

Adding a property: one :class:`Prop` here, and the source or derive code that computes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from sesguard.model.resource import (
    ACCOUNT,
    CONFIGURATION_SET,
    EMAIL_IDENTITY,
    IAM_PRINCIPAL,
    RECEIPT_RULE,
    TEMPLATE_SET,
    Branches,
    Resource,
)

LIVE: Final = ("live",)
TEMPLATES: Final = ("cfn", "tf")
EVERY: Final = ("live", "cfn", "tf")


@dataclass(frozen=True)
class Prop:
    """One property: its name, value type (as documented), whether a source reads it (base) or
    :mod:`sesguard.derive` computes it (derived), the sources that provide it, and its meaning.
    ``fields`` are the keys of its items (a list of objects) or of the object itself."""

    name: str
    type: str
    sources: tuple[str, ...]
    meaning: str
    derived: bool = False
    fields: tuple[str, ...] = ()


def base(name: str, type_: str, sources: tuple[str, ...], meaning: str, fields: tuple[str, ...] = ()) -> Prop:
    """A property a source reads."""
    return Prop(name, type_, sources, meaning, derived=False, fields=fields)


def derived(name: str, type_: str, sources: tuple[str, ...], meaning: str, fields: tuple[str, ...] = ()) -> Prop:
    """A property :mod:`sesguard.derive` computes from base properties."""
    return Prop(name, type_, sources, meaning, derived=True, fields=fields)


ALARM_FIELDS: Final = (
    "name", "namespace", "metric_name", "dimensions", "expression", "threshold", "comparison", "actions",
    "actions_enabled", "file", "line",
)  # fmt: skip
DOCUMENT_FIELDS: Final = ("origin", "document")

CATALOGUE: Final[Mapping[str, tuple[Prop, ...]]] = {
    ACCOUNT: (
        base("enforcement_status", "str", LIVE, "`HEALTHY`, `PROBATION`, `SHUTDOWN`"),
        base("sending_enabled", "bool", LIVE, "the account may send"),
        base("production_access_enabled", "bool", LIVE, "out of the sandbox"),
        base("suppressed_reasons", "list[str] or None", EVERY,
             "account suppression list reasons; None = not configured in this set"),
        base("vdm_enabled", "bool", EVERY,
             "live `VdmAttributes.VdmEnabled == ENABLED`; cfn `AWS::SES::VdmAttributes` with dashboard *and* "
             "guardian enabled (three-valued over the set: one enabling both is true, else one with an unresolved "
             "setting is Unknown, else false); tf `aws_sesv2_account_vdm_attributes`"),
        base("bounce_rate", "float or None", LIVE,
             "latest datapoint of `AWS/SES Reputation.BounceRate` in the look-back window; None = no data"),
        base("complaint_rate", "float or None", LIVE,
             "latest datapoint of `AWS/SES Reputation.ComplaintRate` in the look-back window; None = no data"),
        base("bounce_rate_at", "str or None", LIVE, "time of the `bounce_rate` datapoint"),
        base("complaint_rate_at", "str or None", LIVE, "time of the `complaint_rate` datapoint"),
        base("sent_in_lookback", "float", LIVE,
             "sum of `AWS/SES Send` in the look-back window (read in the same `GetMetricData` call); "
             "0 = nothing sent"),
        base("quiet_region", "bool", LIVE,
             "the region has no email identity and `sent_in_lookback` is 0 (always false with "
             "`--all-regions-strict`; Unknown when either fact is); SES-MON-001/002 and SES-VDM-001 skip there. "
             "Snapshots without it: false"),
        base("alarms", "list[alarm]", EVERY,
             "alarm = `{name, namespace, metric_name, dimensions: [\"Name=Value\"], expression: str or None, "
             "threshold: float, comparison, actions: int, actions_enabled: bool, file?, line?}` "
             "([`sesguard/alarm_metric.py`](../sesguard/alarm_metric.py), the same for every source). For a "
             "metric-math alarm the fields describe the metric the returned expression is, when it is that metric "
             "scaled by a positive constant (`m1`, `m1 * 100`; `threshold` is then on the metric's own scale: 0.1 "
             "on `m1 * 100` is 0.001); any other expression (`m1 * 0`, `FILL(m1, 0)`, `m1 + m2`) is kept in "
             "`expression` with `namespace`/`metric_name` None. `dimensions` is Unknown when it cannot be resolved "
             "(a dimension that is an `Fn::If` that may be `AWS::NoValue` and no other). cfn `actions` is Unknown "
             "when `AlarmActions` (or one of its items) is an `Fn::If` that may be `AWS::NoValue`. Live: alarms on "
             "the two reputation metrics (with their dimensions) and metric-math alarms using them",
             ALARM_FIELDS),
        base("ses_resource_count", "int", TEMPLATES, "SES resources in the set"),
    ),
    EMAIL_IDENTITY: (
        base("identity", "str", EVERY, "the domain or address (may be Unknown in templates)"),
        base("identity_type", "str", EVERY,
             "`DOMAIN` or `EMAIL_ADDRESS` (told from the name where the source does not state it: "
             "[`sesguard/model/identity.py`](../sesguard/model/identity.py))"),
        base("domain", "str", EVERY,
             "the domain, or the part after `@`; lower-cased, without a trailing dot, not IDNA-encoded "
             "(`Ops@Mail.Example.COM`: `mail.example.com`, the same in every source)"),
        base("verification_status", "str", LIVE, "`SUCCESS`, `PENDING`, `FAILED`, ..."),
        base("dkim_signing_enabled", "bool", EVERY, "DKIM signing is on (templates: default true)"),
        base("dkim_status", "str", LIVE, "DKIM verification status"),
        base("dkim_origin", "str", EVERY,
             "`AWS_SES` (Easy DKIM) or `EXTERNAL` (BYODKIM); cfn: Unknown when `DkimSigningAttributes` cannot be "
             "resolved"),
        base("dkim_key_length", "str or None", EVERY, "current key: `RSA_1024_BIT` / `RSA_2048_BIT`"),
        base("dkim_next_key_length", "str or None", EVERY,
             "next key: `RSA_1024_BIT` / `RSA_2048_BIT` (cfn/tf: the configured `NextSigningKeyLength`, default "
             "`RSA_2048_BIT`)"),
        base("dkim_key_generated_at", "str or None", LIVE, "when the current key was generated"),
        base("mail_from_domain", "str or None", EVERY, "the custom MAIL FROM domain"),
        base("mail_from_status", "str or None", LIVE, "its verification status"),
        base("dmarc_checked", "bool", EVERY, "false when DNS look-ups are off (live)"),
        base("dmarc_policy", "str or None", EVERY,
             "the `p=` of `_dmarc.<domain>` (`none`, `quarantine`, `reject`), else the organizational domain's "
             "(`sp=` when present; [`sesguard/dmarc.py`](../sesguard/dmarc.py), the same for every source), None = "
             "no record; templates: Unknown when a TXT record whose name, type or value cannot be resolved may be "
             "`_dmarc.<domain>` and say otherwise"),
        base("default_configuration_set", "str or None", EVERY,
             "configuration set name (templates: resolved to the set's logical ID/address name when it refers to "
             "one in the set)"),
        base("notification_topics", "dict", EVERY,
             "`{\"BOUNCE\": arn or None, \"COMPLAINT\": arn or None, \"DELIVERY\": ...}` (v1 identity "
             "notifications)",
             ("BOUNCE", "COMPLAINT", "DELIVERY")),
        base("policies", "list[{name, document}]", EVERY, "sending-authorization policies (every one of them)",
             ("name", "document")),
        base("sandbox", "bool or None", LIVE, "the account is in the sandbox"),
        derived("feedback_event_types", "list[str]", EVERY,
                "event types covered by enabled destinations of the default configuration set"),
        derived("bounce_feedback", "bool", EVERY, "bounces reach someone: configuration-set events or an SNS topic"),
        derived("complaint_feedback", "bool", EVERY,
                "complaints reach someone: configuration-set events or an SNS topic"),
        derived("public_policy_statements", "list[str]", EVERY,
                "`policy/Sid` of statements allowing `*` without a restricting condition; Unknown when a "
                "statement's `Principal`, `Effect` or restricting condition cannot be resolved"),
        derived("domain_identity_present", "bool", EVERY,
                "(EMAIL_ADDRESS) a DOMAIN identity for its domain is in the same account or template set; Unknown "
                "(with the identity's reason) when `identity_type` is Unknown"),
        derived("dkim_key_age_days", "float or None", EVERY, "days since `dkim_key_generated_at`"),
    ),
    CONFIGURATION_SET: (
        base("name", "str", EVERY, "the configuration set's name"),
        base("event_destinations", "list[dest]", EVERY,
             "dest = `{name, enabled: bool, event_types: [UPPER], target}`; `enabled` is Unknown for an "
             "unresolved `Enabled`, and for a destination whose configuration set cannot be resolved (templates), "
             "which is listed, with that reason, on every set it may belong to",
             ("name", "enabled", "event_types", "target", "line")),
        base("tls_policy", "str", EVERY, "`REQUIRE` or `OPTIONAL` (default `OPTIONAL`)"),
        base("reputation_metrics_enabled", "bool", EVERY, "default false"),
        base("suppressed_reasons", "list[str] or None", EVERY,
             "None = `SuppressionOptions` absent (account settings apply)"),
        base("sending_enabled", "bool", EVERY, "the set may send (default true)"),
        derived("enabled_event_types", "list[str]", EVERY,
                "union over enabled destinations; a destination that only may count (`enabled` Unknown: "
                "unresolved, `count`-gated, conditional) changes nothing when its event types are already in the "
                "union, else the union is the known types plus an Unknown element (as when an enabled destination's "
                "event types are Unknown), so what certainly is covered still decides `contains_all [BOUNCE, "
                "COMPLAINT]`"),
    ),
    IAM_PRINCIPAL: (
        base("principal_type", "str", EVERY, "`user`, `role`, `group`"),
        base("name", "str", EVERY, "the principal's name"),
        base("policy_documents", "list[{origin, document}]", EVERY,
             "inline and attached managed policies, documents resolved (Unknown when not); `origin` like "
             "`inline:Name`, `managed:arn`; templates: a policy attached to a principal that cannot be resolved "
             "(`Users: [!Ref P]`, P without a default) adds an Unknown document to every principal of that kind "
             "it may be attached to",
             DOCUMENT_FIELDS),
        base("groups", "list[str]", EVERY, "(users) group names; derive merges their documents"),
        base("attached_policy_names", "list[str]", EVERY, "managed policy names attached (user and its groups)"),
        base("access_keys", "list[key]", EVERY,
             "key = `{id (masked), status: Active/Inactive, created_at, last_used_at}`; dates None in templates; "
             "an active key whose `UserName` cannot be resolved is listed on every user it may belong to, with an "
             "Unknown status",
             ("id", "status", "created_at", "last_used_at")),
        base("console_password", "bool", EVERY,
             "cfn: Unknown when `LoginProfile` is an `Fn::If` that may be `AWS::NoValue` (beyond four undecided "
             "conditions; otherwise true/false per branch)"),
        derived("effective_documents", "list[{origin, document}]", EVERY, "own + group documents", DOCUMENT_FIELDS),
        derived("is_sending", "bool or Unknown", EVERY,
                "effective policies allow an SES send action (wildcards and NotAction included) on some resource "
                "that no explicit Deny without condition refuses (see the Deny rules below)"),
        derived("has_access_keys", "bool", EVERY,
                "an active key; a key with an Unknown status makes it Unknown unless another key is active"),
        derived("active_key_count", "int", EVERY, "active keys; Unknown when a key's status is"),
        derived("actions_beyond_send", "list[str]", EVERY,
                "allowed actions beyond the five send actions (`*`, `ses:*`, `ses:Send* (grants ses:SendBounce)`, "
                "`s3:GetObject`, ...)"),
        derived("send_resource_scoped", "bool", EVERY,
                "every allowing send statement names identity ARNs in `Resource` (at least one "
                "`arn:…:ses:…:identity/NAME`, NAME not `*`, and nothing but SES identity, configuration-set and "
                "template ARNs: no `*`, no `NotResource`) or has a restricting `ses:FromAddress` condition"),
        derived("send_network_restricted", "bool", EVERY,
                "every allowing send statement has a restricting `aws:SourceIp` / `aws:SourceVpc` / "
                "`aws:SourceVpce` condition, **or** the send actions it grants are refused to requests from outside "
                "known networks by Deny statements of the principal's documents: `Resource: *`, Action/NotAction "
                "covering those actions, and a Condition made only of negated network tests (`NotIpAddress "
                "aws:SourceIp`, `StringNotEquals aws:SourceVpc` / `aws:SourceVpce`, `...IfExists` allowed) and "
                "optionally `Bool aws:ViaAWSService false`"),
        derived("active_keys", "list[{id, age_days, unused_days}]", EVERY,
                "active keys with their age and days unused; Unknown with a key's status",
                ("id", "age_days", "unused_days")),
        derived("quarantine_policies", "list[str]", EVERY, "attached `AWSCompromisedKeyQuarantine*` names"),
    ),
    RECEIPT_RULE: (
        base("name", "str", EVERY, "the rule's name"),
        base("rule_set", "str", EVERY, "its rule set's name"),
        base("enabled", "bool", EVERY, "the rule is enabled"),
        base("scan_enabled", "bool", EVERY, "spam and virus scanning (default false)"),
        base("tls_policy", "str", EVERY, "`REQUIRE` / `OPTIONAL` (default `OPTIONAL`)"),
        base("rule_set_active", "bool or None", ("live", "tf"),
             "the rule set is the active one (tf: `aws_ses_active_receipt_rule_set` names it)"),
    ),
    TEMPLATE_SET: (
        base("secret_exposures", "list[{where, detail, file, line}]", TEMPLATES,
             "a secret access key / SMTP password reaching an output, tag, parameter default or non-secret property",
             ("where", "detail", "file", "line")),
        base("literal_credentials", "list[{kind, masked, field, file, line}]", TEMPLATES,
             "literal access key IDs, secret-shaped strings in credential-named fields, SMTP passwords; never the "
             "secret itself",
             ("kind", "masked", "field", "file", "line")),
        base("files", "int", ("cfn",), "templates read in the set"),
    ),
}  # fmt: skip


def prop_of(resource_type: str, name: str) -> Prop | None:
    """The catalogue entry of a property, or None when the type has no such property."""
    return next((p for p in CATALOGUE.get(resource_type, ()) if p.name == name), None)


def prop_names(resource_type: str) -> tuple[str, ...]:
    """The property names of a resource type, in catalogue order."""
    return tuple(p.name for p in CATALOGUE.get(resource_type, ()))


def undeclared(resources: Iterable[Resource]) -> set[str]:
    """What resources carry that the catalogue does not declare: ``type.prop [source]`` for a property
    not declared for that source, ``type.prop[].field`` for an item field not among its ``fields``."""
    found = set()
    for resource in resources:
        for name, value in resource.props.items():
            prop = prop_of(resource.type, name)
            if prop is None or resource.source not in prop.sources:
                found.add(f"{resource.type}.{name} [{resource.source}]")
                continue
            values = [v for _, v in value.options] if isinstance(value, Branches) else [value]
            for one in values:
                items = one if isinstance(one, list) else [one] if isinstance(one, dict) else []
                for item in items:
                    if isinstance(item, dict) and prop.fields:
                        found.update(f"{resource.type}.{name}[].{k}" for k in item if k not in prop.fields)
    return found
