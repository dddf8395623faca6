"""Regions where SES is not offered: no endpoint answers there, as on AWS.

SES runs in some regions only; elsewhere ``email.<region>.amazonaws.com`` does not resolve, so a
client gets no answer at all (botocore raises ``EndpointConnectionError``, "Could not connect to the
endpoint URL"). AWS's list is the SES endpoints table
(https://docs.aws.amazon.com/general/latest/gr/ses.html), which botocore ships as its partition
endpoint data (``session.get_available_regions("sesv2")``). All of the endpoint's services share one
address, so it cannot fail the name lookup; it drops the connection of every SES (v1 and v2) request
in such a region instead, before any answer, and the client sees a connection error
(``ConnectionClosedError``) where AWS's would be ``EndpointConnectionError``.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Any, Final

import boto3

SES_SERVICES: Final = frozenset({"ses", "sesv2"})


def default_regions_without_ses() -> frozenset[str]:
    """The regions of the ``aws`` partition where botocore knows an endpoint of some service but none of SES."""
    session = boto3.Session()
    offered = set(session.get_available_regions("sesv2")) | set(session.get_available_regions("ses"))
    return frozenset(set(session.get_available_regions("ec2")) - offered)


class RegionsWithoutSes:
    """Which regions answer no SES request (botocore's data by default; a test hook can change it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._regions = default_regions_without_ses()

    def configure(self, regions: list[str] | None) -> list[str]:
        """Set the regions (None: botocore's data again); returns the previous ones."""
        with self._lock:
            previous = sorted(self._regions)
            self._regions = frozenset(regions) if regions is not None else default_regions_without_ses()
            return previous

    def reset(self) -> None:
        """Back to botocore's data."""
        self.configure(None)

    def blocks(self, service: str | None, region: str | None) -> bool:
        """Whether a request of ``service`` in ``region`` gets no answer."""
        with self._lock:
            return service in SES_SERVICES and region in self._regions


class NoEndpoint(ConnectionAbortedError):
    """Raised from the WSGI app after dropping the connection: werkzeug treats it as a dropped client."""


def drop_connection(environ: dict[str, Any]) -> None:
    """Close the request's connection at once (a reset, no HTTP answer), then stop the request."""
    connection = environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):  # already gone
            connection.shutdown(socket.SHUT_RDWR)
    raise NoEndpoint("SES is not offered in this region: no endpoint answers")
