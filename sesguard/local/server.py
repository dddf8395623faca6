"""A threaded werkzeug server on a background thread, quiet unless asked."""

from __future__ import annotations

import logging
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from . import moto_bridge

log = logging.getLogger("sesguard.local")


def _quiet_handler() -> type[Any]:
    base: type[Any] = moto_bridge.moto_request_handler()

    class QuietHandler(base):  # type: ignore[misc]
        """moto's handler, logging requests at DEBUG instead of printing them."""

        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            log.debug('"%s" %s %s', self.requestline, code, size)

    return QuietHandler


class ServerThread:
    """Serves a WSGI app on ``host:port`` (port 0 = any free port) until stopped."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        self._server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=_quiet_handler()
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="sesguard-local", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        """The bound host and port."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        """Start serving on the background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
