"""Raw Terraform resources → the normalized model of ``docs/model.md`` (base properties only).

Relationships (a DKIM resource and its identity, an attachment and its user) are resolved inside one
root module with the modules it calls: by the argument's value when it is known (across module
instances, as AWS would see them), else by the resources its expression refers to (within the same
module instance).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
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
from sesguard.sources.terraform.iam_documents import policy_document
from sesguard.sources.terraform.raw import RawResource
from sesguard.sources.terraform.values import JsonText, plain

SOURCE: Final = "tf"
IDENTITY_TYPES: Final[dict[str, tuple[str, str | None]]] = {
    "aws_ses_domain_identity": ("domain", "DOMAIN"),
    "aws_ses_email_identity": ("email", "EMAIL_ADDRESS"),
    "aws_sesv2_email_identity": ("email_identity", None),
}
PRINCIPAL_TYPES: Final = {"aws_iam_user": "user", "aws_iam_group": "group", "aws_iam_role": "role"}
INLINE_POLICY_TYPES: Final = {
    "aws_iam_user_policy": "user",
    "aws_iam_group_policy": "group",
    "aws_iam_role_policy": "role",
}
ATTACHMENT_TYPES: Final = {
    "aws_iam_user_policy_attachment": "user",
    "aws_iam_group_policy_attachment": "group",
    "aws_iam_role_policy_attachment": "role",
}
# nested destination block -> the target label (the same labels as the CloudFormation source)
DESTINATION_KINDS: Final = (
    ("sns_destination", "sns"),
    ("cloud_watch_destination", "cloudwatch"),
    ("cloudwatch_destination", "cloudwatch"),
    ("kinesis_firehose_destination", "kinesis_firehose"),
    ("kinesis_destination", "kinesis_firehose"),
    ("event_bridge_destination", "eventbridge"),
    ("pinpoint_destination", "pinpoint"),
)


def enum(value: Any) -> Any:
    """An enumeration upper-cased the model's way (``Require`` → ``REQUIRE``, ``renderingFailure`` →
    ``RENDERING_FAILURE``); other values unchanged."""
    if isinstance(value, str):
        return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", value).upper()
    return value


def enums(value: Any) -> Any:
    """A list of enumerations upper-cased (Unknown and None unchanged)."""
    if isinstance(value, list):
        return [enum(v) for v in value]
    return value


def present(value: Any) -> bool:
    """True for a set value (Unknown counts as set); False for None and empty strings/collections."""
    if is_unknown(value):
        return True
    return value is not None and value != "" and value != [] and value != {}


def or_default(value: Any, default: Any) -> Any:
    """``value`` unless it is absent (None or empty); Unknown is kept."""
    return value if present(value) else default


def flag(value: Any, default: bool) -> Any:
    """A bool argument with its provider default (Unknown unchanged; ``"true"`` strings read)."""
    if value is None:
        return default
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


@dataclass
class ModuleIndex:
    """The raw resources of one module, by type."""

    by_type: dict[str, list[RawResource]] = field(default_factory=lambda: defaultdict(list))

    def of(self, *types: str) -> list[RawResource]:
        """Resources of these types, in order."""
        return [r for t in types for r in self.by_type.get(t, [])]


def _keys_text(values: Iterable[Any]) -> set[str]:
    return {v.lower().rstrip(".") for v in values if isinstance(v, str)}


def targets(
    raw: RawResource, arg: str, candidates: list[RawResource], keys: Callable[[RawResource], list[Any]]
) -> list[RawResource]:
    """The candidates an argument names: by its known value(s), else by the references it makes."""
    value = raw.values.get(arg)
    wanted = value if isinstance(value, list) else [value]
    known = _keys_text(wanted)
    if known:
        by_value = [c for c in candidates if known & _keys_text(keys(c))]
        if by_value:
            return by_value
    refs = raw.refs.get(arg, frozenset())
    return [c for c in candidates if c.local_address in refs and c.module == raw.module]


def _location(raw: RawResource) -> Location:
    return Location(file=raw.file, line=raw.line)


def clean(value: Any) -> Any:
    """Props as the model wants them: evaluator-internal Unknown kinds become plain ``Unknown``."""
    if isinstance(value, Unknown):
        return value if type(value) is Unknown else Unknown(value.reason)
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, JsonText):
        return clean(plain(value))
    return value


def _resource(kind: str, raw: RawResource, set_name: str, props: dict[str, Any]) -> Resource:
    return Resource(
        type=kind,
        id=raw.address,
        location=_location(raw),
        set_ref=SetRef(SOURCE, set_name),
        props=clean(props),
        native_type=raw.type,
        scope=raw.root or raw.module or raw.file,
    )


def _identity_value(raw: RawResource) -> Any:
    value = raw.values.get(IDENTITY_TYPES[raw.type][0])
    if isinstance(value, str):
        return value.rstrip(".")
    return value if value is not None else Unknown(f"{raw.address} names no identity")


def _identity_keys(raw: RawResource) -> list[Any]:
    return [_identity_value(raw), raw.values.get("arn")]


def _cs_name(raw: RawResource) -> Any:
    value = raw.values.get("configuration_set_name" if raw.type == "aws_sesv2_configuration_set" else "name")
    return value if value is not None else Unknown(f"{raw.address} has no name")


def _principal_name(raw: RawResource) -> Any:
    value = raw.values.get("name")
    return value if value is not None else Unknown(f"{raw.address} has a generated name (name_prefix)")


class _ModuleNormalizer:
    """Builds the model resources of one module."""

    def __init__(self, raws: list[RawResource], set_name: str) -> None:
        self.set_name = set_name
        self.index = ModuleIndex()
        for raw in raws:
            self.index.by_type[raw.type if raw.mode == "managed" else f"data.{raw.type}"].append(raw)
        self.identities = self.index.of(*IDENTITY_TYPES)
        self.config_sets = self.index.of("aws_ses_configuration_set", "aws_sesv2_configuration_set")
        self.principals = self.index.of(*PRINCIPAL_TYPES)
        self.policies = self.index.of("aws_iam_policy")

    def _dependents(
        self, types: dict[str, str], candidates: list[RawResource], keys: Callable[[RawResource], list[Any]]
    ) -> dict[int, list[RawResource]]:
        """For each candidate (by id()), the resources of ``types`` whose argument names it."""
        found: dict[int, list[RawResource]] = defaultdict(list)
        for raw_type, arg in types.items():
            for dep in self.index.of(raw_type):
                for target in targets(dep, arg, candidates, keys):
                    found[id(target)].append(dep)
        return found

    def resources(self) -> list[Resource]:
        """Every model resource of the module (only those of emitted raw resources)."""
        result = self.email_identities() + self.configuration_sets() + self.iam_principals()
        result += self.receipt_rules()
        return result

    # --- identities ----------------------------------------------------------------------------

    def email_identities(self) -> list[Resource]:
        dkim = self._dependents({"aws_ses_domain_dkim": "domain"}, self.identities, _identity_keys)
        mail_from = self._dependents(
            {
                "aws_ses_domain_mail_from": "domain",
                "aws_sesv2_email_identity_mail_from_attributes": "email_identity",
            },
            self.identities,
            _identity_keys,
        )
        topics = self._dependents(
            {"aws_ses_identity_notification_topic": "identity"}, self.identities, _identity_keys
        )
        policies = self._dependents(
            {"aws_ses_identity_policy": "identity", "aws_sesv2_email_identity_policy": "email_identity"},
            self.identities,
            _identity_keys,
        )
        dmarc = _DmarcRecords(self.index)
        result: list[Resource] = []
        for raw in self.identities:
            if not raw.emit:
                continue
            props = self._identity_props(raw)
            props.update(self._dkim_props(raw, dkim.get(id(raw), [])))
            froms = mail_from.get(id(raw), [])
            # a linked resource whose count/for_each is unknown may not exist: its facts prove nothing
            props["mail_from_domain"] = (
                if_created(froms[-1], froms[-1].values.get("mail_from_domain")) if froms else None
            )
            props["dmarc_checked"] = True
            props["dmarc_policy"] = dmarc.policy_for(props["domain"])
            props["default_configuration_set"] = self._default_configuration_set(raw)
            props["notification_topics"] = _notification_topics(topics.get(id(raw), []))
            props["policies"] = [_identity_policy(p) for p in policies.get(id(raw), [])]
            result.append(_resource(EMAIL_IDENTITY, raw, self.set_name, props))
        return result

    def _identity_props(self, raw: RawResource) -> dict[str, Any]:
        return identity_facts(_identity_value(raw), IDENTITY_TYPES[raw.type][1])

    def _dkim_props(self, raw: RawResource, dkim: list[RawResource]) -> dict[str, Any]:
        if raw.type == "aws_sesv2_email_identity":
            attrs = raw.block("dkim_signing_attributes")
            if is_unknown(attrs):
                return {
                    "dkim_signing_enabled": True,
                    "dkim_origin": attrs,
                    "dkim_key_length": attrs,
                    "dkim_next_key_length": attrs,
                }
            attrs = or_default(attrs, {})
            if attrs.get("domain_signing_private_key") is not None:
                return {
                    "dkim_signing_enabled": True,
                    "dkim_origin": "EXTERNAL",
                    "dkim_key_length": None,
                    "dkim_next_key_length": None,
                }
            requested = enum(attrs.get("next_signing_key_length"))
            length = or_default(requested, defaults.EASY_DKIM_NEXT_KEY_LENGTH)
            return {
                "dkim_signing_enabled": True,
                "dkim_origin": "AWS_SES",
                "dkim_key_length": None,
                "dkim_next_key_length": length,
            }
        if dkim:
            unknown = Unknown("aws_ses_domain_dkim (SES API v1) does not set the key length")
            return {
                "dkim_signing_enabled": if_created(dkim[-1], True),
                "dkim_origin": "AWS_SES",
                "dkim_key_length": None,
                "dkim_next_key_length": unknown,
            }
        return {
            "dkim_signing_enabled": False,
            "dkim_origin": None,
            "dkim_key_length": None,
            "dkim_next_key_length": None,
        }

    def _default_configuration_set(self, raw: RawResource) -> Any:
        if raw.type != "aws_sesv2_email_identity":
            return None
        value = raw.values.get("configuration_set_name")
        found = targets(raw, "configuration_set_name", self.config_sets, lambda c: [_cs_name(c)])
        if found:
            name = _cs_name(found[0])
            if isinstance(name, Unknown):
                return Unknown(f"{found[0].address} has an unknown name: {name.reason}")
            return name
        return value

    # --- configuration sets --------------------------------------------------------------------

    def configuration_sets(self) -> list[Resource]:
        destinations = self._dependents(
            {
                "aws_ses_event_destination": "configuration_set_name",
                "aws_sesv2_configuration_set_event_destination": "configuration_set_name",
            },
            self.config_sets,
            lambda c: [_cs_name(c)],
        )
        result: list[Resource] = []
        for raw in self.config_sets:
            if not raw.emit:
                continue
            props: dict[str, Any] = {"name": _cs_name(raw)}
            props["event_destinations"] = [_destination(d) for d in destinations.get(id(raw), [])]
            if raw.type == "aws_ses_configuration_set":
                delivery = raw.block("delivery_options")
                props["tls_policy"] = _tls(delivery)
                props["reputation_metrics_enabled"] = flag(
                    raw.values.get("reputation_metrics_enabled"), defaults.REPUTATION_METRICS_ENABLED
                )
                props["suppressed_reasons"] = None
                props["sending_enabled"] = flag(raw.values.get("sending_enabled"), defaults.SENDING_ENABLED)
            else:
                props["tls_policy"] = _tls(raw.block("delivery_options"))
                props["reputation_metrics_enabled"] = _block_flag(
                    raw.block("reputation_options"),
                    "reputation_metrics_enabled",
                    defaults.REPUTATION_METRICS_ENABLED,
                )
                suppression = raw.block("suppression_options")
                if is_unknown(suppression):
                    props["suppressed_reasons"] = suppression
                elif suppression is None:
                    props["suppressed_reasons"] = None
                else:
                    props["suppressed_reasons"] = enums(or_default(suppression.get("suppressed_reasons"), []))
                props["sending_enabled"] = _block_flag(
                    raw.block("sending_options"), "sending_enabled", defaults.SENDING_ENABLED
                )
            result.append(_resource(CONFIGURATION_SET, raw, self.set_name, props))
        return result

    # --- IAM ------------------------------------------------------------------------------------

    def iam_principals(self) -> list[Resource]:
        keys = lambda c: [_principal_name(c), c.values.get("arn")]  # noqa: E731
        inline = {t: self._dependents({t: a}, self.principals, keys) for t, a in INLINE_POLICY_TYPES.items()}
        attached = self._dependents(ATTACHMENT_TYPES, self.principals, keys)
        shared = self._dependents({"aws_iam_policy_attachment": "users"}, self.principals, keys)
        for arg in ("groups", "roles"):
            for key, deps in self._dependents(
                {"aws_iam_policy_attachment": arg}, self.principals, keys
            ).items():
                shared[key].extend(deps)
        keys_of_access = self._dependents({"aws_iam_access_key": "user"}, self.principals, keys)
        logins = self._dependents({"aws_iam_user_login_profile": "user"}, self.principals, keys)
        memberships = self._dependents({"aws_iam_group_membership": "users"}, self.principals, keys)
        user_groups = self._dependents({"aws_iam_user_group_membership": "user"}, self.principals, keys)

        managed: dict[int, list[tuple[str, Any, str | None]]] = defaultdict(list)
        for raw in self.principals:
            for dep in attached.get(id(raw), []) + shared.get(id(raw), []):
                origin, document, name = self._managed_policy(dep, dep.values.get("policy_arn"), "policy_arn")
                managed[id(raw)].append((origin, if_created(dep, document), name))
            if raw.type == "aws_iam_role":
                arns = raw.values.get("managed_policy_arns")
                for arn in arns if isinstance(arns, list) else ([arns] if is_unknown(arns) else []):
                    managed[id(raw)].append(self._managed_policy(raw, arn, "managed_policy_arns"))

        result: list[Resource] = []
        for raw in self.principals:
            if not raw.emit:
                continue
            kind = PRINCIPAL_TYPES[raw.type]
            documents: list[dict[str, Any]] = []
            for policy_type in INLINE_POLICY_TYPES:
                for dep in inline[policy_type].get(id(raw), []):
                    entry = _inline(dep, dep.values.get("name"), dep.values.get("policy"))
                    documents.append({**entry, "document": if_created(dep, entry["document"])})
            if raw.type == "aws_iam_role":
                blocks = raw.values.get("inline_policy")
                for block in blocks if isinstance(blocks, list) else []:
                    if isinstance(block, dict) and block.get("policy") is not None:
                        documents.append(_inline(raw, block.get("name"), block.get("policy")))
            names: list[str] = []
            for origin, document, name in managed.get(id(raw), []):
                documents.append({"origin": origin, "document": document})
                if name:
                    names.append(name)
            groups: list[Any] = []
            if kind == "user":
                for dep in memberships.get(id(raw), []):
                    groups.append(if_created(dep, self._group_name(dep, "group")))
                for dep in user_groups.get(id(raw), []):
                    value = dep.values.get("groups")
                    groups.extend(if_created(dep, g) for g in (value if isinstance(value, list) else [value]))
                for group in self.index.of("aws_iam_group"):
                    if _principal_name(group) in groups:
                        names.extend(n for _, _, n in managed.get(id(group), []) if n)
            props: dict[str, Any] = {
                "principal_type": kind,
                "name": _principal_name(raw),
                "policy_documents": documents,
                "groups": groups,
                "attached_policy_names": sorted(set(names)),
                "access_keys": [
                    {
                        "id": k.address,
                        "status": _key_status(k.values.get("status")),
                        "created_at": None,
                        "last_used_at": None,
                    }
                    for k in keys_of_access.get(id(raw), [])
                ]
                if kind == "user"
                else [],
                "console_password": bool(logins.get(id(raw))) if kind == "user" else False,
            }
            result.append(_resource(IAM_PRINCIPAL, raw, self.set_name, props))
        return result

    def _group_name(self, dep: RawResource, arg: str) -> Any:
        value = dep.values.get(arg)
        if isinstance(value, str):
            return value
        found = targets(dep, arg, self.index.of("aws_iam_group"), lambda g: [_principal_name(g)])
        return _principal_name(found[0]) if len(found) == 1 else value

    def _managed_policy(self, dep: RawResource, arn: Any, arg: str) -> tuple[str, Any, str | None]:
        """(origin, document, policy name) of an attached managed policy."""
        probe = RawResource(
            dep.address,
            dep.local_address,
            dep.type,
            dep.name,
            dep.mode,
            {arg: arn},
            dep.refs,
            dep.file,
            dep.line,
            dep.module,
        )
        found = targets(probe, arg, self.policies, lambda p: [p.values.get("arn")])
        if len(found) == 1 or (found and not isinstance(arn, list)):
            policy = found[0]
            policy_arn = policy.values.get("arn")
            origin = f"managed:{policy_arn}" if isinstance(policy_arn, str) else f"managed:{policy.address}"
            document = policy_document(policy.values.get("policy"), f"{policy.address}.policy")
            name = policy.values.get("name")
            return origin, document, name if isinstance(name, str) else None
        if isinstance(arn, str):
            managed_name = aws_managed_policy_name(arn)
            if managed_name is not None:
                document = aws_managed_policy_document(arn)
                if document is None:
                    return (
                        f"managed:{arn}",
                        Unknown(f"AWS-managed policy {managed_name} is not known to sesguard"),
                        managed_name,
                    )
                return f"managed:{arn}", document, managed_name
            return (
                f"managed:{arn}",
                Unknown(f"policy {arn} is not defined in this set"),
                arn.rsplit("/", 1)[-1],
            )
        reason = arn if isinstance(arn, Unknown) else Unknown(f"{dep.address} names no policy")
        return "managed:<unresolved>", reason, None

    # --- receiving ------------------------------------------------------------------------------

    def receipt_rules(self) -> list[Resource]:
        active = {
            v.lower()
            for a in self.index.of("aws_ses_active_receipt_rule_set")
            for v in [a.values.get("rule_set_name")]
            if isinstance(v, str)
        }
        active_refs = {
            (a.module, ref)
            for a in self.index.of("aws_ses_active_receipt_rule_set")
            for ref in a.refs.get("rule_set_name", frozenset())
        }
        rule_sets = {
            (r.module, r.local_address): r.values.get("rule_set_name")
            for r in self.index.of("aws_ses_receipt_rule_set")
        }
        for ref in active_refs:
            if isinstance(rule_sets.get(ref), str):
                active.add(str(rule_sets[ref]).lower())
        result: list[Resource] = []
        for raw in self.index.of("aws_ses_receipt_rule"):
            if not raw.emit:
                continue
            rule_set = raw.values.get("rule_set_name")
            props = {
                "name": raw.values.get("name"),
                "rule_set": rule_set,
                "enabled": flag(raw.values.get("enabled"), defaults.RECEIPT_RULE_ENABLED),
                "scan_enabled": flag(raw.values.get("scan_enabled"), defaults.RECEIPT_RULE_SCAN_ENABLED),
                "tls_policy": or_default(enum(raw.values.get("tls_policy")), defaults.TLS_POLICY),
                "rule_set_active": (
                    True if isinstance(rule_set, str) and rule_set.lower() in active else None
                ),
            }
            result.append(_resource(RECEIPT_RULE, raw, self.set_name, props))
        return result


def _tls(delivery: Any) -> Any:
    if is_unknown(delivery):
        return delivery
    if not present(delivery):
        return defaults.TLS_POLICY
    return or_default(enum(delivery.get("tls_policy")), defaults.TLS_POLICY)


def _block_flag(block: Any, key: str, default: bool) -> Any:
    if is_unknown(block):
        return block
    if not present(block):
        return default
    return flag(block.get(key), default)


def _key_status(value: Any) -> Any:
    if value is None:
        return "Active"
    if isinstance(value, str):
        return value.capitalize()
    return value


def _inline(raw: RawResource, name: Any, policy: Any) -> dict[str, Any]:
    label = name if isinstance(name, str) else raw.address
    return {"origin": f"inline:{label}", "document": policy_document(policy, f"{raw.address} policy {label}")}


def _identity_policy(raw: RawResource) -> dict[str, Any]:
    name = raw.values.get("name") if raw.type == "aws_ses_identity_policy" else raw.values.get("policy_name")
    return {
        "name": name if name is not None else raw.address,
        "document": policy_document(raw.values.get("policy"), f"{raw.address}.policy"),
    }


def _notification_topics(deps: list[RawResource]) -> dict[str, Any]:
    topics: dict[str, Any] = {"BOUNCE": None, "COMPLAINT": None, "DELIVERY": None}
    for dep in deps:
        kind = enum(dep.values.get("notification_type"))
        if isinstance(kind, str):
            topics[kind] = if_created(dep, dep.values.get("topic_arn"))
    return topics


def if_created(raw: RawResource, value: Any) -> Any:
    """A fact of a resource, or Unknown when its ``count``/``for_each`` is unknown and the fact is
    evidence for compliance (a true flag, a list of reasons, a DMARC policy): it may not exist."""
    maybe_absent = raw.extra.get("maybe_absent")
    if maybe_absent is None or value is None or value is False or is_unknown(value):
        return value
    return maybe_absent


def _destination(raw: RawResource) -> dict[str, Any]:
    if raw.type == "aws_ses_event_destination":
        body: Any = raw.values
        name = raw.values.get("name")
        types = raw.values.get("matching_types")
    else:
        body = raw.block("event_destination")
        name = raw.values.get("event_destination_name")
        if is_unknown(body):
            return {"name": name, "enabled": body, "event_types": body, "target": body}
        body = or_default(body, {})
        types = body.get("matching_event_types")
    target: Any = None
    for block_name, label in DESTINATION_KINDS:
        block = body.get(block_name)
        first = block[0] if isinstance(block, list) and block else block
        if present(first):
            target = label
            break
    return {
        "name": name,
        "enabled": if_created(raw, flag(body.get("enabled"), defaults.EVENT_DESTINATION_ENABLED)),
        "event_types": enums(or_default(types, [])),
        "target": target,
    }


class _DmarcRecords:
    """``_dmarc.<domain>`` TXT records of a module, for the identities' ``dmarc_policy``."""

    def __init__(self, index: ModuleIndex) -> None:
        zones: dict[tuple[str, str], Any] = {}
        for zone in index.of("aws_route53_zone", "data.aws_route53_zone"):
            zones[(zone.module, zone.local_address)] = zone.values.get("name")
        self.records: list[tuple[Any, Any]] = []  # (fqdn or Unknown, records)
        for record in index.of("aws_route53_record"):
            kind = record.values.get("type")
            if isinstance(kind, str) and kind.upper() != "TXT":
                continue
            record_name = record.values.get("name")
            zone_names = [
                zones[(record.module, r)]
                for r in record.refs.get("zone_id", frozenset())
                if (record.module, r) in zones
            ]
            if isinstance(record_name, str):
                fqdn = record_name.rstrip(".").lower()
                zone_name = zone_names[0] if zone_names else None
                if isinstance(zone_name, str) and not fqdn.endswith(zone_name.rstrip(".").lower()):
                    fqdn = f"{fqdn}.{zone_name.rstrip('.').lower()}"
                self.records.append((fqdn, if_created(record, record.values.get("records"))))
            else:
                self.records.append((record_name, if_created(record, record.values.get("records"))))

    def policy_for(self, domain: Any) -> Any:
        """The DMARC policy of the domain (its record's, else its organizational domain's: see
        :mod:`sesguard.dmarc`); None when the set has none; Unknown when unsure."""
        if not isinstance(domain, str):
            maybe = any(self._may_be_dmarc(records) for _, records in self.records)
            return Unknown("a _dmarc TXT record or the identity's domain is unresolved") if maybe else None
        return effective_policy(domain, self._tags_at)

    @staticmethod
    def _may_be_dmarc(records: Any) -> bool:
        return is_unknown(records) or "v=dmarc1" in str(records).lower().replace(" ", "")

    def _tags_at(self, name: str) -> Any:
        wanted = f"_dmarc.{name}"
        ambiguous: Unknown | None = None
        for fqdn, records in self.records:
            if fqdn == wanted:
                return template_tags(records, wanted)
            if not isinstance(fqdn, str) and self._may_be_dmarc(records):
                ambiguous = Unknown(f"a TXT record whose name is unresolved may be {wanted}")
        return ambiguous


def normalize_module(raws: list[RawResource], set_name: str) -> list[Resource]:
    """The model resources of one module's raw resources."""
    return _ModuleNormalizer(raws, set_name).resources()


def home_of(raw: RawResource) -> str:
    """The unit a resource is linked in by value: its root module (with the modules it calls)."""
    return raw.root or raw.module


def attached_documents(raws: list[RawResource]) -> Callable[[RawResource], Any]:
    """For a policy attachment among ``raws``: the document of the policy it attaches (resolved
    within them, else AWS-managed, else Unknown)."""
    normalizer = _ModuleNormalizer(raws, "")
    return lambda dep: normalizer._managed_policy(dep, dep.values.get("policy_arn"), "policy_arn")[1]


def alarm_facts(raw: RawResource) -> dict[str, Any]:
    """The ``alarms`` entry of an ``aws_cloudwatch_metric_alarm``."""
    queries: Any = raw.values.get("metric_query")
    if not is_unknown(queries):
        queries = [_metric_query(q, raw.address) for q in queries] if isinstance(queries, list) else []
        queries = next((q for q in queries if is_unknown(q)), queries)
    threshold = raw.values.get("threshold")
    if isinstance(threshold, int | float) and not isinstance(threshold, bool):
        threshold = float(threshold)
    elif isinstance(threshold, str):
        try:
            threshold = float(threshold)
        except ValueError:
            threshold = Unknown(f"{raw.address} threshold is not a number")
    elif threshold is None:
        threshold = Unknown(f"{raw.address} has no static threshold")
    actions = raw.values.get("alarm_actions")
    watched = watched_metric(
        raw.values.get("namespace"),
        raw.values.get("metric_name"),
        raw.values.get("dimensions"),
        queries,
        threshold,
        raw.address,
    )
    return alarm_entry(
        raw.values.get("alarm_name"),
        watched,
        comparison=raw.values.get("comparison_operator"),
        actions=len(actions) if isinstance(actions, list) else (actions if is_unknown(actions) else 0),
        actions_enabled=if_created(
            raw, flag(raw.values.get("actions_enabled"), defaults.ALARM_ACTIONS_ENABLED)
        ),
        where=(raw.file, raw.line),
    )


def alarm_reads_ses(raw: RawResource) -> bool:
    """Whether an ``aws_cloudwatch_metric_alarm`` reads an ``AWS/SES`` metric (a monitoring-only set)."""
    queries = raw.values.get("metric_query")
    listed = [_metric_query(q, raw.address) for q in queries] if isinstance(queries, list) else []
    return reads_ses(raw.values.get("namespace"), listed)


def _metric_query(query: Any, address: str) -> MetricQuery | Unknown:
    """One ``metric_query`` block as a :class:`MetricQuery` (Unknown when it cannot be read)."""
    if isinstance(query, Unknown):
        return query
    if not isinstance(query, dict):
        return Unknown(f"{address}: a metric_query block cannot be read")
    found = query.get("metric")
    found = found[0] if isinstance(found, list) and found else found
    if isinstance(found, Unknown):
        return found
    block: dict[str, Any] = found if isinstance(found, dict) else {}
    expression = query.get("expression")
    return MetricQuery(
        id=query.get("id"),
        expression=expression if present(expression) else None,
        namespace=block.get("namespace"),
        metric_name=block.get("metric_name"),
        dimensions=block.get("dimensions"),
        return_data=None if query.get("return_data") is None else flag(query.get("return_data"), False),
    )
