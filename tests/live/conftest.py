"""Fixtures for the live reader's tests: the local SES endpoint on 127.0.0.1, never real AWS or DNS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sesguard.local import LocalEndpoint
from sesguard.model import Inventory
from sesguard.sources.live import LiveOptions, collect_live

from .live_support import FAST, HOME, Scan


@pytest.fixture
def endpoint(
    endpoint_server: LocalEndpoint, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> Iterator[LocalEndpoint]:
    """A fresh endpoint state, and an environment that points boto3 at it (no profile, no IMDS)."""
    endpoint_server.reset()
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    for key, value in endpoint_server.env(HOME).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield endpoint_server
    # What the scanner parsed must be what AWS sends: the endpoint checks its answers against botocore.
    failures = endpoint_server.validation_failures()
    endpoint_server.reset()
    assert failures == []


@pytest.fixture
def scan(endpoint: LocalEndpoint) -> Scan:
    """``scan(**options)``: collect_live against the endpoint with short retry and wait bounds."""

    def run(**options: Any) -> Inventory:
        return collect_live(LiveOptions(**{**FAST, **options}))

    return run
