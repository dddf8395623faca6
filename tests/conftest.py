"""Fixtures shared by the test suites."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sesguard.local import LocalEndpoint


@pytest.fixture(scope="session")
def endpoint_server() -> Iterator[LocalEndpoint]:
    """The local SES endpoint on 127.0.0.1, started once per session (moto's state is process-wide)."""
    pytest.importorskip("moto", reason="the local SES endpoint needs the 'local' extra (moto)")
    from sesguard.local import LocalEndpoint

    with LocalEndpoint(port=0) as endpoint:
        yield endpoint
