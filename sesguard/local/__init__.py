"""The local SES endpoint: moto plus sesguard's SES v2 extension, for tests and the demo.

Needs the ``local`` extra (moto), loaded when an endpoint starts, not at import. Nothing starts at
import time::

    with LocalEndpoint(port=0) as ep:
        sesv2 = ep.client("sesv2", "eu-west-1")

Without moto installed, only :class:`AdminClient` (for an endpoint running elsewhere) is usable and
:func:`missing_extra` says why.
"""

from importlib.util import find_spec

from .client import AdminClient, AdminError
from .clients import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, make_client
from .endpoint import EndpointError, LocalEndpoint

# moto and its server dependencies: the 'local' extra.
LOCAL_EXTRA = ("moto", "werkzeug", "flask", "flask_cors")


def missing_extra() -> str | None:
    """Why the endpoint cannot start here (a package of the 'local' extra is not installed), or None."""
    for name in LOCAL_EXTRA:
        if find_spec(name) is None:
            return f"sesguard's local endpoint needs the 'local' extra (pip install 'sesguard[local]'): no module named {name!r}"
    return None


__all__ = [
    "FAKE_ACCESS_KEY_ID",
    "FAKE_SECRET_ACCESS_KEY",
    "LOCAL_EXTRA",
    "AdminClient",
    "AdminError",
    "EndpointError",
    "LocalEndpoint",
    "make_client",
    "missing_extra",
]
