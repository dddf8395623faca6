"""``LocalEndpoint``: the loopback SES endpoint, in-process, as a context manager."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

import boto3
import botocore.session
from botocore.config import Config

from . import moto_bridge
from .app import EndpointApp
from .client import DEFAULT_REGION, AdminClient
from .server import ServerThread

FAKE_ACCESS_KEY_ID = "AKIASESGUARDLOCAL000"
FAKE_SECRET_ACCESS_KEY = "sesguard-local-not-a-secret"

_active_lock = threading.Lock()
_active: LocalEndpoint | None = None


class EndpointError(RuntimeError):
    """The endpoint cannot be started or used as asked."""


class LocalEndpoint(AdminClient):
    """moto plus sesguard's SES v2 extension, served on ``host:port`` (port 0 = a free port).

    moto keeps its state in process-wide globals, so one endpoint runs per process at a time.
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, strict: bool = True) -> None:
        super().__init__("")
        self._host = host
        self._port = port
        self._strict = strict
        self._server: ServerThread | None = None
        self._app: EndpointApp | None = None
        self._moto_auth: float | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    @staticmethod
    def running() -> LocalEndpoint | None:
        """The endpoint running in this process, if any (to share it between test suites)."""
        return _active

    def start(self) -> LocalEndpoint:
        """Start serving; returns self."""
        global _active
        with _active_lock:
            if _active is not None:
                raise EndpointError("a LocalEndpoint already runs in this process (moto state is global)")
            self._moto_auth = moto_bridge.disable_moto_auth()
            self._app = EndpointApp(moto_bridge.moto_wsgi_app(), strict=self._strict)
            moto_bridge.warm_backends(("s3",))  # ~1 s on first use: paid at start, not inside the demo build
            try:
                self._server = ServerThread(self._app, self._host, self._port)
            except OSError:
                moto_bridge.restore_moto_auth(self._moto_auth)
                raise
            self._server.start()
            host, port = self._server.address
            self._base_url = f"http://{host}:{port}"
            _active = self
        return self

    def stop(self) -> None:
        """Stop serving and forget all state."""
        global _active
        with _active_lock:
            if self._server is None:
                return
            self._server.stop()
            self._server = None
            if self._app is not None:
                self._app.reset()
            if self._moto_auth is not None:
                moto_bridge.restore_moto_auth(self._moto_auth)
            _active = None

    def reset(self) -> None:
        """Back to a fresh account: moto, SES state, fault rules, IAM enforcement."""
        self.app.reset()

    def __enter__(self) -> LocalEndpoint:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- facts ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://host:port`` of the running endpoint."""
        if self._server is None:
            raise EndpointError("the endpoint is not running")
        return self._base_url

    @property
    def app(self) -> EndpointApp:
        """The WSGI application (its store, fault registry and validation failures)."""
        if self._app is None or self._server is None:
            raise EndpointError("the endpoint is not running")
        return self._app

    def env(self, region: str = DEFAULT_REGION) -> dict[str, str]:
        """Environment variables that point AWS SDKs and the CLI at the endpoint."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
        }

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
        """A boto3 client for ``service`` pointed at the endpoint (fake credentials by default).

        ``account_id`` acts in that account (moto's ``X-Moto-Account-Id`` header): how tests set up
        other accounts, since AssumeRole, as on AWS, needs a role that exists and trusts the caller.
        """
        return make_client(
            self.url,
            service,
            region_name,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
            config=config,
            account_id=account_id,
        )


_sessions = threading.local()


def _session() -> boto3.session.Session:
    """One boto3 session per thread, so clients share loaded service models (much faster)."""
    session: boto3.session.Session | None = getattr(_sessions, "session", None)
    if session is None:
        # Ignore AWS_PROFILE: the endpoint's clients never use the user's own profiles.
        core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
        session = _sessions.session = boto3.session.Session(botocore_session=core)
    return session


def make_client(
    url: str,
    service: str,
    region_name: str = DEFAULT_REGION,
    *,
    access_key_id: str = FAKE_ACCESS_KEY_ID,
    secret_access_key: str = FAKE_SECRET_ACCESS_KEY,
    session_token: str | None = None,
    config: Config | None = None,
    account_id: str | None = None,
) -> Any:
    """A boto3 client for ``service`` at ``url``, with explicit credentials (never the user's own);
    ``account_id``: acting in that account (moto's ``X-Moto-Account-Id`` header, for set-up)."""
    factory: Any = _session().client  # boto3-stubs types client() per literal service name
    client = factory(
        service,
        region_name=region_name,
        endpoint_url=url,
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
