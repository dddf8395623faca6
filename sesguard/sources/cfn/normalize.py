"""Turning one decoded CloudFormation template into normalized resources (docs/model.md).

Fail closed: a value the resolver could not determine (:class:`~sesguard.model.Unknown`) stays
Unknown in the property it decides, whatever its shape: a whole block (``EventDestination: !If
...``), a list (``AlarmActions: !If ...``) or an item. It is never tested for truth, never taken for
absent, and never dropped: a link whose target cannot be resolved (``Users: [!Ref UserNameParameter]``)
reaches every resource it may designate as an Unknown. One unreadable value makes the affected
properties Unknown (error rows), never the whole template.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sesguard.alarm_metric import MetricQuery, alarm_entry, reads_ses, watched_metric
from sesguard.aws_managed import aws_managed_policy_document, aws_managed_policy_name
from sesguard.dmarc import effective_policy, template_tags
from sesguard.model import (
    CONFIGURATION_SET,
    EMAIL_IDENTITY,
    IAM_PRINCIPAL,
    RECEIPT_RULE,
    Location,
    Resource,
    SetRef,
    Unknown,
    is_unknown,
)
from sesguard.model import ses_defaults as defaults
from sesguard.model.identity import identity_facts
from sesguard.sources.cfn.links import CrossLink, Field
from sesguard.sources.cfn.reader import keyed_lines
from sesguard.sources.cfn.resolve import MaybeAbsent, Resolver, ResourceRef

SOURCE: Final = "cfn"
# ``_dmarc`` TXT records by domain, and records that may be DMARC records (domain or None, tags, why).
DmarcRecords = tuple[dict[str, Any], list[tuple[str | None, Any, str]]]
PRINCIPAL_TYPES: Final = {"AWS::IAM::User": "user", "AWS::IAM::Group": "group", "AWS::IAM::Role": "role"}
NAME_PROPERTIES: Final = {
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::Role": "RoleName",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
}
DMARC_PREFIX: Final = "_dmarc."
_ANY_PRINCIPAL: Final = (("user", "Users", True), ("group", "Groups", True), ("role", "Roles", True))
# Policy resources: the principals each attaches to (kind, property, whether the property is a list).
POLICY_LINKS: Final[dict[str, tuple[tuple[str, str, bool], ...]]] = {
    "AWS::IAM::Policy": _ANY_PRINCIPAL,
    "AWS::IAM::ManagedPolicy": _ANY_PRINCIPAL,
    "AWS::IAM::UserPolicy": (("user", "UserName", False),),
    "AWS::IAM::GroupPolicy": (("group", "GroupName", False),),
    "AWS::IAM::RolePolicy": (("role", "RoleName", False),),
}


@dataclass
class TemplateFacts:
    """What one template contributes: resources, alarms and VDM settings for the set's account row."""

    resources: list[Resource] = field(default_factory=list)
    alarms: Any = field(default_factory=list)  # list[alarm], or Branches of lists (sources.cfn.branches)
    vdm_enabled: bool | Unknown = False
    ses_resource_count: int = 0
    ses_alarm_count: int = 0  # alarms reading an AWS/SES metric: a monitoring-only set still has an account row
    # IAM links naming principals this template does not define, per condition branch (label, links)
    links: list[tuple[str, list[CrossLink]]] = field(default_factory=list)
    unnamed: dict[str, Unknown] = field(default_factory=dict)  # principals whose name is unresolved


def any_true(values: Iterable[bool | Unknown]) -> bool | Unknown:
    """Three-valued OR: any True is True, else any Unknown is (the first) Unknown, else False."""
    unknown: Unknown | None = None
    for value in values:
        if isinstance(value, Unknown):
            unknown = value if unknown is None else unknown
        elif value:
            return True
    return unknown if unknown is not None else False


def all_true(values: Iterable[bool | Unknown]) -> bool | Unknown:
    """Three-valued AND: any False is False, else any Unknown is (the first) Unknown, else True."""
    unknown: Unknown | None = None
    for value in values:
        if isinstance(value, Unknown):
            unknown = value if unknown is None else unknown
        elif not value:
            return False
    return unknown if unknown is not None else True


class _UnknownProperties(Mapping[str, Any]):
    """The ``Properties`` of a resource that resolve to Unknown as a whole (``Properties: !If ...``):
    every property is that Unknown."""

    def __init__(self, unknown: Unknown) -> None:
        self.unknown = unknown

    def __getitem__(self, key: str) -> Any:
        return self.unknown

    def __contains__(self, key: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


Props = Mapping[str, Any]


def _get(props: Any, *path: str, default: Any = None) -> Any:
    """The value at ``path`` in nested blocks; an Unknown block on the way is the answer."""
    current: Any = props
    for part in path:
        if is_unknown(current):
            return current
        if not isinstance(current, Mapping) or part not in current:
            return default
        current = current[part]
    return current


def _block(value: Any, what: str) -> Any:
    """A property that is an object: absent is an empty block, an Unknown stays Unknown."""
    if value is None:
        return {}
    if isinstance(value, Mapping) or is_unknown(value):
        return value
    return Unknown(f"{what} is not an object")


def _list(value: Any, what: str) -> list[Any] | Unknown:
    """A list property's items: absent is no items, an Unknown list stays Unknown (never "no items")."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        return list(value)
    return Unknown(f"{what} is not a list")


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _bool(value: Any, default: bool) -> Any:
    """A CloudFormation boolean (``true``, ``"true"``, ``"false"``), the default when absent."""
    if value is None:
        return default
    if isinstance(value, bool) or is_unknown(value):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(f"{value!r} is not a boolean")


def _is_enabled(value: Any) -> bool | Unknown:
    """``ENABLED`` (VdmAttributes), Unknown when unresolved, else False."""
    if isinstance(value, Unknown):
        return value
    return isinstance(value, str) and value.upper() == "ENABLED"


@dataclass
class _Candidates:
    """The resources of one kind a name or Ref may designate.

    ``names``: logical ID -> the name a literal must equal (the resolved name property, else the
    logical ID); ``unresolved``: logical IDs whose name property cannot be resolved -> why (a literal
    that names no other resource may be theirs).
    """

    names: dict[str, Any] = field(default_factory=dict)
    unresolved: dict[str, Unknown] = field(default_factory=dict)


@dataclass
class _Targets:
    """What a link designates: certainly (``certain``), or perhaps (``maybe``, with the reason)."""

    certain: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)
    why: Unknown | None = None


class TemplateNormalizer:
    """Normalizes the resources of one template file."""

    def __init__(
        self, template: Mapping[str, Any], file: str, set_name: str, assignment: Mapping[str, bool] | None = None
    ) -> None:
        self.template = template
        self.file = file
        self.set_name = set_name
        self.resolver = Resolver(template, assignment)
        self.other_records: DmarcRecords = ({}, [])  # DMARC records of the set's other templates
        raw = template.get("Resources")
        self.raw_resources: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self.lines = keyed_lines(self.raw_resources)
        self.resolved: dict[str, tuple[str, Props]] = {}
        self.ses_alarms = 0  # alarms reading an AWS/SES metric, counted by _alarms
        self.links: list[CrossLink] = []  # links that may name principals of other files of the set
        self.unnamed: dict[str, Unknown] = {}  # principals whose name cannot be resolved
        # Resources with a `Condition:` may not be created: what they would prove is not certain.
        self.conditions: dict[str, str] = {}
        for logical_id, body in self.raw_resources.items():
            if isinstance(body, Mapping) and isinstance(body.get("Condition"), str):
                created = self.resolver.condition_value(body["Condition"])
                if created is False:
                    continue  # not created (the condition is false with the defaults, or in this branch)
                if created is None:
                    self.conditions[str(logical_id)] = body["Condition"]
            if isinstance(body, Mapping) and isinstance(body.get("Type"), str):
                raw_props = body.get("Properties")
                props = self.resolver.resolve(raw_props if raw_props is not None else {})
                if isinstance(props, Unknown):
                    props = _UnknownProperties(Unknown(f"Properties of {logical_id}: {props.reason}"))
                elif not isinstance(props, Mapping):
                    props = _UnknownProperties(Unknown(f"Properties of {logical_id} is not an object"))
                self.resolved[str(logical_id)] = (body["Type"], props)

    def if_created(self, logical_id: str, value: Any) -> Any:
        """A fact of a resource, or Unknown when the resource has a ``Condition`` and the fact is
        evidence for compliance (a true flag, a DMARC policy): it may not be there at all."""
        condition = self.conditions.get(logical_id)
        if condition is None or value is None or value is False or is_unknown(value):
            return value
        return Unknown(f"{logical_id} is created only when condition {condition} is true")

    # --- names and links -------------------------------------------------------------------
    def name_of(self, value: Any) -> Any:
        """The name a value designates: a literal, or the name of the resource a Ref points to."""
        if isinstance(value, ResourceRef):
            if value.logical_id not in self.resolved:
                return Unknown(f"{value} is not a resource of this template")
            rtype, props = self.resolved[value.logical_id]
            if value.attribute not in (None, "Arn") and rtype != "AWS::IAM::ManagedPolicy":
                return Unknown(f"{value} is not a name")
            name = props.get(NAME_PROPERTIES.get(rtype, ""))
            return name if isinstance(name, str) else value.logical_id
        return value

    def candidates(self, *types: str) -> _Candidates:
        """The resources of ``types`` that links may designate, by logical ID."""
        found = _Candidates()
        for logical_id, props in self.of_type(*types):
            found.names[logical_id] = self.name_of(ResourceRef(logical_id))
            own = props.get(NAME_PROPERTIES.get(self.resolved[logical_id][0], ""))
            if isinstance(own, Unknown):
                found.unresolved[logical_id] = own
            elif own is not None and not isinstance(own, str):
                found.unresolved[logical_id] = Unknown(f"the name of {logical_id} is not a string")
        return found

    def targets(self, value: Any, candidates: _Candidates) -> _Targets:
        """The candidates a link (a Ref or a name) designates.

        A Ref to a candidate designates it; a literal designates the candidates of that name, or, when
        none has it, perhaps those whose name cannot be resolved; an unresolvable link perhaps any.
        """
        if (
            isinstance(value, ResourceRef)
            and value.logical_id in candidates.names
            and value.attribute in (None, "Arn")
        ):
            return _Targets(certain=[value.logical_id])
        name = self.name_of(value)
        if isinstance(name, str):
            certain = [lid for lid, known in candidates.names.items() if known == name]
            if certain:
                return _Targets(certain=certain)
            if not candidates.unresolved:
                return _Targets()  # a resource defined outside this template
            first = next(iter(candidates.unresolved.values()))
            why = Unknown(f"{name!r} may be the unresolved name ({first.reason})")
            return _Targets(maybe=list(candidates.unresolved), why=why)
        if isinstance(name, Unknown):
            why = name
        else:
            why = Unknown("no name is given" if name is None else f"{name!r} is not a name")
        return _Targets(maybe=list(candidates.names), why=why)

    def targets_of_list(self, value: Any, candidates: _Candidates, what: str) -> _Targets:
        """The candidates a list of links designates (an Unknown list: perhaps any of them)."""
        items = _list(value, what)
        if isinstance(items, Unknown):
            return _Targets(maybe=list(candidates.names), why=items)
        found = _Targets()
        for item in items:
            one = self.targets(item, candidates)
            found.certain.extend(lid for lid in one.certain if lid not in found.certain)
            found.maybe.extend(lid for lid in one.maybe if lid not in found.maybe)
            if one.why is not None and found.why is None:
                found.why = one.why
        found.maybe = [lid for lid in found.maybe if lid not in found.certain]
        return found

    def location(self, logical_id: str) -> Location:
        return Location(file=self.file, line=self.lines.get(logical_id))

    def of_type(self, *types: str) -> list[tuple[str, Props]]:
        return [(lid, props) for lid, (rtype, props) in self.resolved.items() if rtype in types]

    # --- the whole template ----------------------------------------------------------------
    def normalize(self) -> TemplateFacts:
        facts = TemplateFacts()
        facts.ses_resource_count = sum(
            1 for rtype, _ in self.resolved.values() if rtype.startswith("AWS::SES::")
        )
        facts.resources.extend(self._configuration_sets())
        facts.resources.extend(self._identities())
        facts.resources.extend(self._receipt_rules())
        facts.resources.extend(self._principals())
        facts.alarms = self._alarms()
        facts.ses_alarm_count = self.ses_alarms
        facts.links = [("", self.links)]
        facts.unnamed = self.unnamed
        # VDM is on when one VdmAttributes enables both the dashboard and the guardian.
        facts.vdm_enabled = any_true(
            self.if_created(
                logical_id,
                all_true(
                    [
                        _is_enabled(_get(p, "DashboardAttributes", "EngagementMetrics")),
                        _is_enabled(_get(p, "GuardianAttributes", "OptimizedSharedDelivery")),
                    ]
                ),
            )
            for logical_id, p in self.of_type("AWS::SES::VdmAttributes")
        )
        return facts

    def _resource(self, rtype: str, logical_id: str, native: str, props: dict[str, Any]) -> Resource:
        return Resource(
            type=rtype,
            id=logical_id,
            location=self.location(logical_id),
            set_ref=SetRef(SOURCE, self.set_name),
            props=props,
            native_type=native,
        )

    # --- SES ----------------------------------------------------------------------------------
    def _configuration_sets(self) -> list[Resource]:
        sets = self.candidates("AWS::SES::ConfigurationSet")
        destinations: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for logical_id, props in self.of_type("AWS::SES::ConfigurationSetEventDestination"):
            dest = _block(props.get("EventDestination"), "EventDestination")
            name = _get(dest, "Name", default=logical_id)
            entry = {
                "name": name if isinstance(name, str) else logical_id,
                "enabled": self.if_created(
                    logical_id, _bool(_get(dest, "Enabled"), defaults.EVENT_DESTINATION_ENABLED)
                ),
                "event_types": _event_types(_get(dest, "MatchingEventTypes", default=[])),
                "target": _target(dest),
                "line": self.lines.get(logical_id),
            }
            owners = self.targets(props.get("ConfigurationSetName"), sets)
            for owner in owners.certain:
                destinations[owner].append(entry)
            if owners.why is not None and entry["enabled"] is not False:
                # It may be one of these sets' destinations: it counts for them only perhaps.
                maybe = {
                    **entry,
                    "enabled": Unknown(
                        f"its configuration set is unknown ({owners.why.reason}); it may be this one"
                    ),
                }
                for owner in owners.maybe:
                    destinations[owner].append(maybe)
        found = []
        for logical_id, props in self.of_type("AWS::SES::ConfigurationSet"):
            suppression = _get(props, "SuppressionOptions", "SuppressedReasons")
            found.append(
                self._resource(
                    CONFIGURATION_SET,
                    logical_id,
                    "AWS::SES::ConfigurationSet",
                    {
                        "name": self.name_of(ResourceRef(logical_id)),
                        "event_destinations": destinations.get(logical_id, []),
                        "tls_policy": _upper(
                            _get(props, "DeliveryOptions", "TlsPolicy", default=defaults.TLS_POLICY)
                        ),
                        "reputation_metrics_enabled": _bool(
                            _get(props, "ReputationOptions", "ReputationMetricsEnabled"),
                            defaults.REPUTATION_METRICS_ENABLED,
                        ),
                        "suppressed_reasons": _event_types(suppression) if suppression is not None else None,
                        "sending_enabled": _bool(
                            _get(props, "SendingOptions", "SendingEnabled"), defaults.SENDING_ENABLED
                        ),
                    },
                )
            )
        return found

    def _identities(self) -> list[Resource]:
        found = []
        records, unnamed = self.dmarc_records()
        # Records of the other templates of the set count too (an identity stack and a DNS stack).
        records = {**self.other_records[0], **records}
        unnamed = [*unnamed, *self.other_records[1]]
        for logical_id, props in self.of_type("AWS::SES::EmailIdentity"):
            named = identity_facts(props.get("EmailIdentity"))
            signing = _block(props.get("DkimSigningAttributes"), "DkimSigningAttributes")
            if isinstance(signing, Unknown):
                origin: Any = signing  # Easy DKIM or BYODKIM: cannot be told
                next_length: Any = signing
            elif "DomainSigningPrivateKey" in signing:
                origin, next_length = "EXTERNAL", None
            else:
                origin = "AWS_SES"
                next_length = _upper(
                    _get(signing, "NextSigningKeyLength", default=defaults.EASY_DKIM_NEXT_KEY_LENGTH)
                )
            config_set = self.name_of(_get(props, "ConfigurationSetAttributes", "ConfigurationSetName"))
            found.append(
                self._resource(
                    EMAIL_IDENTITY,
                    logical_id,
                    "AWS::SES::EmailIdentity",
                    {
                        **named,
                        "dkim_signing_enabled": _bool(
                            _get(props, "DkimAttributes", "SigningEnabled"), defaults.DKIM_SIGNING_ENABLED
                        ),
                        "dkim_origin": origin,
                        "dkim_key_length": None,
                        "dkim_next_key_length": next_length,
                        "mail_from_domain": _get(props, "MailFromAttributes", "MailFromDomain"),
                        "dmarc_checked": True,
                        "dmarc_policy": _dmarc_policy(named["domain"], records, unnamed),
                        "default_configuration_set": config_set,
                        "notification_topics": {"BOUNCE": None, "COMPLAINT": None, "DELIVERY": None},
                        "policies": [],
                    },
                )
            )
        return found

    def dmarc_records(self) -> DmarcRecords:
        """``p=`` of ``_dmarc.<domain>`` TXT records in the template, by domain; and the records that
        may be DMARC records of some domain (name or type unresolved): (domain or None for any
        domain, their ``p=``, why they are uncertain)."""
        found: dict[str, Any] = {}
        uncertain: list[tuple[str | None, Any, str]] = []
        record_sets: list[tuple[str, Any]] = list(self.of_type("AWS::Route53::RecordSet"))
        for logical_id, group in self.of_type("AWS::Route53::RecordSetGroup"):
            items = _list(group.get("RecordSets"), "RecordSets")
            if isinstance(items, Unknown):
                uncertain.append(
                    (None, items, f"the records of {logical_id} cannot be resolved ({items.reason})")
                )
                continue
            record_sets.extend((logical_id, r) for r in items)
        for logical_id, record in record_sets:
            if not isinstance(record, Mapping):
                reason = record.reason if isinstance(record, Unknown) else "not an object"
                uncertain.append(
                    (None, Unknown(reason), f"a record of {logical_id} cannot be resolved ({reason})")
                )
                continue
            name, rtype = record.get("Name"), record.get("Type")
            if (isinstance(name, str) and not name.lower().startswith(DMARC_PREFIX)) or (
                isinstance(rtype, str) and rtype != "TXT"
            ):
                continue
            policy = template_tags(record.get("ResourceRecords"), logical_id)
            if logical_id in self.conditions:
                policy = self.if_created(logical_id, policy)
            if isinstance(name, str) and rtype == "TXT":
                found[name[len(DMARC_PREFIX) :].lower().rstrip(".")] = policy
            elif isinstance(name, str):
                why = rtype.reason if isinstance(rtype, Unknown) else "it is not a string"
                domain = name[len(DMARC_PREFIX) :].lower().rstrip(".")
                uncertain.append((domain, policy, f"the type of record {logical_id} is unknown ({why})"))
            else:
                why = name.reason if isinstance(name, Unknown) else "it is not a string"
                uncertain.append((None, policy, f"the name of TXT record {logical_id} is unknown ({why})"))
        return found, uncertain

    def _receipt_rules(self) -> list[Resource]:
        found = []
        for logical_id, props in self.of_type("AWS::SES::ReceiptRule"):
            rule = _block(props.get("Rule"), "Rule")
            found.append(
                self._resource(
                    RECEIPT_RULE,
                    logical_id,
                    "AWS::SES::ReceiptRule",
                    {
                        "name": _get(rule, "Name", default=logical_id),
                        "rule_set": self.name_of(props.get("RuleSetName")),
                        "enabled": _bool(_get(rule, "Enabled"), defaults.RECEIPT_RULE_ENABLED),
                        "scan_enabled": _bool(_get(rule, "ScanEnabled"), defaults.RECEIPT_RULE_SCAN_ENABLED),
                        "tls_policy": _upper(_get(rule, "TlsPolicy", default=defaults.TLS_POLICY)),
                    },
                )
            )
        return found

    def _alarms(self) -> list[dict[str, Any]]:
        alarms = []
        for logical_id, props in self.of_type("AWS::CloudWatch::Alarm"):
            threshold = props.get("Threshold")
            try:
                threshold = (
                    float(threshold) if not is_unknown(threshold) and threshold is not None else threshold
                )
            except (TypeError, ValueError):
                threshold = Unknown(f"threshold {threshold!r} is not a number")
            metrics = _list(props.get("Metrics"), "Metrics")
            queries = metrics if isinstance(metrics, Unknown) else [_metric_query(q) for q in metrics]
            if not isinstance(queries, Unknown) and any(is_unknown(q) for q in queries):
                queries = next(q for q in queries if isinstance(q, Unknown))
            if reads_ses(props.get("Namespace"), queries):
                self.ses_alarms += 1
            watched = watched_metric(
                props.get("Namespace"),
                props.get("MetricName"),
                _dimensions(props.get("Dimensions")),
                queries,
                threshold,
                logical_id,
            )
            alarms.append(
                alarm_entry(
                    props.get("AlarmName", logical_id),
                    watched,
                    comparison=props.get("ComparisonOperator"),
                    actions=_count(props.get("AlarmActions"), "AlarmActions"),
                    actions_enabled=self.if_created(
                        logical_id, _bool(props.get("ActionsEnabled"), defaults.ALARM_ACTIONS_ENABLED)
                    ),
                    where=(self.file, self.lines.get(logical_id)),
                )
            )
        return alarms

    # --- IAM ----------------------------------------------------------------------------------
    def _principals(self) -> list[Resource]:
        kinds = {kind: self.candidates(rtype) for rtype, kind in PRINCIPAL_TYPES.items()}
        for candidates in kinds.values():
            self.unnamed.update(candidates.unresolved)
        attachments = self._policy_attachments(kinds)
        memberships = self._group_memberships(kinds["user"])
        keys = self._access_keys(kinds["user"])
        found = []
        for logical_id, props in self.of_type(*PRINCIPAL_TYPES):
            rtype = self.resolved[logical_id][0]
            kind = PRINCIPAL_TYPES[rtype]
            documents: list[dict[str, Any]] = []
            inline = _list(props.get("Policies"), "Policies")
            for policy in [inline] if isinstance(inline, Unknown) else inline:
                if isinstance(policy, Mapping):
                    documents.append(
                        {
                            "origin": f"inline:{_get(policy, 'PolicyName', default='?')}",
                            "document": _get(policy, "PolicyDocument"),
                        }
                    )
                else:
                    reason = policy.reason if isinstance(policy, Unknown) else "not an object"
                    documents.append({"origin": "inline:?", "document": Unknown(f"inline policy: {reason}")})
            attached_names: list[Any] = []
            arns = _list(props.get("ManagedPolicyArns"), "ManagedPolicyArns")
            for arn in [arns] if isinstance(arns, Unknown) else arns:
                document, label = self._managed_document(arn)
                documents.append({"origin": f"managed:{label}", "document": document})
                attached_names.append(arn if isinstance(arn, Unknown) else label)
            documents.extend(attachments.get(logical_id, []))
            groups: list[Any] = []
            if kind == "user":
                own_groups = _list(props.get("Groups"), "Groups")
                groups = (
                    [own_groups] if isinstance(own_groups, Unknown) else [self.name_of(g) for g in own_groups]
                )
                groups += memberships.get(logical_id, [])
            principal: dict[str, Any] = {
                "principal_type": kind,
                "name": self.name_of(ResourceRef(logical_id)),
                "policy_documents": documents,
                "attached_policy_names": attached_names,
                "groups": groups,
                "access_keys": keys.get(logical_id, []) if kind == "user" else [],
                "console_password": _console_password(props.get("LoginProfile")) if kind == "user" else False,
            }
            found.append(self._resource(IAM_PRINCIPAL, logical_id, rtype, principal))
        return found

    def _managed_document(self, arn: Any) -> tuple[Any, str]:
        if isinstance(arn, ResourceRef) and arn.logical_id in self.resolved:
            rtype, props = self.resolved[arn.logical_id]
            if rtype == "AWS::IAM::ManagedPolicy":
                return self.if_created(arn.logical_id, props.get("PolicyDocument")), arn.logical_id
        if isinstance(arn, str):
            name = aws_managed_policy_name(arn)
            document = aws_managed_policy_document(arn)
            if document is not None:
                return document, name or arn
            return Unknown(f"managed policy {arn} is not defined in this template"), name or arn
        if isinstance(arn, Unknown):
            return Unknown(f"managed policy cannot be resolved: {arn.reason}"), "?"
        return Unknown(f"managed policy {arn} cannot be resolved"), str(arn)

    def _policy_attachments(self, kinds: Mapping[str, _Candidates]) -> dict[str, list[dict[str, Any]]]:
        """Documents of the policy resources (:data:`POLICY_LINKS`), by the logical ID of the principal
        they attach to; a principal they may attach to (the target cannot be resolved) gets an Unknown
        document instead, and so does every principal when the policy has a ``Condition`` left
        undecided (branch-wise reading decides the others)."""
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for logical_id, props in self.of_type(*POLICY_LINKS):
            origin = f"policy:{logical_id}"
            document = self.if_created(logical_id, props.get("PolicyDocument"))
            for kind, key, many in POLICY_LINKS[self.resolved[logical_id][0]]:
                link = props.get(key)
                targets = (
                    self.targets_of_list(link, kinds[kind], key) if many else self.targets(link, kinds[kind])
                )
                for principal in targets.certain:
                    found[principal].append({"origin": origin, "document": document})
                self._link_outside(
                    kind, link if many else [link], kinds[kind], origin, "policy_documents", document
                )
                if targets.why is None:
                    continue
                maybe = Unknown(
                    f"policy {logical_id} is attached to a {kind} that cannot be resolved "
                    f"({targets.why.reason}); it may be this one"
                )
                for principal in targets.maybe:
                    found[principal].append({"origin": origin, "document": maybe})
        return found

    def _link_outside(
        self, kind: str, link: Any, candidates: _Candidates, origin: str, field: Field, value: Any
    ) -> None:
        """Record the items of ``link`` (a list of names or Refs) that may name a principal of another
        file of the set: a name no principal of this file has, or a name that cannot be resolved."""
        items = _list(link, origin)
        for item in [items] if isinstance(items, Unknown) else items:
            if isinstance(item, ResourceRef) and item.logical_id in self.raw_resources:
                continue  # a resource of this file: attached here
            name = self.name_of(item)
            if isinstance(name, str) and name in candidates.names.values():
                continue
            if not isinstance(name, str | Unknown):
                name = Unknown("no name is given" if name is None else f"{name!r} is not a name")
            self.links.append(CrossLink(kind, name, self.file, origin, field, value))

    def _group_memberships(self, users: _Candidates) -> dict[str, list[Any]]:
        """Groups of AWS::IAM::UserToGroupAddition, by user logical ID; a user they may add (the user
        cannot be resolved) gets an Unknown group, and so does every user when the addition has a
        ``Condition`` left undecided."""
        found: dict[str, list[Any]] = defaultdict(list)
        for logical_id, props in self.of_type("AWS::IAM::UserToGroupAddition"):
            group = self.if_created(logical_id, self.name_of(props.get("GroupName")))
            targets = self.targets_of_list(props.get("Users"), users, "Users")
            for user in targets.certain:
                found[user].append(group)
            self._link_outside("user", props.get("Users"), users, logical_id, "groups", group)
            if targets.why is None:
                continue
            maybe = Unknown(
                f"{logical_id} adds a user that cannot be resolved ({targets.why.reason}) to group "
                f"{group}; it may be this one"
            )
            for user in targets.maybe:
                found[user].append(maybe)
        return found

    def _access_keys(self, users: _Candidates) -> dict[str, list[dict[str, Any]]]:
        """Access keys by user logical ID; a user a key may belong to (its UserName cannot be
        resolved) gets the key with an Unknown status."""
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for logical_id, props in self.of_type("AWS::IAM::AccessKey"):
            key = {
                "id": logical_id,
                "status": props.get("Status", "Active"),
                "created_at": None,
                "last_used_at": None,
            }
            targets = self.targets(props.get("UserName"), users)
            for user in targets.certain:
                found[user].append(key)
            status = key["status"]
            if targets.why is None or (isinstance(status, str) and status.lower() != "active"):
                continue
            maybe = {
                **key,
                "status": Unknown(
                    f"access key {logical_id} belongs to a user that cannot be resolved "
                    f"({targets.why.reason}); it may be this one"
                ),
            }
            for user in targets.maybe:
                found[user].append(maybe)
        return found


def _console_password(login_profile: Any) -> bool | Unknown:
    """Whether a LoginProfile is there: an Fn::If with AWS::NoValue in a branch is Unknown."""
    if isinstance(login_profile, MaybeAbsent):
        return Unknown(f"LoginProfile: {login_profile.reason}")
    return login_profile is not None


def _dimensions(value: Any) -> Any:
    """An alarm's ``Dimensions``: items that may vanish (``Fn::If`` with ``AWS::NoValue``) only matter
    when nothing else is there, since one dimension already makes it a per-resource metric."""
    items = _list(value, "Dimensions")
    if isinstance(items, Unknown):
        return items
    definite = [i for i in items if not isinstance(i, MaybeAbsent)]
    if not definite and items:
        return Unknown(f"Dimensions: {items[0].reason}")
    return [i if isinstance(i, Mapping) else {"Name": i, "Value": i} for i in definite]


def _metric_query(query: Any) -> MetricQuery | Unknown:
    """One ``Metrics`` item of an alarm as a :class:`MetricQuery` (Unknown when it cannot be read)."""
    if is_unknown(query):
        return Unknown(f"a metric query of the alarm cannot be resolved ({query.reason})")
    if not isinstance(query, Mapping):
        return Unknown(f"metric query {query!r} is not a mapping")
    metric = _get(query, "MetricStat", "Metric")
    if is_unknown(metric):
        return Unknown(f"MetricStat.Metric cannot be resolved ({metric.reason})")
    metric = metric if isinstance(metric, Mapping) else {}
    return_data = query.get("ReturnData")
    return MetricQuery(
        id=query.get("Id"),
        expression=query.get("Expression"),
        namespace=metric.get("Namespace"),
        metric_name=metric.get("MetricName"),
        dimensions=_dimensions(metric.get("Dimensions")),
        return_data=None if return_data is None else _bool(return_data, True),
    )


def _count(value: Any, what: str) -> int | Unknown:
    """The number of items of a list property; Unknown when the list, or whether an item is there
    (an Fn::If with AWS::NoValue), cannot be resolved. An item with an unknown value still counts."""
    items = _list(value, what)
    if isinstance(items, Unknown):
        return items
    vanishing = next((i for i in items if isinstance(i, MaybeAbsent)), None)
    return Unknown(f"{what}: {vanishing.reason}") if vanishing is not None else len(items)


def _dmarc_policy(
    domain: Any, records: Mapping[str, Any], uncertain: list[tuple[str | None, Any, str]]
) -> Any:
    """The DMARC policy of a domain (its ``_dmarc`` record's, else its organizational domain's: see
    :mod:`sesguard.dmarc`), unless a record that may be at one of those names (name or type
    unresolved) could say something else. A template with no record that may be DMARC at all says
    "no record" whatever the domain is."""
    if isinstance(domain, Unknown) or not isinstance(domain, str):
        if not records and all(other is None for _, other, _ in uncertain):
            return None
        return domain if isinstance(domain, Unknown) else Unknown("the identity's domain is not a string")

    def tags_at(name: str) -> Any:
        tags = records.get(name)
        for where, other, why in uncertain:
            if where not in (None, name) or other is None:
                continue  # another domain's record, or not a DMARC record at all
            if tags is not None and other == tags:
                continue  # says the same
            return Unknown(f"{why}; it may be {DMARC_PREFIX}{name}")
        return tags

    return effective_policy(domain, tags_at)


def _event_types(value: Any) -> Any:
    if is_unknown(value):
        return value
    if not isinstance(value, list):
        return Unknown(f"{value!r} is not a list of event types")
    return [_upper(v) for v in value]


def _target(destination: Any) -> Any:
    if isinstance(destination, Unknown):
        return destination
    for key, label in (
        ("SnsDestination", "sns"),
        ("EventBridgeDestination", "eventbridge"),
        ("KinesisFirehoseDestination", "kinesis_firehose"),
        ("CloudWatchDestination", "cloudwatch"),
    ):
        if isinstance(destination, Mapping) and key in destination:
            return label
    return None
