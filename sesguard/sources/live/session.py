"""boto3 sessions and clients: one session per account, one client per (region, service), call counts.

Clients are created lazily, once, and shared by every thread of the scan (boto3 clients are
thread-safe; sessions are not, so client creation is serialized). Every client counts its API calls
through a botocore ``before-call`` hook, and its HTTP attempts (retries included) through
``before-send``. ``AWS_ENDPOINT_URL`` and the rest of boto3's configuration chain apply untouched.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, Final

import boto3
from botocore.config import Config

from sesguard.sources.live import response_check
from sesguard.sources.live.pacing import Pacer

# A boto3 client (typed per service only with the optional mypy_boto3 stubs).
Client = Any

# botocore service name -> IAM action prefix (SES v1 and v2 share ``ses:``).
IAM_PREFIX: Final = {
    "sesv2": "ses",
    "ses": "ses",
    "cloudwatch": "cloudwatch",
    "iam": "iam",
    "sts": "sts",
    "organizations": "organizations",
    "ec2": "ec2",
}


def iam_action(call_key: str) -> str:
    """The IAM action for a counted call key: ``sesv2:GetAccount`` -> ``ses:GetAccount``."""
    service, operation = call_key.split(":", 1)
    return f"{IAM_PREFIX[service]}:{operation}"


class CallCounter:
    """Counts API calls per ``service:Operation`` and HTTP attempts, across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._attempts = 0

    def attach(self, client: Client) -> None:
        """Hook this counter into a client's event system."""
        client.meta.events.register("before-call", self._on_call)
        client.meta.events.register("before-send", self._on_send)

    def _on_call(self, model: Any, **_: Any) -> None:
        key = f"{model.service_model.service_name}:{model.name}"
        with self._lock:
            self._calls[key] += 1

    def _on_send(self, **_: Any) -> None:  # must return None: a value would replace the HTTP send
        with self._lock:
            self._attempts += 1

    def calls(self) -> dict[str, int]:
        """Calls per ``service:Operation``, sorted by key."""
        with self._lock:
            return dict(sorted(self._calls.items()))

    @property
    def total(self) -> int:
        """All API calls so far."""
        with self._lock:
            return sum(self._calls.values())

    @property
    def attempts(self) -> int:
        """All HTTP requests so far (retries included)."""
        with self._lock:
            return self._attempts


DEFAULT_MAX_ATTEMPTS: Final = 8


def retry_policy(max_attempts: int | None, configured: Callable[[str], Any]) -> dict[str, Any]:
    """botocore ``retries`` of every client: adaptive, with ``max_attempts`` attempts when given, else
    the AWS configuration's (``AWS_MAX_ATTEMPTS`` or ``max_attempts`` in the profile), else 8.
    ``configured`` reads a botocore configuration variable."""
    attempts = max_attempts if max_attempts is not None else configured("max_attempts")
    return {"mode": "adaptive", "total_max_attempts": int(attempts or DEFAULT_MAX_ATTEMPTS)}


def make_config(
    retries: dict[str, Any], max_workers: int, connect_timeout: float, read_timeout: float
) -> Config:
    """The botocore configuration of every client: ``retries``, a pool as wide as the scan."""
    return Config(
        retries=retries,
        max_pool_connections=max_workers + 2,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        user_agent_extra="sesguard",
    )


class AccountSession:
    """The boto3 session of one account, with its clients created once and shared."""

    def __init__(
        self,
        session: boto3.Session,
        account: str,
        counter: CallCounter,
        config: Config,
        deadline: float | None = None,
    ) -> None:
        self.deadline = deadline  # seconds a call may take, retries included (None: no limit)
        self.session = session
        self.account = account
        self._counter = counter
        self._config = config
        self._clients: dict[tuple[str, str | None, bool], Client] = {}
        self._pacers: dict[tuple[str, str | None], Pacer] = {}
        self._lock = threading.Lock()

    @property
    def default_region(self) -> str | None:
        """The session's configured region (profile or environment), if any."""
        region: str | None = self.session.region_name
        return region

    def pacer(self, operation: str, region: str | None, interval: float) -> Pacer:
        """The shared pacer of a rate-limited operation in this account and region."""
        with self._lock:
            found = self._pacers.get((operation, region))
            if found is None:
                found = self._pacers[(operation, region)] = Pacer(interval)
            return found

    def client(self, service: str, region: str | None = None, *, single_attempt: bool = False) -> Client:
        """The shared client of ``service`` in ``region`` (the session's region when None);
        ``single_attempt``: one that never retries (a probe)."""
        key = (service, region, single_attempt)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                config = self._config
                if single_attempt:
                    config = config.merge(Config(retries={"mode": "standard", "total_max_attempts": 1}))
                found = self.session.client(service, region_name=region, config=config)
                self._counter.attach(found)
                response_check.attach(found, self.deadline)
                self._clients[key] = found
            return found
