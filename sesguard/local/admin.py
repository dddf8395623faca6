"""Test hooks under ``/_sesguard/``: JSON over HTTP, for what AWS has no API for.

=======  ===============================  =====================================================
method   path                             body (JSON) / effect
=======  ===============================  =====================================================
GET      /_sesguard/health                ``{"status": "ok", "moto": "5.2.5"}``
POST     /_sesguard/reset                 reset moto, SES state, faults, enforcement
POST     /_sesguard/auth                  ``{"enforce": true}`` or ``{"free_requests": 3}``
POST     /_sesguard/ses/account           ``enforcement_status``, ``sending_enabled``,
                                          ``production_access_enabled``
POST     /_sesguard/ses/identity          ``identity`` and any of ``verification_status``,
                                          ``dkim_status``, ``mail_from_status``,
                                          ``dkim_key_generated_days_ago``,
                                          ``current_signing_key_length``,
                                          ``next_signing_key_length``
POST     /_sesguard/ses/identity/verify   ``identity``: verification, DKIM and MAIL FROM succeed
GET      /_sesguard/ses/state             ``?account_id=&region=``: the SES state, for debugging
POST     /_sesguard/ses/vdm-metrics       ``records``: VDM daily counts (``day``, ``metric``,
                                          ``count``, ``email_identity``, ``configuration_set``,
                                          ``isp``), see :mod:`.sesv2_deliverability`
POST     /_sesguard/ses/suppressed        ``entries``: suppression-list entries (``email``,
                                          ``reason``, ``last_update_time``)
POST     /_sesguard/iam/access-key        ``user_name``, ``access_key_id``, ``created_days_ago``,
                                          ``last_used_days_ago`` (or ``created_at`` /
                                          ``last_used_at`` ISO 8601), ``last_used_service``,
                                          ``last_used_region``
POST     /_sesguard/iam/aws-managed-policy ``name``: load one AWS managed policy into the account
POST     /_sesguard/iam/credential-report ``age_hours``: make the account's credential report
                                          that much older (AWS reuses it for 4 hours)
POST     /_sesguard/sts/credential-lifetime ``seconds``: later AssumeRole credentials expire
                                          after that many seconds (``null``: as requested)
POST     /_sesguard/ses/regions-without-ses ``regions``: SES requests there get no answer (the
                                          connection is dropped); absent: botocore's data
POST     /_sesguard/faults                ``service``, ``operation`` (or ``*``), ``kind`` (or
                                          ``code`` + ``status``), ``message``, ``account_id``,
                                          ``region``, ``count`` (omit = always)
GET      /_sesguard/faults                the rules and how often each fired
DELETE   /_sesguard/faults                remove every rule
GET      /_sesguard/validation-failures   responses that did not match botocore's shapes
=======  ===============================  =====================================================

Every body may carry ``account_id`` (default 123456789012) and ``region`` (default us-east-1).
Errors answer 400 (bad input) or 404 (unknown account entity or path) with ``{"error": "..."}``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

from . import moto_bridge, sesv2_deliverability
from .sesv2_api import ENFORCEMENT_STATUSES
from .store import Identity, RegionState, now
from .wire import WireResponse

if TYPE_CHECKING:
    from .auth import Enforcement
    from .credential_report import CredentialReports
    from .faults import FaultRegistry
    from .incoming import Incoming
    from .ses_regions import RegionsWithoutSes
    from .store import Store
    from .sts_rules import StsRules

PREFIX = "/_sesguard"
DEFAULT_REGION = "us-east-1"
_VERIFICATION = ("PENDING", "SUCCESS", "FAILED", "TEMPORARY_FAILURE", "NOT_STARTED")
_MAIL_FROM = ("PENDING", "SUCCESS", "FAILED", "TEMPORARY_FAILURE")
_KEY_LENGTHS = ("RSA_1024_BIT", "RSA_2048_BIT")


class AdminError(Exception):
    """A bad admin request: its HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _json(status: int, payload: Any) -> WireResponse:
    body = json.dumps(payload, default=str).encode()
    return WireResponse(status, body, {"Content-Type": "application/json"})


def _choice(body: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if value not in allowed:
        raise AdminError(400, f"{key} must be one of {list(allowed)}, got {value!r}")
    return str(value)


def _moment(body: dict[str, Any], days_key: str, at_key: str) -> dt.datetime | None:
    if body.get(at_key) is not None:
        moment = dt.datetime.fromisoformat(str(body[at_key]).replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if body.get(days_key) is not None:
        return now() - dt.timedelta(days=float(body[days_key]))
    return None


class Served(Protocol):
    """What the admin hooks act on: the state of an endpoint (:class:`sesguard.local.app.EndpointApp`)."""

    store: Store
    faults: FaultRegistry
    enforcement: Enforcement
    sts: StsRules
    reports: CredentialReports
    regions_without_ses: RegionsWithoutSes
    validation_failures: list[str]

    def reset(self) -> None:
        """Back to a fresh account."""


class AdminApi:
    """Serves the ``/_sesguard/`` paths for an endpoint's state."""

    def __init__(self, app: Served) -> None:
        self.app = app
        self._routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
            ("GET", "/health"): lambda _b: {"status": "ok", "moto": moto_bridge.moto_version()},
            ("POST", "/reset"): self._reset,
            ("POST", "/auth"): self._auth,
            ("POST", "/ses/account"): self._account,
            ("POST", "/ses/identity"): self._identity,
            ("POST", "/ses/identity/verify"): self._verify,
            ("GET", "/ses/state"): self._state,
            ("POST", "/ses/vdm-metrics"): lambda b: self._locked(b, sesv2_deliverability.load_metrics),
            ("POST", "/ses/suppressed"): lambda b: self._locked(b, sesv2_deliverability.load_suppressed),
            ("POST", "/iam/access-key"): self._access_key,
            ("POST", "/iam/aws-managed-policy"): self._managed_policy,
            ("POST", "/sts/credential-lifetime"): self._credential_lifetime,
            ("POST", "/ses/regions-without-ses"): self._regions_without_ses,
            ("POST", "/iam/credential-report"): self._age_report,
            ("POST", "/faults"): self._add_fault,
            ("GET", "/faults"): lambda _b: self.app.faults.describe(),
            ("DELETE", "/faults"): self._clear_faults,
            ("GET", "/validation-failures"): lambda _b: list(self.app.validation_failures),
        }

    def handle(self, incoming: Incoming) -> WireResponse:
        """Answer one admin request."""
        route = self._routes.get((incoming.method, incoming.path[len(PREFIX) :].rstrip("/")))
        if route is None:
            return _json(404, {"error": f"no admin endpoint {incoming.method} {incoming.path}"})
        try:
            body = json.loads(incoming.body) if incoming.body.strip() else {}
            if not isinstance(body, dict):
                raise AdminError(400, "the body must be a JSON object")
            body.update(dict(parse_qsl(incoming.query)))
            return _json(200, route(body))
        except AdminError as error:
            return _json(error.status, {"error": str(error)})
        except (ValueError, TypeError, KeyError) as error:
            return _json(400, {"error": f"{type(error).__name__}: {error}"})
        except moto_bridge.BridgeError as error:
            return _json(404, {"error": str(error)})

    # --- handlers -------------------------------------------------------------------------------

    def _region(self, body: dict[str, Any]) -> RegionState:
        account_id = str(body.get("account_id") or moto_bridge.DEFAULT_ACCOUNT_ID)
        return self.app.store.region(account_id, str(body.get("region") or DEFAULT_REGION))

    def _locked(
        self, body: dict[str, Any], loader: Callable[[RegionState, dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        with self.app.store.lock:
            return loader(self._region(body), body)

    def _reset(self, body: dict[str, Any]) -> dict[str, str]:
        self.app.reset()
        return {"status": "ok"}

    def _auth(self, body: dict[str, Any]) -> dict[str, Any]:
        if "free_requests" in body:
            free = float(body["free_requests"])
        else:
            free = 0.0 if body.get("enforce", True) else float("inf")
        previous = self.app.enforcement.configure(free)
        return {"enforcing": self.app.enforcement.enabled, "previous_free_requests": str(previous)}

    def _account(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.app.store.lock:
            state = self._region(body)
            status = _choice(body, "enforcement_status", ENFORCEMENT_STATUSES)
            if status is not None:
                state.account.enforcement_status = status
            if body.get("sending_enabled") is not None:
                state.account.sending_enabled = bool(body["sending_enabled"])
            if body.get("production_access_enabled") is not None:
                state.account.production_access = bool(body["production_access_enabled"])
            return dataclasses.asdict(state.account)

    def _find(self, state: RegionState, body: dict[str, Any]) -> Identity:
        name = str(body.get("identity") or "")
        identity = state.identities.get(name)
        if identity is None:
            raise AdminError(404, f"no identity {name!r} in {state.account_id}/{state.region}")
        return identity

    def _identity(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.app.store.lock:
            identity = self._find(self._region(body), body)
            verification = _choice(body, "verification_status", _VERIFICATION)
            dkim_status = _choice(body, "dkim_status", _VERIFICATION)
            mail_from = _choice(body, "mail_from_status", _MAIL_FROM)
            current = _choice(body, "current_signing_key_length", _KEY_LENGTHS)
            following = _choice(body, "next_signing_key_length", _KEY_LENGTHS)
            generated = _moment(body, "dkim_key_generated_days_ago", "dkim_key_generated_at")
            if identity.dkim.origin == "EXTERNAL" and (current or following or generated):
                raise AdminError(
                    400,
                    f"{identity.name} uses BYODKIM: AWS reports no key length or key generation time for it "
                    "(CurrentSigningKeyLength, NextSigningKeyLength, LastKeyGenerationTimestamp are Easy DKIM only)",
                )
            if verification is not None:
                identity.verification_status = verification
            if dkim_status is not None:
                identity.dkim.status = dkim_status
            if mail_from is not None:
                if identity.mail_from is None:
                    raise AdminError(400, f"{identity.name} has no MAIL FROM domain")
                identity.mail_from.status = mail_from
            if current is not None:
                identity.dkim.current_key_length = current
            if following is not None:
                identity.dkim.next_key_length = following
            if generated is not None:
                identity.dkim.last_key_generation = generated
            return dataclasses.asdict(identity)

    def _verify(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.app.store.lock:
            identity = self._find(self._region(body), body)
            identity.verification_status = "SUCCESS"
            if identity.dkim.signing_enabled or identity.dkim.tokens:
                identity.dkim.status = "SUCCESS"
            if identity.mail_from is not None:
                identity.mail_from.status = "SUCCESS"
            identity.last_checked = now()
            return dataclasses.asdict(identity)

    def _state(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.app.store.lock:
            state = self._region(body)
            return {
                "account": dataclasses.asdict(state.account),
                "identities": {k: dataclasses.asdict(v) for k, v in state.identities.items()},
                "configuration_sets": {k: dataclasses.asdict(v) for k, v in state.config_sets.items()},
            }

    def _access_key(self, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("user_name"):
            raise AdminError(400, "user_name is required")
        return moto_bridge.age_access_key(
            account_id=str(body.get("account_id") or moto_bridge.DEFAULT_ACCOUNT_ID),
            user_name=str(body["user_name"]),
            access_key_id=body.get("access_key_id"),
            created=_moment(body, "created_days_ago", "created_at"),
            last_used=_moment(body, "last_used_days_ago", "last_used_at"),
            last_used_service=str(body.get("last_used_service") or "ses"),
            last_used_region=str(body.get("last_used_region") or DEFAULT_REGION),
        )

    def _managed_policy(self, body: dict[str, Any]) -> dict[str, str]:
        if not body.get("name"):
            raise AdminError(400, "name is required")
        account_id = str(body.get("account_id") or moto_bridge.DEFAULT_ACCOUNT_ID)
        return {"Arn": moto_bridge.add_aws_managed_policy(account_id, str(body["name"]))}

    def _age_report(self, body: dict[str, Any]) -> dict[str, Any]:
        account_id = str(body.get("account_id") or moto_bridge.DEFAULT_ACCOUNT_ID)
        return self.app.reports.age(account_id, float(body.get("age_hours") or 0))

    def _credential_lifetime(self, body: dict[str, Any]) -> dict[str, Any]:
        seconds = body.get("seconds")
        previous = self.app.sts.configure(int(seconds) if seconds is not None else None)
        return {"seconds": seconds, "previous": previous}

    def _regions_without_ses(self, body: dict[str, Any]) -> dict[str, Any]:
        regions = body.get("regions")
        if regions is not None and not (isinstance(regions, list) and all(isinstance(r, str) for r in regions)):
            raise AdminError(400, "regions must be a list of region names (or absent: botocore's data)")
        return {"previous": self.app.regions_without_ses.configure(regions)}

    def _add_fault(self, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("service") or not body.get("operation"):
            raise AdminError(400, "service and operation are required")
        rule = self.app.faults.add(
            str(body["service"]),
            str(body["operation"]),
            kind=body.get("kind"),
            code=body.get("code"),
            status=int(body["status"]) if body.get("status") is not None else None,
            message=body.get("message"),
            account_id=body.get("account_id"),
            region=body.get("region"),
            count=int(body["count"]) if body.get("count") is not None else None,
        )
        return dataclasses.asdict(rule)

    def _clear_faults(self, body: dict[str, Any]) -> dict[str, str]:
        self.app.faults.clear()
        return {"status": "ok"}
