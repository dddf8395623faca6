"""``LocalEndpoint``: the loopback SES endpoint, in-process, as a context manager.

moto and the server load when the endpoint starts, not when this module is imported.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from .client import DEFAULT_REGION, AdminClient
from .clients import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, ClientFactory

if TYPE_CHECKING:

    from .app import EndpointApp
    from .server import ServerThread


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
        self._clients: ClientFactory | None = None
        self._moto_auth = 0.0

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> LocalEndpoint:
        """Start serving; returns self."""
        from . import moto_bridge
        from .app import EndpointApp
        from .server import ServerThread

        if self._server is not None:
            raise EndpointError("this endpoint is already running")
        try:
            self._moto_auth = moto_bridge.claim_moto()
        except moto_bridge.MotoInUse as exc:
            raise EndpointError(str(exc)) from None
        try:
            self._app = EndpointApp(moto_bridge.moto_wsgi_app(), strict=self._strict)
            moto_bridge.warm_backends(("s3",))  # ~1 s on first use: paid at start, not inside the demo build
            self._server = ServerThread(self._app, self._host, self._port)
        except BaseException:
            self._app = None
            moto_bridge.release_moto(self._moto_auth)
            raise
        self._server.start()
        host, port = self._server.address
        self._base_url = f"http://{host}:{port}"
        self._clients = ClientFactory(self._base_url)
        return self

    def stop(self) -> None:
        """Stop serving and forget all state."""
        from . import moto_bridge

        if self._server is None:
            return
        self._server.stop()
        self._server = None
        self._clients = None
        if self._app is not None:
            self._app.reset()
        moto_bridge.release_moto(self._moto_auth)

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

    def client(self, service: str, region_name: str = DEFAULT_REGION, **options: Any) -> Any:
        """A boto3 client for ``service`` pointed at the endpoint (fake credentials by default;
        ``options``: those of :meth:`ClientFactory.client`).

        ``account_id=`` acts in that account (moto's ``X-Moto-Account-Id`` header): how tests set up
        other accounts, since AssumeRole, as on AWS, needs a role that exists and trusts the caller.
        """
        if self._clients is None:
            raise EndpointError("the endpoint is not running")
        return self._clients.client(service, region_name, **options)
