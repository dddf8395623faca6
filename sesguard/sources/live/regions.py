"""Everything read per account and region: the account row, identities, configuration sets, receipt."""

from __future__ import annotations

from concurrent.futures import Executor
from datetime import datetime
from typing import Any

from sesguard.model import ACCOUNT, EMAIL_IDENTITY, Resource, Unknown, is_unknown
from sesguard.sources.live.account import ACCOUNT_PROPS, account_props
from sesguard.sources.live.config_sets import read_configuration_sets
from sesguard.sources.live.dmarc import DmarcChecker
from sesguard.sources.live.errors import (
    AWS_ERRORS,
    REGION_LEVEL_CODES,
    REGIONAL_TYPES,
    SOURCE,
    Collected,
    attempt,
    error_code,
)
from sesguard.sources.live.identities import NOTIFICATION_INTERVAL, read_identities
from sesguard.sources.live.metrics import MetricReadError, latest_rates, reputation_alarms
from sesguard.sources.live.receipt import read_receipt_rules
from sesguard.sources.live.scope import Scope
from sesguard.sources.live.session import AccountSession

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


def read_region(
    session: AccountSession,
    scope: Scope,
    pool: Executor,
    *,
    now: datetime,
    lookback_days: int,
    dmarc: DmarcChecker | None,
    strict: bool = False,
) -> Collected:
    """Read one account and region (``strict``: never call the region quiet)."""
    out = Collected()
    v2 = session.client("sesv2", scope.region)
    v1 = session.client("ses", scope.region)
    response, failed = attempt(v2.get_account)
    if failed is not None and error_code(failed) in REGION_LEVEL_CODES:
        out.fail_types(
            failed,
            operation="GetAccount",
            set_name=scope.set_name,
            location=scope.location(),
            affects=REGIONAL_TYPES,
        )
        return out
    if failed is not None:
        # Only the facts GetAccount provides are missing: they are Unknown (error rows on exactly the
        # policies that need them); the reputation and alarm facts come from CloudWatch and are read.
        reason = out.fail_props(
            failed, operation="GetAccount", set_name=scope.set_name, blocked="account." + ",".join(ACCOUNT_PROPS)
        )
        props: dict[str, Any] = dict.fromkeys(ACCOUNT_PROPS, reason)
        sandbox: Any = reason
    else:
        props = account_props(response)
        sandbox = not props["production_access_enabled"]
    props.update(_reputation(session, scope, out, now, lookback_days))
    out.resources.append(
        Resource(
            type=ACCOUNT,
            id=str(scope.region),
            source=SOURCE,
            location=scope.location(),
            set_name=scope.set_name,
            props=props,
            native_type="AWS::SES::Account",
        )
    )
    pacer = session.pacer("GetIdentityNotificationAttributes", scope.region, NOTIFICATION_INTERVAL)
    read_identities(v2, v1, scope, pool, out, sandbox=sandbox, dmarc=dmarc, pacer=pacer)
    props["quiet_region"] = False if strict else quiet_region(props.get("sent_in_lookback"), out, scope)
    read_configuration_sets(v2, scope, pool, out)
    read_receipt_rules(v1, scope, out)
    return out
