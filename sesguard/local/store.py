"""The endpoint's own SES state, per account and region, kept in step with moto's SES v1 registries."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import moto_bridge

SANDBOX_QUOTA = (200.0, 1.0)
PRODUCTION_QUOTA = (50000.0, 14.0)


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def dkim_tokens(name: str) -> list[str]:
    """Three Easy DKIM tokens, derived from the domain so runs are repeatable."""
    return [hashlib.sha256(f"{name}/{i}".encode()).hexdigest()[:32] for i in range(3)]


@dataclass
class Dkim:
    """An identity's DKIM attributes (SES v2 spelling)."""

    signing_enabled: bool = False
    status: str = "NOT_STARTED"
    origin: str = "AWS_SES"
    current_key_length: str | None = None
    next_key_length: str | None = None
    last_key_generation: dt.datetime | None = None
    tokens: list[str] = field(default_factory=list)


@dataclass
class MailFrom:
    """A custom MAIL FROM domain."""

    domain: str
    behavior: str = "USE_DEFAULT_VALUE"
    status: str = "PENDING"


@dataclass
class Identity:
    """An email identity (domain or address)."""

    name: str
    verification_status: str = "PENDING"
    dkim: Dkim = field(default_factory=Dkim)
    mail_from: MailFrom | None = None
    configuration_set_name: str | None = None
    policies: dict[str, str] = field(default_factory=dict)
    feedback_forwarding: bool = True
    topics: dict[str, str] = field(default_factory=dict)
    headers_in_notifications: dict[str, bool] = field(default_factory=dict)
    last_checked: dt.datetime = field(default_factory=now)

    @property
    def identity_type(self) -> str:
        """``EMAIL_ADDRESS`` or ``DOMAIN``."""
        return "EMAIL_ADDRESS" if "@" in self.name else "DOMAIN"

    def start_easy_dkim(self, key_length: str = "RSA_2048_BIT") -> None:
        """Set up Easy DKIM: SES generates the key, the domain owner publishes three CNAMEs."""
        self.dkim = Dkim(
            signing_enabled=True,
            status="PENDING",
            origin="AWS_SES",
            current_key_length=key_length,
            next_key_length=key_length,
            last_key_generation=now(),
            tokens=dkim_tokens(self.name),
        )

    def start_byodkim(self, selector: str) -> None:
        """Set up BYODKIM: the owner supplies the key and publishes it under ``selector``.

        SES keeps no key length or generation time for it: the API documents
        ``CurrentSigningKeyLength``, ``NextSigningKeyLength`` and ``LastKeyGenerationTimestamp`` as
        "[Easy DKIM]" only, and ``Tokens`` as the selector (see docs/live-api.md).
        """
        self.dkim = Dkim(signing_enabled=True, status="PENDING", origin="EXTERNAL", tokens=[selector])


@dataclass
class ConfigSet:
    """A configuration set (SES v2 spelling), with its event destinations by name."""

    name: str
    tracking: dict[str, Any] | None = None
    delivery: dict[str, Any] = field(default_factory=lambda: {"TlsPolicy": "OPTIONAL"})
    reputation: dict[str, Any] = field(default_factory=lambda: {"ReputationMetricsEnabled": False})
    sending_enabled: bool = True
    suppression: dict[str, Any] | None = None
    vdm: dict[str, Any] | None = None
    archiving: dict[str, Any] | None = None
    event_destinations: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class AccountSettings:
    """Account-level settings of one region (SES accounts are regional)."""

    enforcement_status: str = "HEALTHY"
    sending_enabled: bool = True
    production_access: bool = False
    details: dict[str, Any] | None = None
    suppressed_reasons: list[str] = field(default_factory=lambda: ["BOUNCE", "COMPLAINT"])
    vdm: dict[str, Any] | None = None
    dedicated_ip_auto_warmup: bool = False


@dataclass(frozen=True)
class MetricKey:
    """One day's count of one metric for one combination of dimension values."""

    day: dt.date
    metric: str
    email_identity: str = ""
    configuration_set: str = ""
    isp: str = ""
    tenant_name: str = ""


@dataclass
class Deliverability:
    """One region's suppression list and VDM metric counts (served by :mod:`sesv2_deliverability`)."""

    suppressed: dict[str, tuple[str, str, dt.datetime]] = field(
        default_factory=dict
    )  # lower -> (addr, reason, at)
    metrics: Counter[MetricKey] = field(default_factory=Counter)


class RegionState:
    """Everything the endpoint keeps for one account in one region."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region
        self.account = AccountSettings()
        self.identities: dict[str, Identity] = {}
        self.config_sets: dict[str, ConfigSet] = {}
        self.deliverability = Deliverability()

    def arn(self, resource: str) -> str:
        """The ARN of an SES resource of this account and region."""
        return f"arn:aws:ses:{self.region}:{self.account_id}:{resource}"

    def sync(self) -> None:
        """Adopt identities and configuration sets made through v1 (moto); drop ones v1 deleted."""
        known = set(moto_bridge.identity_names(self.account_id, self.region))
        for name in known - self.identities.keys():
            self.identities[name] = Identity(name=name)
        for name in self.identities.keys() - known:
            del self.identities[name]
        sets = set(moto_bridge.config_set_names(self.account_id, self.region))
        for name in sets - self.config_sets.keys():
            self.config_sets[name] = ConfigSet(name=name)
        for name in self.config_sets.keys() - sets:
            del self.config_sets[name]

    def add_identity(self, identity: Identity) -> None:
        """Store a new identity here and in moto's registry."""
        moto_bridge.add_identity(self.account_id, self.region, identity.name)
        self.identities[identity.name] = identity

    def remove_identity(self, name: str) -> None:
        """Delete an identity here and in moto's registry."""
        moto_bridge.remove_identity(self.account_id, self.region, name)
        moto_bridge.untag_all(self.account_id, self.region, self.arn(f"identity/{name}"))
        self.identities.pop(name, None)

    def add_config_set(self, config_set: ConfigSet) -> None:
        """Store a new configuration set here and in moto's registry."""
        moto_bridge.add_config_set(self.account_id, self.region, config_set.name)
        self.config_sets[config_set.name] = config_set

    def remove_config_set(self, name: str) -> None:
        """Delete a configuration set here and in moto's registry; identities lose it as default."""
        moto_bridge.remove_config_set(self.account_id, self.region, name)
        moto_bridge.untag_all(self.account_id, self.region, self.arn(f"configuration-set/{name}"))
        self.config_sets.pop(name, None)
        for identity in self.identities.values():
            if identity.configuration_set_name == name:
                identity.configuration_set_name = None


class Store:
    """All region states, behind one lock (handlers run on the server's threads)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._regions: dict[tuple[str, str], RegionState] = {}

    def region(self, account_id: str, region: str) -> RegionState:
        """The state of ``account_id`` in ``region``, synced with moto (call with the lock held)."""
        key = (account_id, region)
        state = self._regions.get(key)
        if state is None:
            state = self._regions[key] = RegionState(account_id, region)
        state.sync()
        return state

    def reset(self) -> None:
        """Forget everything."""
        with self.lock:
            self._regions.clear()
