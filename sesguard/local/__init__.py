"""The local SES endpoint: moto plus sesguard's SES v2 extension, for tests and the demo.

Needs the ``local`` extra (moto). Nothing starts at import time::

    with LocalEndpoint(port=0) as ep:
        sesv2 = ep.client("sesv2", "eu-west-1")

Without moto installed, only :class:`AdminClient` (for an endpoint running elsewhere) is available
and ``MISSING_EXTRA`` says why.
"""

from .client import AdminClient, AdminError

MISSING_EXTRA: str | None = None

try:
    from .endpoint import (
        FAKE_ACCESS_KEY_ID,
        FAKE_SECRET_ACCESS_KEY,
        EndpointError,
        LocalEndpoint,
        make_client,
    )
except ModuleNotFoundError as missing:  # moto and its server dependencies are the 'local' extra
    if (missing.name or "").split(".")[0] not in ("moto", "werkzeug", "flask", "flask_cors"):
        raise
    MISSING_EXTRA = (
        f"sesguard's local endpoint needs the 'local' extra (pip install 'sesguard[local]'): {missing}"
    )

__all__ = [
    "FAKE_ACCESS_KEY_ID",
    "FAKE_SECRET_ACCESS_KEY",
    "MISSING_EXTRA",
    "AdminClient",
    "AdminError",
    "EndpointError",
    "LocalEndpoint",
    "make_client",
]
