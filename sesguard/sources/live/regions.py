"""Everything read per account and region: the account row, identities, configuration sets, receipt."""

from __future__ import annotations

from concurrent.futures import Executor
from datetime import datetime
from typing import Any, Final

import botocore

from sesguard.model import ACCOUNT, EMAIL_IDENTITY, Resource, Unknown, is_unknown
from sesguard.sources.live.account import ACCOUNT_PROPS, account_props
from sesguard.sources.live.config_sets import finish_configuration_sets, start_configuration_sets
from sesguard.sources.live.dmarc import DmarcChecker
from sesguard.sources.live.errors import (
    AWS_ERRORS,
    REGION_LEVEL_CODES,
    REGIONAL_TYPES,
    Collected,
    attempt,
    error_code,
)
from sesguard.sources.live.identities import (
    NOTIFICATION_INTERVAL,
    finish_identities,
    list_identities,
    start_identities,
)
from sesguard.sources.live.metrics import MetricReadError, latest_rates, reputation_alarms
from sesguard.sources.live.receipt import read_receipt_rules
from sesguard.sources.live.scope import Scope
from sesguard.sources.live.session import AccountSession, Client

RATE_PROPS = ("bounce_rate", "bounce_rate_at", "complaint_rate", "complaint_rate_at", "sent_in_lookback")


def _reputation(
    session: AccountSession, scope: Scope, out: Collected, now: datetime, lookback_days: int
) -> dict[str, Any]:
    cloudwatch = session.client("cloudwatch", scope.region)
    props: dict[str, Any] = {}
    try:
        props.update(latest_rates(cloudwatch, now, lookback_days))
    except (*AWS_ERRORS, MetricReadError) as exc:
        reason = out.fail_props(
            exc,
            operation="GetMetricData",
            set_name=scope.set_name,
            blocked="account.bounce_rate,complaint_rate",
        )
        props.update(dict.fromkeys(RATE_PROPS, reason))
    try:
        props["alarms"] = reputation_alarms(cloudwatch)
    except AWS_ERRORS as exc:
        props["alarms"] = out.fail_props(
            exc, operation="DescribeAlarms", set_name=scope.set_name, blocked="account.alarms"
        )
    return props


def quiet_region(sent: Any, out: Collected, scope: Scope) -> Any:
    """True when the region has no email identity and sent nothing in the look-back window.

    Unknown when either fact is (the identity listing or the metrics failed).
    """
    if any(r.type == EMAIL_IDENTITY and r.set_name == scope.set_name for r in out.resources):
        return False
    for failure in out.failures:
        if failure.set_name == scope.set_name and EMAIL_IDENTITY in failure.blocked.split(","):
            # the failed listing and its code, as every live Unknown names them
            return Unknown(f"{failure.operation}: {failure.code}")
    if is_unknown(sent):
        return sent
    return not sent


# What a client gets where no SES endpoint exists: no name to resolve (AWS), or a dropped
# connection (the local endpoint; see sesguard/local/ses_regions.py).
NO_ENDPOINT_CODES: Final = frozenset({"EndpointConnectionError", "ConnectionClosedError"})


def ses_offered(session: AccountSession, scope: Scope) -> bool:
    """Whether the installed botocore knows an SES v2 endpoint in the scope's region."""
    regions = session.session.get_available_regions("sesv2", partition_name=scope.partition)
    return scope.region in regions


def no_ses_note(region: str, exc: BaseException) -> str:
    """The note a region without SES gets (instead of error rows)."""
    return (
        f"SES is not offered in {region}: no SES endpoint answered ({error_code(exc)}) and botocore "
        f"{botocore.__version__} lists none there; nothing to read (leave it out of --regions)"
    )


def read_region(
    session: AccountSession,
    scope: Scope,
    pool: Executor,
    paced: Executor,
    *,
    now: datetime,
    lookback_days: int,
    dmarc: DmarcChecker | None,
    strict: bool = False,
) -> Collected:
    """Read one account and region (``strict``: never call the region quiet).

    Per-item calls run on ``pool``, whose tasks never wait on other tasks; the paced notification
    batches run on ``paced``, which needs a thread per region read at once (they must not queue).
    """
    out = Collected()
    v2 = session.client("sesv2", scope.region)
    v1 = session.client("ses", scope.region)
    if ses_offered(session, scope):
        response, failed = attempt(v2.get_account)
    else:
        # botocore lists no SES endpoint here: one attempt tells a region without SES (no endpoint
        # answers, as on AWS) from one newer than the installed botocore (it answers).
        response, failed = attempt(session.client("sesv2", scope.region, single_attempt=True).get_account)
        if failed is not None and error_code(failed) in NO_ENDPOINT_CODES:
            out.notes["regions_without_ses"] = {scope.set_name: no_ses_note(str(scope.region), failed)}
            return out
        if failed is not None and error_code(failed) not in REGION_LEVEL_CODES:
            response, failed = attempt(v2.get_account)  # it answered: the usual retries from here on
    if failed is not None and error_code(failed) in REGION_LEVEL_CODES:
        out.fail_types(
            failed,
            operation="GetAccount",
            set_ref=scope.set_ref,
            location=scope.location(),
            affects=REGIONAL_TYPES,
        )
        return out
    if failed is not None:
        # Only the facts GetAccount provides are missing: they are Unknown (error rows on exactly the
        # policies that need them); the reputation and alarm facts come from CloudWatch and are read.
        reason = out.fail_props(
            failed,
            operation="GetAccount",
            set_name=scope.set_name,
            blocked="account." + ",".join(ACCOUNT_PROPS),
        )
        props: dict[str, Any] = dict.fromkeys(ACCOUNT_PROPS, reason)
        sandbox: Any = reason
    else:
        props = account_props(response)
        sandbox = not props["production_access_enabled"]
    # Everything else of the region at once, the paced notification batches first (their documented
    # rate makes them the longest series); the results are gathered below in a fixed order.
    reputation = pool.submit(_reputation_task, session, scope, now, lookback_days)
    identities = Collected()
    listed = list_identities(v2, scope, identities)
    reads = None
    if listed is not None:
        pacer = session.pacer("GetIdentityNotificationAttributes", scope.region, NOTIFICATION_INTERVAL)
        reads = start_identities(v2, v1, scope, listed, pool=pool, paced=paced, pacer=pacer, dmarc=dmarc)
    sets = Collected()
    set_reads = start_configuration_sets(v2, scope, pool, sets)
    receipt = pool.submit(_receipt_task, v1, scope)

    rates, rate_failures = reputation.result()
    props.update(rates)
    out.merge(rate_failures)
    out.resources.append(
        Resource(
            type=ACCOUNT,
            id=str(scope.region),
            location=scope.location(),
            set_ref=scope.set_ref,
            props=props,
            native_type="AWS::SES::Account",
        )
    )
    out.merge(identities)
    if reads is not None:
        finish_identities(reads, out, sandbox=sandbox)
    props["quiet_region"] = False if strict else quiet_region(props.get("sent_in_lookback"), out, scope)
    out.merge(sets)
    if set_reads is not None:
        finish_configuration_sets(set_reads, out)
    out.merge(receipt.result())
    return out


def _reputation_task(
    session: AccountSession, scope: Scope, now: datetime, lookback_days: int
) -> tuple[dict[str, Any], Collected]:
    out = Collected()
    return _reputation(session, scope, out, now, lookback_days), out


def _receipt_task(v1: Client, scope: Scope) -> Collected:
    out = Collected()
    read_receipt_rules(v1, scope, out)
    return out
