"""End to end on the demo incident: the planted list import is found, with its share, under IAM enforcement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sesguard.investigate.cli import run_demo
from sesguard.investigate.render import load

pytestmark = pytest.mark.live
ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}")


def test_the_planted_import_is_the_top_cause(endpoint_server: object, tmp_path: Path) -> None:
    from sesguard.local import LocalEndpoint
    from sesguard.local.demo import BAD, build_demo

    assert isinstance(endpoint_server, LocalEndpoint)
    endpoint_server.reset()
    info = build_demo(endpoint_server.url)
    incident = info.incident
    assert incident is not None
    assert 0.055 <= incident.hard_bounces / incident.sends <= 0.065  # the demo's 6% bounce rate
    endpoint_server.enforce_iam(True)
    try:
        code = run_demo(endpoint_server.url, info.auditor_access_key_id, info.auditor_secret_access_key,
                        BAD, incident.events_url, str(tmp_path))  # fmt: skip
    finally:
        endpoint_server.enforce_iam(False)
    assert code == 0
    result = load(tmp_path)[0]
    top = result["causes"][0]
    assert top["kind"] == "list_import" and top["value"] == incident.import_day
    assert top["source"] == "archive+suppression"
    assert top["share"] == pytest.approx(incident.planted_share, abs=0.03)
    campaign = next(
        c for c in result["causes"] if c["dimension"] == "campaign" and c["kind"] == "hard_bounce"
    )
    assert campaign["value"] == "campaign=spring-import"
    assert campaign["share"] == pytest.approx(incident.planted_share, abs=0.0001)
    assert campaign["figures"]["subtype"]["value"] == "NoEmail"
    config_set = next(
        c for c in result["causes"] if c["dimension"] == "configuration_set" and c["kind"] == "hard_bounce"
    )
    assert config_set["value"] == "eu-marketing" and config_set["source"] == "archive+vdm"
    sources = result["sources"]
    assert sources["vdm"]["status"] == "ok" and not sources["vdm"]["query_errors"]
    assert (
        sources["suppression"]["status"] == "ok"
        and sources["suppression"]["added"]["BOUNCE"] == incident.hard_bounces
    )
    archive = sources["archive"]
    assert archive["records"] == incident.records and not archive["skipped"] and not archive["problems"]
    assert archive["counted_recipients"]["hard_bounce"] == incident.hard_bounces
    senders = {i for names in info.identities.values() for i in names}
    for name in ("investigation.json", "investigation.html"):
        found = set(ADDRESS.findall((tmp_path / name).read_text())) - senders
        assert not found, f"recipient addresses in {name}"
