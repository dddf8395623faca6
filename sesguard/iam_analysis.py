"""What IAM policy documents allow: SES send permissions, wildcards, NotAction, and their conditions."""

from __future__ import annotations

import fnmatch
import gzip
import importlib.util
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final, TypeVar

from sesguard.iam_deny import DenySet
from sesguard.iam_patterns import covers_an_address_family, glob_matches_anything
from sesguard.model import Unknown, is_unknown

_T = TypeVar("_T")

SEND_ACTIONS: Final = (
    "ses:SendEmail",
    "ses:SendRawEmail",
    "ses:SendTemplatedEmail",
    "ses:SendBulkTemplatedEmail",
    "ses:SendBulkEmail",
)
_SEND_LOWER: Final = frozenset(a.lower() for a in SEND_ACTIONS)
NETWORK_KEYS: Final = frozenset({"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce"})
SENDER_SCOPE_KEYS: Final = frozenset({"ses:fromaddress"})
PRINCIPAL_RESTRICTING_KEYS: Final = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
    }
)


@cache
def ses_actions() -> tuple[str, ...]:
    """Every SES IAM action (``ses:`` covers both API versions), from botocore's service models.

    The models are read from botocore's data folder as its loader finds them (the latest API version
    of each service, ``service-2.json`` or ``.json.gz``), without importing ``botocore.session``
    (a fifth of a second: HTTP, TLS and documentation modules a template run has no use for); through
    botocore's session when the folder is not there (a zipped install).
    """
    names: set[str] = set(SEND_ACTIONS)
    for service in ("ses", "sesv2"):
        operations = _model_operations(service)
        if operations is None:
            import botocore.session

            operations = botocore.session.get_session().get_service_model(service).operation_names
        names.update(f"ses:{op}" for op in operations)
    return tuple(sorted(names))


def _model_operations(service: str) -> list[str] | None:
    """The operation names of ``service``'s latest model in botocore's data folder; None when absent."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / service
    models = [
        model
        for version in (sorted(folder.iterdir(), reverse=True) if folder.is_dir() else [])
        for model in (version / "service-2.json", version / "service-2.json.gz")
        if model.is_file()
    ]
    if not models:
        return None
    raw = models[0].read_bytes()
    document = json.loads(gzip.decompress(raw) if models[0].suffix == ".gz" else raw)
    operations = document.get("operations") if isinstance(document, dict) else None
    return list(operations) if isinstance(operations, dict) else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), str(pattern).lower())


def parse_document(document: Any) -> Mapping[str, Any] | Unknown:
    """A policy document as a dict (JSON strings are parsed); Unknown when it cannot be read."""
    if is_unknown(document):
        result: Unknown = document
        return result
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return Unknown("policy document is not valid JSON")
    if not isinstance(document, Mapping):
        return Unknown("policy document is not an object")
    return document


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any] | Unknown]:
    """The document's statements (a single statement object counts as a list of one)."""
    raw = document.get("Statement")
    if isinstance(raw, Unknown):
        return [raw]
    return [
        s if isinstance(s, Mapping) or is_unknown(s) else Unknown("statement is not an object")
        for s in _as_list(raw)
    ]


# Condition operators are ``[ForAnyValue:|ForAllValues:]<base>[IfExists]``. A test restricts a request
# only when a request that does not meet it is refused: negated operators (StringNotEquals, ArnNotLike,
# NotIpAddress, ...) allow everything but the named values; ``...IfExists`` and ``ForAllValues:`` are
# true when the request does not carry the key (a request through a VPC endpoint has no aws:SourceIp,
# one from the internet no aws:SourceVpc); ``Null`` only tests whether a key is present.
_SET_QUALIFIERS: Final = ("foranyvalue:", "forallvalues:")
_IP_OPERATORS: Final = frozenset({"ipaddress", "notipaddress"})
# Negated network tests that, in a Deny, refuse every request from outside the networks they name.
_NEGATED_NETWORK_TESTS: Final[dict[str, frozenset[str]]] = {
    "notipaddress": frozenset({"aws:sourceip"}),
    "stringnotequals": frozenset({"aws:sourcevpc", "aws:sourcevpce"}),
    "stringnotequalsignorecase": frozenset({"aws:sourcevpc", "aws:sourcevpce"}),
}


@dataclass(frozen=True)
class Operator:
    """A condition operator taken apart (lower-cased): ``ForAnyValue:StringNotEqualsIfExists`` is
    qualifier ``foranyvalue``, base ``stringnotequals``, if_exists True."""

    qualifier: str | None
    base: str
    if_exists: bool

    @property
    def negated(self) -> bool:
        # No positive operator name contains "not" (StringEquals, IpAddress, Bool, Null, ArnLike, ...).
        return "not" in self.base

    @property
    def restricts(self) -> bool:
        """Whether a request that does not carry matching values is refused by this test."""
        return not (self.negated or self.if_exists or self.qualifier == "forallvalues" or self.base == "null")


def parse_operator(operator: str) -> Operator:
    """``operator`` taken apart into set qualifier, base operator and ``IfExists``."""
    text = str(operator).strip().lower()
    qualifier = next((q[:-1] for q in _SET_QUALIFIERS if text.startswith(q)), None)
    if qualifier is not None:
        text = text[len(qualifier) + 1 :]
    if_exists = text.endswith("ifexists")
    return Operator(qualifier, text.removesuffix("ifexists") if if_exists else text, if_exists)


def _matches_everything(operator: Operator, values: list[Any]) -> bool:
    """A test whose values let every request through, judged by what they match, not how they are
    spelled: IP ranges that together cover all of IPv4 or all of IPv6 (``0.0.0.0/1`` + ``128.0.0.0/1``),
    a ``...Like`` pattern that matches any value (``*``, ``**``, ``*?*``, ``*@*``)."""
    if operator.base in _IP_OPERATORS:
        return covers_an_address_family(values)
    return "like" in operator.base and any(glob_matches_anything(str(v)) for v in values)


@dataclass(frozen=True)
class ConditionKeys:
    """The condition keys a statement restricts (lower-cased), and why more may be restricted.

    ``unknown`` is set when part of the Condition cannot be read (a whole ``Fn::If``, an unresolved
    value): a key missing from ``keys`` may then be restricted after all.
    """

    keys: frozenset[str] = frozenset()
    unknown: Unknown | None = None

    def restricts_any(self, wanted: frozenset[str]) -> bool | Unknown:
        """True when one of ``wanted`` is restricted, Unknown when that cannot be told, else False."""
        if self.keys & wanted:
            return True
        return self.unknown if self.unknown is not None else False


def condition_keys(statement: Mapping[str, Any]) -> ConditionKeys:
    """The keys a statement's Condition restricts (see :class:`Operator.restricts`)."""
    conditions = statement.get("Condition")
    if conditions is None:
        return ConditionKeys()
    if isinstance(conditions, Unknown):
        return ConditionKeys(unknown=Unknown(f"Condition is unknown: {conditions.reason}"))
    if not isinstance(conditions, Mapping):
        return ConditionKeys(unknown=Unknown("Condition is not an object"))
    keys: set[str] = set()
    unknown: Unknown | None = None
    for name, tests in conditions.items():
        operator = parse_operator(str(name))
        if not operator.restricts:
            continue
        if not isinstance(tests, Mapping):
            reason = tests.reason if isinstance(tests, Unknown) else "not an object"
            unknown = _first(unknown, Unknown(f"Condition {name} is unknown: {reason}"))
            continue
        for key, value in tests.items():
            values = _as_list(value)
            hidden = next((v for v in values if isinstance(v, Unknown)), None)
            if hidden is not None:
                unknown = _first(unknown, Unknown(f"Condition {name} {key} is unknown: {hidden.reason}"))
            elif values and not _matches_everything(operator, values):
                keys.add(str(key).lower())
    return ConditionKeys(frozenset(keys), unknown)


def _first(current: Unknown | None, new: _T) -> Unknown | _T:
    """``current`` when set (the first reason wins), else ``new``; never tests an Unknown's truth."""
    return current if current is not None else new


def _any(values: Iterable[bool | Unknown]) -> bool | Unknown:
    """Three-valued OR: any True is True, else any Unknown is (the first) Unknown, else False."""
    unknown: Unknown | None = None
    for value in values:
        if value is True:
            return True
        if isinstance(value, Unknown) and unknown is None:
            unknown = value
    return unknown if unknown is not None else False


def _all(values: Iterable[bool | Unknown]) -> bool | Unknown:
    """Three-valued AND: any False is False, else any Unknown is (the first) Unknown, else True."""
    unknown: Unknown | None = None
    for value in values:
        if value is False:
            return False
        if isinstance(value, Unknown) and unknown is None:
            unknown = value
    return unknown if unknown is not None else True


@dataclass
class SendAnalysis:
    """What a set of documents allows regarding SES sending.

    ``resource_scoped`` and ``network_restricted`` are Unknown when an unreadable part (a document, a
    statement, a Resource or Condition) decides them; an unreadable document makes a True unknown (it
    may allow an unscoped send) and, for ``network_restricted``, a False too (it may hold a Deny that
    refuses sends from outside known networks).
    """

    is_sending: bool | Unknown = False
    beyond_send: list[str] = field(default_factory=list)
    beyond_known: bool = True
    resource_scoped: bool | Unknown = True
    network_restricted: bool | Unknown = True
    unknown_reasons: list[str] = field(default_factory=list)
    send_statements: int = 0
    beyond_doubt: Unknown | None = None  # grants beyond send that an unreadable Deny may refuse

    @property
    def actions_beyond_send(self) -> list[str] | Unknown:
        """The grants beyond send, or Unknown when what is left cannot be told."""
        if self.beyond_send:
            return self.beyond_send
        if not self.beyond_known:
            return Unknown("; ".join(self.unknown_reasons) or "a policy document cannot be read")
        return self.beyond_doubt if self.beyond_doubt is not None else []


@dataclass(frozen=True)
class Beyond:
    """A grant beyond the send actions: ``glob`` less ``excluded`` (an Allow's NotAction), described."""

    glob: str
    excluded: tuple[str, ...]
    text: str


def _ses_extras(glob: str, excluded: tuple[str, ...] = ()) -> list[str]:
    """The SES actions beyond send that an action glob grants (less the excluded globs)."""
    return [
        a
        for a in ses_actions()
        if _matches(glob, a) and a.lower() not in _SEND_LOWER and not any(_matches(x, a) for x in excluded)
    ]


def _statement_grants(statement: Mapping[str, Any]) -> tuple[list[str], list[Beyond]] | Unknown:
    """(send actions granted, grants beyond send) for one Allow statement."""
    if "NotAction" in statement:
        excluded = _as_list(statement["NotAction"])
        if any(is_unknown(p) for p in excluded):
            return Unknown("NotAction is unknown")
        granted = [a for a in SEND_ACTIONS if not any(_matches(p, a) for p in excluded)]
        text = f"NotAction {excluded} (allows every other action)"
        return granted, [Beyond("*", tuple(map(str, excluded)), text)]
    actions = _as_list(statement.get("Action"))
    if any(is_unknown(p) for p in actions):
        return Unknown("Action is unknown")
    granted = sorted({a for a in SEND_ACTIONS for p in actions if _matches(str(p), a)})
    beyond: list[Beyond] = []
    for pattern in map(str, actions):
        if pattern == "*":
            beyond.append(Beyond("*", (), "*"))
            continue
        service = pattern.split(":", 1)[0].lower()
        if service != "ses":
            beyond.append(Beyond(pattern, (), pattern))
            continue
        extra = _ses_extras(pattern)
        if not extra:
            continue
        if pattern.lower() == "ses:*":
            beyond.append(Beyond(pattern, (), "ses:*"))
        elif "*" in pattern or "?" in pattern:
            beyond.append(Beyond(pattern, (), f"{pattern} (also grants {_shown(extra)})"))
        else:
            beyond.append(Beyond(pattern, (), pattern))
    return granted, beyond


def _shown(actions: list[str]) -> str:
    return ", ".join(actions[:4]) + (", ..." if len(actions) > 4 else "")


def _left_after_denies(grant: Beyond, denies: DenySet) -> list[str]:
    """How a grant beyond send reads once the Deny statements that apply to every request are taken
    off: ``[]`` when they refuse all of it, its own text when they refuse none of it."""
    left: list[str] = []
    for glob in denies.remaining_globs(grant.glob):
        if any(_matches(x, glob) for x in grant.excluded):
            continue
        if glob.split(":", 1)[0].lower() == "ses":
            before = _ses_extras(glob, grant.excluded)
            extras = [a for a in before if _matches(grant.glob, a) and not denies.refused_everywhere(a)]
            if not extras:
                continue
            if glob == grant.glob and extras == before:
                left.append(grant.text)
            else:
                left.append(f"{glob} (less what a Deny refuses: grants {_shown(extras)})")
        elif glob == grant.glob:
            left.append(grant.text)
        else:
            left.append(f"{glob} (what a NotAction Deny leaves of {grant.text})")
    return left


# An SES ARN; partition, region and account may be literal, wildcards or placeholders such as
# ${AWS::Partition} (CloudFormation pseudo parameters) and <partition> (Terraform).
_SEGMENT: Final = r"(?:\$\{[^}]*\}|[^:])*"
_SES_ARN: Final = re.compile(
    rf"^arn:{_SEGMENT}:ses:{_SEGMENT}:{_SEGMENT}:(?P<kind>[A-Za-z-]+)/(?P<name>.+)$", re.IGNORECASE
)
# What a send request is authorized against besides the identity (SendEmail with a configuration set,
# SendTemplatedEmail with a template).
_SEND_RESOURCE_KINDS: Final = frozenset({"identity", "configuration-set", "template"})


def ses_resource_kind(resource: Any) -> str | None:
    """``identity`` (naming identities, not ``identity/*``), ``configuration-set`` or ``template``
    for an SES ARN of that kind; None for ``*`` and anything else."""
    match = _SES_ARN.match(resource) if isinstance(resource, str) else None
    if match is None:
        return None
    kind = match.group("kind").lower()
    if kind not in _SEND_RESOURCE_KINDS or (
        kind == "identity" and glob_matches_anything(match.group("name"))
    ):
        return None
    return kind


def resources_scoped(statement: Mapping[str, Any]) -> bool | Unknown:
    """Whether a statement's Resource names identity ARNs rather than ``*``: at least one identity
    ARN, and only identity, configuration-set or template ARNs (no ``*``, no NotResource)."""
    if "NotResource" in statement:
        return False
    raw = statement.get("Resource")
    if isinstance(raw, Unknown):
        return Unknown(f"Resource is unknown: {raw.reason}")
    items = _as_list(raw)
    kinds = [ses_resource_kind(r) for r in items if not is_unknown(r)]
    if None in kinds:
        return False
    hidden = next((r for r in items if isinstance(r, Unknown)), None)
    if hidden is not None:
        return Unknown(f"Resource is unknown: {hidden.reason}")
    return "identity" in kinds


def _covers_every_resource(raw: Any) -> bool | Unknown:
    if isinstance(raw, Unknown):
        return Unknown(f"Resource is unknown: {raw.reason}")
    items = _as_list(raw)
    if "*" in [r for r in items if isinstance(r, str)]:
        return True
    hidden = next((r for r in items if isinstance(r, Unknown)), None)
    return Unknown(f"Resource is unknown: {hidden.reason}") if hidden is not None else False


def _refuses_outside_networks(conditions: Any) -> bool | Unknown:
    """Whether a Deny's Condition holds for every request from outside the networks it names: only
    negated network tests (NotIpAddress aws:SourceIp, StringNotEquals aws:SourceVpc/aws:SourceVpce,
    ``IfExists`` allowed: an absent key also meets them), besides ``Bool aws:ViaAWSService false``
    (true for every direct call). Any other test could exempt requests from the Deny."""
    if isinstance(conditions, Unknown):
        return Unknown(f"Condition is unknown: {conditions.reason}")
    if not isinstance(conditions, Mapping):
        return False
    unknown: Unknown | None = None
    networks = 0
    for name, tests in conditions.items():
        operator = parse_operator(str(name))
        if isinstance(tests, Unknown):
            unknown = _first(unknown, Unknown(f"Condition {name} is unknown: {tests.reason}"))
            continue
        if not isinstance(tests, Mapping):
            return False
        if operator.qualifier is None and operator.base == "bool" and not operator.if_exists:
            if {str(k).lower() for k in tests} == {"aws:viaawsservice"} and all(
                str(v).lower() == "false" for v in _as_list(next(iter(tests.values())))
            ):
                continue
            return False
        allowed_keys = _NEGATED_NETWORK_TESTS.get(operator.base)
        if operator.qualifier is not None or allowed_keys is None:
            return False
        for key, value in tests.items():
            values = _as_list(value)
            if str(key).lower() not in allowed_keys or not values:
                return False
            hidden = next((v for v in values if isinstance(v, Unknown)), None)
            if hidden is not None:
                unknown = _first(unknown, Unknown(f"Condition {name} {key} is unknown: {hidden.reason}"))
            elif _matches_everything(operator, values):
                return False
            networks += 1
    if unknown is not None:
        return unknown
    return networks > 0


def _send_actions_matched(statement: Mapping[str, Any]) -> frozenset[str] | Unknown:
    """The send actions a statement's Action (or NotAction) covers."""
    negated = "NotAction" in statement
    raw = statement.get("NotAction" if negated else "Action")
    if isinstance(raw, Unknown):
        return Unknown(f"{'NotAction' if negated else 'Action'} is unknown: {raw.reason}")
    patterns = _as_list(raw)
    known = [str(p) for p in patterns if not is_unknown(p)]
    matched = frozenset(a for a in SEND_ACTIONS if any(_matches(p, a) for p in known))
    if negated:
        matched = frozenset(SEND_ACTIONS) - matched
    hidden = next((p for p in patterns if isinstance(p, Unknown)), None)
    if hidden is not None and not (not negated and matched == frozenset(SEND_ACTIONS)):
        return Unknown(f"{'NotAction' if negated else 'Action'} is unknown: {hidden.reason}")
    return matched


def network_deny(statement: Mapping[str, Any]) -> frozenset[str] | Unknown:
    """The send actions a Deny statement refuses on every resource to requests from outside known
    networks (empty when it does not; Unknown when an unreadable part decides it)."""
    if "NotResource" in statement:
        return frozenset()
    checks = [
        _covers_every_resource(statement.get("Resource")),
        _refuses_outside_networks(statement.get("Condition")),
    ]
    actions = _send_actions_matched(statement)
    if False in checks or (isinstance(actions, frozenset) and not actions):
        return frozenset()
    hidden = next((c for c in [*checks, actions] if isinstance(c, Unknown)), None)
    if hidden is not None:
        return hidden
    return actions if isinstance(actions, frozenset) else frozenset()


def analyse_sending(documents: Iterable[Any]) -> SendAnalysis:
    """Effective SES send permission of a principal from all its policy documents.

    Explicit Deny statements override Allow (:mod:`sesguard.iam_deny`): a send action a Deny without
    condition refuses on every resource is not granted, a ``NotResource`` Deny narrows what an Allow
    grants to the resources it names, and a grant beyond send that Denies refuse is no grant. A Deny
    with an unreadable part makes a fact it could change Unknown.

    A send statement is resource-scoped when its Resource names identity ARNs (:func:`resources_scoped`),
    a ``ses:FromAddress`` condition restricts it, or Denies narrow it to identity ARNs; network-restricted
    when an ``aws:SourceIp`` / ``aws:SourceVpc`` / ``aws:SourceVpce`` condition restricts it, or when Deny
    statements of the principal's documents refuse every send action it grants, on every resource, to
    requests from outside known networks (:func:`network_deny`).
    """
    result = SendAnalysis()
    unknown_docs: list[str] = []
    allows: list[tuple[Mapping[str, Any], list[str], list[Beyond]]] = []
    denies: list[Mapping[str, Any]] = []
    for raw in documents:
        document = parse_document(raw)
        if isinstance(document, Unknown):
            unknown_docs.append(document.reason)
            continue
        for statement in statements(document):
            if isinstance(statement, Unknown):
                unknown_docs.append(statement.reason)
                continue
            effect = statement.get("Effect", "")
            if isinstance(effect, Unknown):
                unknown_docs.append(f"Effect is unknown: {effect.reason}")
                continue
            if str(effect).lower() == "deny":
                denies.append(statement)
                continue
            if str(effect).lower() != "allow":
                continue
            grants = _statement_grants(statement)
            if isinstance(grants, Unknown):
                unknown_docs.append(grants.reason)
                continue
            allows.append((statement, *grants))
    deny_set = DenySet.of(denies)
    _beyond_after_denies(result, [g for _, _, grants in allows for g in grants], deny_set)
    refused: set[str] = set()
    maybe_refused: Unknown | None = None
    for statement in denies:
        covered = network_deny(statement)
        if isinstance(covered, Unknown):
            maybe_refused = _first(maybe_refused, covered)
        else:
            refused.update(covered)
    scoped: list[bool | Unknown] = []
    restricted: list[bool | Unknown] = []
    sending: list[bool | Unknown] = []
    worst = deny_set.worst_case()
    for statement, granted, _ in allows:
        still = _still_granted(statement, granted, deny_set)
        if not still:
            continue
        # What an unreadable Deny could still take away decides nothing: those facts are Unknown.
        doubt: bool | Unknown = deny_set.doubt if deny_set.doubt is not None else False
        surely_granted = doubt is False or bool(_still_granted(statement, still, worst))
        sending.append(True if surely_granted else doubt)
        keys = condition_keys(statement)
        statement_scoped = _any(
            [resources_scoped(statement), keys.restricts_any(SENDER_SCOPE_KEYS), _narrowed(statement, still, deny_set)]
        )
        if statement_scoped is False and doubt is not False:
            worst_still = _still_granted(statement, still, worst)
            if not worst_still or _narrowed(statement, worst_still, worst):
                statement_scoped = doubt
        scoped.append(statement_scoped)
        by_deny: bool | Unknown = True if set(still) <= refused else _first(maybe_refused, False)
        restricted.append(_any([keys.restricts_any(NETWORK_KEYS), by_deny]))
    result.send_statements = len(sending)
    result.resource_scoped = _all(scoped)
    result.network_restricted = _all(restricted)
    result.unknown_reasons = unknown_docs
    if unknown_docs:
        note = Unknown("; ".join(unknown_docs))
        result.beyond_known = False
        result.is_sending = True if _any(sending) is True else note
        if result.resource_scoped is True:
            result.resource_scoped = note
        if not isinstance(result.network_restricted, Unknown):
            result.network_restricted = note
    else:
        result.is_sending = _any(sending)
    return result


def _resource_globs(statement: Mapping[str, Any]) -> tuple[list[str], bool]:
    """An Allow's Resource globs (``*`` for NotResource) and whether some of them cannot be read."""
    if "NotResource" in statement:
        return ["*"], False
    items = _as_list(statement.get("Resource"))
    return [str(r) for r in items if not is_unknown(r)], any(is_unknown(r) for r in items) or isinstance(
        statement.get("Resource"), Unknown
    )


def _still_granted(statement: Mapping[str, Any], granted: list[str], denies: DenySet) -> list[str]:
    """The send actions an Allow still grants on some resource once Denies without condition apply."""
    resources, hidden = _resource_globs(statement)
    return [
        a
        for a in granted
        if not denies.refused_everywhere(a) and (hidden or denies.resources_left(a, resources))
    ]


def _narrowed(statement: Mapping[str, Any], still: list[str], denies: DenySet) -> bool:
    """Whether ``NotResource`` / ``Resource`` Denies leave each send action of an Allow on identity ARNs
    only (what :func:`resources_scoped` asks of a Resource)."""
    resources, hidden = _resource_globs(statement)
    if hidden:
        return False
    for action in still:
        left = denies.resources_left(action, resources)
        kinds = [ses_resource_kind(r) for r in left]
        if left == resources or None in kinds or "identity" not in kinds:
            return False
    return True


def _beyond_after_denies(result: SendAnalysis, grants: list[Beyond], denies: DenySet) -> None:
    """``beyond_send``: what the Denies leave of the grants beyond send. When an unreadable Deny could
    refuse all of it, whether anything is left cannot be told (``beyond_doubt``)."""
    for grant in grants:
        left = _left_after_denies(grant, denies)
        result.beyond_send.extend(text for text in left if text not in result.beyond_send)
    if result.beyond_send and denies.doubt is not None:
        worst = denies.worst_case()
        if not any(_left_after_denies(grant, worst) for grant in grants):
            result.beyond_doubt = denies.doubt
            result.beyond_send = []


def public_statements(policies: Iterable[Mapping[str, Any]]) -> list[str] | Unknown:
    """``policy/Sid`` of sending-authorization statements that let anyone (``*``) act without a
    restricting condition, over every policy of an identity (Unknown when one cannot be read)."""
    found: list[str] = []
    for policy in policies:
        name = str(policy.get("name", "policy"))
        document = parse_document(policy.get("document"))
        if isinstance(document, Unknown):
            return Unknown(f"policy {name}: {document.reason}")
        for index, statement in enumerate(statements(document)):
            if isinstance(statement, Unknown):
                return Unknown(f"policy {name}: {statement.reason}")
            effect = statement.get("Effect", "")
            if isinstance(effect, Unknown):
                return Unknown(f"policy {name}: Effect is unknown: {effect.reason}")
            if str(effect).lower() != "allow":
                continue
            public = _all(
                [
                    _is_everyone(statement.get("Principal")),
                    _not(condition_keys(statement).restricts_any(PRINCIPAL_RESTRICTING_KEYS)),
                ]
            )
            if isinstance(public, Unknown):
                return Unknown(f"policy {name}/{statement.get('Sid', index)}: {public.reason}")
            if public:
                found.append(f"{name}/{statement.get('Sid', index)}")
    return found


def _not(value: bool | Unknown) -> bool | Unknown:
    return value if isinstance(value, Unknown) else not value


def _is_everyone(principal: Any) -> bool | Unknown:
    """Whether a Principal includes anyone (``*``); Unknown when an unresolved value may be ``*``."""
    if isinstance(principal, Unknown):
        return Unknown(f"Principal is unknown: {principal.reason}")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        values = [v for value in principal.values() for v in _as_list(value)]
        if any(isinstance(v, str) and v == "*" for v in values):
            return True
        hidden = next((v for v in values if isinstance(v, Unknown)), None)
        return Unknown(f"Principal is unknown: {hidden.reason}") if hidden is not None else False
    return False
