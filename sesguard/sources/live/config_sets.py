"""Configuration sets of one region: list, then ``GetConfigurationSet`` and its event destinations.

A listing failure blocks ``configuration_set`` and also ``email_identity`` (an identity's feedback
path, SES-ID-007, runs through its default configuration set, which would otherwise look absent).
A failed per-set call keeps the set with ``Unknown`` for the properties that call provides.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any, Final

from sesguard.model import CONFIGURATION_SET, EMAIL_IDENTITY, Resource
from sesguard.model import ses_defaults as defaults
from sesguard.sources.live.errors import AWS_ERRORS, Collected, attempt
from sesguard.sources.live.paging import pages
from sesguard.sources.live.scope import Scope
from sesguard.sources.live.session import Client
from sesguard.sources.live.values import upper, upper_list

LIST_PAGE: Final = 1000
SET_PROPS: Final = ("tls_policy", "reputation_metrics_enabled", "suppressed_reasons", "sending_enabled")

_TARGETS: Final = (
    ("SnsDestination", "TopicArn", "sns"),
    ("KinesisFirehoseDestination", "DeliveryStreamArn", "firehose"),
    ("EventBridgeDestination", "EventBusArn", "eventbridge"),
    ("PinpointDestination", "ApplicationArn", "pinpoint"),
    ("CloudWatchDestination", None, "cloudwatch"),
)


def set_props(response: dict[str, Any]) -> dict[str, Any]:
    """Base properties from a ``GetConfigurationSet`` response (AWS defaults where absent)."""
    delivery = response.get("DeliveryOptions") or {}
    reputation = response.get("ReputationOptions") or {}
    sending = response.get("SendingOptions") or {}
    suppression = response.get("SuppressionOptions")
    reasons = None
    if isinstance(suppression, dict) and "SuppressedReasons" in suppression:
        reasons = upper_list(suppression["SuppressedReasons"])
    return {
        "tls_policy": upper(delivery.get("TlsPolicy")) or defaults.TLS_POLICY,
        "reputation_metrics_enabled": bool(
            reputation.get("ReputationMetricsEnabled", defaults.REPUTATION_METRICS_ENABLED)
        ),
        "suppressed_reasons": reasons,
        "sending_enabled": bool(sending.get("SendingEnabled", defaults.SENDING_ENABLED)),
    }


def destination(raw: dict[str, Any]) -> dict[str, Any]:
    """One event destination: ``{name, enabled, event_types, target}``."""
    target = None
    for key, arn_key, kind in _TARGETS:
        if raw.get(key):
            target = f"{kind}:{raw[key].get(arn_key)}" if arn_key else kind
            break
    return {
        "name": raw.get("Name"),
        "enabled": bool(raw.get("Enabled", defaults.EVENT_DESTINATION_ENABLED)),
        "event_types": upper_list(raw.get("MatchingEventTypes")),
        "target": target,
    }


@dataclass
class SetReads:
    """The per-set calls of one scope's configuration sets under way."""

    scope: Scope
    names: list[str]
    sets: dict[str, Future[tuple[Any, BaseException | None]]]
    dests: dict[str, Future[tuple[Any, BaseException | None]]]


def start_configuration_sets(v2: Client, scope: Scope, pool: Executor, out: Collected) -> SetReads | None:
    """List the scope's configuration sets and start their per-set calls on ``pool``; None when the
    listing failed (recorded in ``out``)."""
    try:
        names = sorted(
            {
                n
                for page in pages(v2.list_configuration_sets, PageSize=LIST_PAGE)
                for n in page.get("ConfigurationSets", [])
            }
        )
    except AWS_ERRORS as exc:
        out.fail_types(
            exc,
            operation="ListConfigurationSets",
            set_ref=scope.set_ref,
            location=scope.location(),
            affects=(CONFIGURATION_SET, EMAIL_IDENTITY),
        )
        return None
    sets = {n: pool.submit(attempt, v2.get_configuration_set, ConfigurationSetName=n) for n in names}
    dests = {
        n: pool.submit(attempt, v2.get_configuration_set_event_destinations, ConfigurationSetName=n)
        for n in names
    }
    return SetReads(scope, names, sets, dests)


def finish_configuration_sets(reads: SetReads, out: Collected) -> None:
    """Wait for the calls started by :func:`start_configuration_sets`; the sets go into ``out``."""
    scope = reads.scope
    for name in reads.names:
        props: dict[str, Any] = {"name": name}
        response, failed = reads.sets[name].result()
        if failed is not None:
            reason = out.fail_props(
                failed,
                operation="GetConfigurationSet",
                set_name=scope.set_name,
                blocked=f"configuration_set:{name}",
            )
            props.update(dict.fromkeys(SET_PROPS, reason))
        else:
            props.update(set_props(response))
        response, failed = reads.dests[name].result()
        if failed is not None:
            props["event_destinations"] = out.fail_props(
                failed,
                operation="GetConfigurationSetEventDestinations",
                set_name=scope.set_name,
                blocked=f"configuration_set:{name}.event_destinations",
            )
        else:
            raw = sorted(response.get("EventDestinations", []), key=lambda d: str(d.get("Name")))
            props["event_destinations"] = [destination(d) for d in raw]
        out.resources.append(
            Resource(
                type=CONFIGURATION_SET,
                id=name,
                location=scope.location(scope.ses_arn(f"configuration-set/{name}")),
                set_ref=scope.set_ref,
                props=props,
                native_type="AWS::SES::ConfigurationSet",
            )
        )
