"""Turning one decoded CloudFormation template into normalized resources (docs/model.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sesguard.aws_managed import aws_managed_policy_document, aws_managed_policy_name
from sesguard.model import (
    CONFIGURATION_SET,
    EMAIL_IDENTITY,
    IAM_PRINCIPAL,
    RECEIPT_RULE,
    Location,
    Resource,
    Unknown,
    is_unknown,
)
from sesguard.sources.cfn.reader import keyed_lines
from sesguard.sources.cfn.resolve import Resolver, ResourceRef

SOURCE: Final = "cfn"
EASY_DKIM_DEFAULT_KEY: Final = "RSA_2048_BIT"
PRINCIPAL_TYPES: Final = {"AWS::IAM::User": "user", "AWS::IAM::Group": "group", "AWS::IAM::Role": "role"}
NAME_PROPERTIES: Final = {
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::Role": "RoleName",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
}


@dataclass
class TemplateFacts:
    """What one template contributes: resources, alarms and VDM settings for the set's account row."""

    resources: list[Resource] = field(default_factory=list)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    vdm_enabled: bool = False
    ses_resource_count: int = 0


def _get(props: Mapping[str, Any], *path: str, default: Any = None) -> Any:
    current: Any = props
    for part in path:
        if is_unknown(current):
            return current
        if not isinstance(current, Mapping) or part not in current:
            return default
        current = current[part]
    return current


def _items(value: Any) -> list[Any]:
    """A list property's items; anything else (absent, a Ref, Unknown) gives no items."""
    return list(value) if isinstance(value, list) else []


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


class TemplateNormalizer:
    """Normalizes the resources of one template file."""

    def __init__(self, template: Mapping[str, Any], file: str, set_name: str) -> None:
        self.template = template
        self.file = file
        self.set_name = set_name
        self.resolver = Resolver(template)
        raw = template.get("Resources")
        self.raw_resources: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self.lines = keyed_lines(self.raw_resources)
        self.resolved: dict[str, tuple[str, dict[str, Any]]] = {}
        for logical_id, body in self.raw_resources.items():
            if isinstance(body, Mapping) and isinstance(body.get("Type"), str):
                props = self.resolver.resolve(body.get("Properties") or {})
                self.resolved[str(logical_id)] = (body["Type"], props if isinstance(props, dict) else {})

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

    def location(self, logical_id: str) -> Location:
        return Location(file=self.file, line=self.lines.get(logical_id))

    def of_type(self, *types: str) -> list[tuple[str, dict[str, Any]]]:
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
        facts.vdm_enabled = any(
            _upper(_get(p, "DashboardAttributes", "EngagementMetrics")) == "ENABLED"
            and _upper(_get(p, "GuardianAttributes", "OptimizedSharedDelivery")) == "ENABLED"
            for _, p in self.of_type("AWS::SES::VdmAttributes")
        )
        return facts

    def _resource(self, rtype: str, logical_id: str, native: str, props: dict[str, Any]) -> Resource:
        return Resource(
            type=rtype,
            id=logical_id,
            source=SOURCE,
            location=self.location(logical_id),
            set_name=self.set_name,
            props=props,
            native_type=native,
        )

    # --- SES ----------------------------------------------------------------------------------
    def _configuration_sets(self) -> list[Resource]:
        destinations: dict[Any, list[dict[str, Any]]] = {}
        for logical_id, props in self.of_type("AWS::SES::ConfigurationSetEventDestination"):
            owner = self.name_of(props.get("ConfigurationSetName"))
            dest = props.get("EventDestination") or {}
            entry = {
                "name": _get(dest, "Name", default=logical_id),
                "enabled": _bool(_get(dest, "Enabled"), False),
                "event_types": _event_types(_get(dest, "MatchingEventTypes", default=[])),
                "target": _target(dest),
                "line": self.lines.get(logical_id),
            }
            key = owner if not is_unknown(owner) else "<unknown>"
            destinations.setdefault(key, []).append(entry)
        found = []
        for logical_id, props in self.of_type("AWS::SES::ConfigurationSet"):
            name = self.name_of(ResourceRef(logical_id))
            suppression = _get(props, "SuppressionOptions", "SuppressedReasons")
            own = list(destinations.get(name, []))
            if "<unknown>" in destinations:
                own.append(
                    {
                        "name": "?",
                        "enabled": Unknown("an event destination's configuration set is unknown"),
                        "event_types": [],
                        "target": None,
                    }
                )
            found.append(
                self._resource(
                    CONFIGURATION_SET,
                    logical_id,
                    "AWS::SES::ConfigurationSet",
                    {
                        "name": name,
                        "event_destinations": own,
                        "tls_policy": _upper(_get(props, "DeliveryOptions", "TlsPolicy", default="OPTIONAL")),
                        "reputation_metrics_enabled": _bool(
                            _get(props, "ReputationOptions", "ReputationMetricsEnabled"), False
                        ),
                        "suppressed_reasons": _event_types(suppression) if suppression is not None else None,
                        "sending_enabled": _bool(_get(props, "SendingOptions", "SendingEnabled"), True),
                    },
                )
            )
        return found

    def _identities(self) -> list[Resource]:
        found = []
        records = self._dmarc_records()
        for logical_id, props in self.of_type("AWS::SES::EmailIdentity"):
            identity = props.get("EmailIdentity")
            if is_unknown(identity) or not isinstance(identity, str):
                identity_type: Any = (
                    identity if is_unknown(identity) else Unknown("EmailIdentity is not a string")
                )
                domain: Any = identity_type
            elif "@" in identity:
                identity_type, domain = "EMAIL_ADDRESS", identity.rsplit("@", 1)[1]
            else:
                identity_type, domain = "DOMAIN", identity
            signing = props.get("DkimSigningAttributes") or {}
            byodkim = isinstance(signing, Mapping) and "DomainSigningPrivateKey" in signing
            next_length = _get(signing, "NextSigningKeyLength", default=EASY_DKIM_DEFAULT_KEY)
            config_set = self.name_of(_get(props, "ConfigurationSetAttributes", "ConfigurationSetName"))
            dmarc = records.get(domain.lower().rstrip(".")) if isinstance(domain, str) else None
            found.append(
                self._resource(
                    EMAIL_IDENTITY,
                    logical_id,
                    "AWS::SES::EmailIdentity",
                    {
                        "identity": identity,
                        "identity_type": identity_type,
                        "domain": domain,
                        "dkim_signing_enabled": _bool(_get(props, "DkimAttributes", "SigningEnabled"), True),
                        "dkim_origin": "EXTERNAL" if byodkim else "AWS_SES",
                        "dkim_key_length": None,
                        "dkim_next_key_length": None if byodkim else _upper(next_length),
                        "mail_from_domain": _get(props, "MailFromAttributes", "MailFromDomain"),
                        "dmarc_checked": True,
                        "dmarc_policy": dmarc,
                        "default_configuration_set": config_set,
                        "notification_topics": {"BOUNCE": None, "COMPLAINT": None, "DELIVERY": None},
                        "policies": [],
                    },
                )
            )
        return found

    def _dmarc_records(self) -> dict[str, Any]:
        """``p=`` of ``_dmarc.<domain>`` TXT records in the template, by domain."""
        found: dict[str, Any] = {}
        record_sets = self.of_type("AWS::Route53::RecordSet")
        for _, group in self.of_type("AWS::Route53::RecordSetGroup"):
            record_sets.extend(("", r) for r in _items(group.get("RecordSets")) if isinstance(r, dict))
        for _, props in record_sets:
            name = props.get("Name")
            if (
                not isinstance(name, str)
                or not name.lower().startswith("_dmarc.")
                or props.get("Type") != "TXT"
            ):
                continue
            values = _items(props.get("ResourceRecords"))
            text = " ".join(str(v) for v in values if isinstance(v, str)).strip('"')
            policy: Any = None
            if "v=DMARC1" in text.replace(" ", ""):
                tags = dict(t.strip().split("=", 1) for t in text.replace('"', "").split(";") if "=" in t)
                policy = tags.get("p", "").strip().lower() or None
            elif any(is_unknown(v) for v in values):
                policy = Unknown("the DMARC record's value cannot be resolved")
            found[name[len("_dmarc.") :].lower().rstrip(".")] = policy
        return found

    def _receipt_rules(self) -> list[Resource]:
        found = []
        for logical_id, props in self.of_type("AWS::SES::ReceiptRule"):
            rule = props.get("Rule") or {}
            found.append(
                self._resource(
                    RECEIPT_RULE,
                    logical_id,
                    "AWS::SES::ReceiptRule",
                    {
                        "name": _get(rule, "Name", default=logical_id),
                        "rule_set": self.name_of(props.get("RuleSetName")),
                        "enabled": _bool(_get(rule, "Enabled"), False),
                        "scan_enabled": _bool(_get(rule, "ScanEnabled"), False),
                        "tls_policy": _upper(_get(rule, "TlsPolicy", default="OPTIONAL")),
                    },
                )
            )
        return found

    def _alarms(self) -> list[dict[str, Any]]:
        alarms = []
        for logical_id, props in self.of_type("AWS::CloudWatch::Alarm"):
            namespace, metric = props.get("Namespace"), props.get("MetricName")
            for query in _items(props.get("Metrics")):
                stat = _get(query, "MetricStat", "Metric")
                if isinstance(stat, Mapping) and namespace is None:
                    namespace, metric = stat.get("Namespace"), stat.get("MetricName")
            threshold = props.get("Threshold")
            try:
                threshold = (
                    float(threshold) if not is_unknown(threshold) and threshold is not None else threshold
                )
            except (TypeError, ValueError):
                threshold = Unknown(f"threshold {threshold!r} is not a number")
            actions = props.get("AlarmActions") or []
            alarms.append(
                {
                    "name": props.get("AlarmName", logical_id),
                    "namespace": namespace,
                    "metric_name": metric,
                    "threshold": threshold,
                    "comparison": props.get("ComparisonOperator"),
                    "actions": len(actions) if isinstance(actions, list) else actions,
                    "actions_enabled": _bool(props.get("ActionsEnabled"), True),
                    "file": self.file,
                    "line": self.lines.get(logical_id),
                }
            )
        return alarms

    # --- IAM ----------------------------------------------------------------------------------
    def _principals(self) -> list[Resource]:
        attachments = self._policy_attachments()
        memberships = self._group_memberships()
        keys = self._access_keys()
        found = []
        for logical_id, props in self.of_type(*PRINCIPAL_TYPES):
            rtype = self.resolved[logical_id][0]
            kind = PRINCIPAL_TYPES[rtype]
            name = self.name_of(ResourceRef(logical_id))
            documents = [
                {
                    "origin": f"inline:{_get(p, 'PolicyName', default='?')}",
                    "document": _get(p, "PolicyDocument"),
                }
                for p in _items(props.get("Policies"))
                if isinstance(p, Mapping)
            ]
            attached_names: list[Any] = []
            for arn in _items(props.get("ManagedPolicyArns")):
                document, label = self._managed_document(arn)
                documents.append({"origin": f"managed:{label}", "document": document})
                attached_names.append(label)
            for entry in attachments.get((kind, name), []):
                documents.append(entry)
            groups = _items(props.get("Groups")) if kind == "user" else []
            groups = [self.name_of(g) for g in groups] + memberships.get(name, [])
            principal: dict[str, Any] = {
                "principal_type": kind,
                "name": name,
                "policy_documents": documents,
                "attached_policy_names": attached_names,
                "groups": groups,
                "access_keys": keys.get(name, []) if kind == "user" else [],
                "console_password": kind == "user" and props.get("LoginProfile") is not None,
            }
            found.append(self._resource(IAM_PRINCIPAL, logical_id, rtype, principal))
        return found

    def _managed_document(self, arn: Any) -> tuple[Any, str]:
        if isinstance(arn, ResourceRef) and arn.logical_id in self.resolved:
            rtype, props = self.resolved[arn.logical_id]
            if rtype == "AWS::IAM::ManagedPolicy":
                return props.get("PolicyDocument"), arn.logical_id
        if isinstance(arn, str):
            name = aws_managed_policy_name(arn)
            document = aws_managed_policy_document(arn)
            if document is not None:
                return document, name or arn
            return Unknown(f"managed policy {arn} is not defined in this template"), name or arn
        return Unknown(f"managed policy {arn} cannot be resolved"), str(arn)

    def _policy_attachments(self) -> dict[tuple[str, Any], list[dict[str, Any]]]:
        """Documents of AWS::IAM::Policy / ManagedPolicy, by the (kind, name) they attach to."""
        found: dict[tuple[str, Any], list[dict[str, Any]]] = {}
        for logical_id, props in self.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            entry = {"origin": f"policy:{logical_id}", "document": props.get("PolicyDocument")}
            for kind, key in (("user", "Users"), ("group", "Groups"), ("role", "Roles")):
                for target in _items(props.get(key)):
                    found.setdefault((kind, self.name_of(target)), []).append(entry)
        return found

    def _group_memberships(self) -> dict[Any, list[Any]]:
        found: dict[Any, list[Any]] = {}
        for _, props in self.of_type("AWS::IAM::UserToGroupAddition"):
            group = self.name_of(props.get("GroupName"))
            for user in _items(props.get("Users")):
                found.setdefault(self.name_of(user), []).append(group)
        return found

    def _access_keys(self) -> dict[Any, list[dict[str, Any]]]:
        found: dict[Any, list[dict[str, Any]]] = {}
        for logical_id, props in self.of_type("AWS::IAM::AccessKey"):
            found.setdefault(self.name_of(props.get("UserName")), []).append(
                {
                    "id": logical_id,
                    "status": props.get("Status", "Active"),
                    "created_at": None,
                    "last_used_at": None,
                }
            )
        return found


def _event_types(value: Any) -> Any:
    if is_unknown(value):
        return value
    if not isinstance(value, list):
        return Unknown(f"{value!r} is not a list of event types")
    return [_upper(v) for v in value]


def _target(destination: Any) -> str | None:
    for key, label in (
        ("SnsDestination", "sns"),
        ("EventBridgeDestination", "eventbridge"),
        ("KinesisFirehoseDestination", "kinesis_firehose"),
        ("CloudWatchDestination", "cloudwatch"),
    ):
        if isinstance(destination, Mapping) and key in destination:
            return label
    return None
