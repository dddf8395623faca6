"""boto3 clients pointed at the local endpoint, with explicit credentials (never the user's own)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from .client import DEFAULT_REGION

if TYPE_CHECKING:
    from botocore.config import Config

FAKE_ACCESS_KEY_ID = "AKIASESGUARDLOCAL000"
FAKE_SECRET_ACCESS_KEY = "sesguard-local-not-a-secret"


class ClientFactory:
    """boto3 clients for the endpoint at ``url``, all from one boto3 session so they share its loaded
    service models (a session of its own costs a client 0.1 to 0.3 s); boto3 sessions are not
    thread-safe, so clients are created one at a time."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._session: Any = None

    def client(
        self,
        service: str,
        region_name: str = DEFAULT_REGION,
        *,
        access_key_id: str = FAKE_ACCESS_KEY_ID,
        secret_access_key: str = FAKE_SECRET_ACCESS_KEY,
        session_token: str | None = None,
        config: Config | None = None,
        account_id: str | None = None,
    ) -> Any:
        """A boto3 client for ``service`` at the endpoint; ``account_id``: acting in that account
        (moto's ``X-Moto-Account-Id`` header, for set-up)."""
        with self._lock:
            if self._session is None:
                import boto3
                import botocore.session

                # Ignore AWS_PROFILE: the endpoint's clients never use the user's own profiles.
                core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
                self._session = boto3.session.Session(botocore_session=core)
            client = self._session.client(
                service,
                region_name=region_name,
                endpoint_url=self.url,
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                aws_session_token=session_token,
                config=config,
            )
        if account_id is not None:

            def act_in_account(request: Any, **_: Any) -> None:
                request.headers["X-Moto-Account-Id"] = account_id

            client.meta.events.register("before-sign", act_in_account)
        return client


def make_client(url: str, service: str, region_name: str = DEFAULT_REGION, **options: Any) -> Any:
    """One boto3 client for ``service`` at ``url`` (``options``: those of :meth:`ClientFactory.client`;
    many clients come faster from one :class:`ClientFactory`)."""
    return ClientFactory(url).client(service, region_name, **options)
