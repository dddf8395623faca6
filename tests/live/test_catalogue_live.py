"""The demo account read live: every property the live reader and derive produce is in the property
catalogue for ``live``, and every property the catalogue promises from ``live`` is produced."""

from __future__ import annotations

import pytest

from sesguard.derive import derive
from sesguard.local import LocalEndpoint
from sesguard.local.demo import REGIONS, build_demo
from sesguard.model.catalogue import CATALOGUE, undeclared

from .live_support import Scan


def test_live_properties_match_the_catalogue(endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch) -> None:
    demo = build_demo(endpoint.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", demo.auditor_access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", demo.auditor_secret_access_key)
    inventory = scan(regions=list(REGIONS), dns=True, resolver=lambda name: [])
    inventory = derive(inventory)
    assert inventory.resources and inventory.errors == []
    assert undeclared(inventory.resources) == set()
    promised = {(rtype, p.name, "live") for rtype, props in CATALOGUE.items() for p in props if "live" in p.sources}
    assert promised - {(r.type, name, r.source) for r in inventory.resources for name in r.props} == set()
