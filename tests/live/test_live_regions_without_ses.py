"""Regions where SES is not offered: a note, not error rows or passes.

On AWS no SES endpoint exists there (``email.ap-east-1.amazonaws.com`` does not resolve), so a
client gets no answer at all; the local endpoint drops those connections (sesguard/local/ses_regions.py).
botocore's partition data lists no SES endpoint in ap-east-1 (Hong Kong; botocore 1.44), the region used
here (another such region if a later botocore lists SES there).
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError

from sesguard.local import LocalEndpoint

from .live_support import ACCOUNT, HOME, Scan, build_small_account

CHECKS = Path(__file__).resolve().parents[2] / "checks"


def _no_ses_region() -> str | None:
    """A region botocore knows (EC2) where it lists no SES endpoint: ap-east-1 in botocore 1.44."""
    session = boto3.Session()
    offered = set(session.get_available_regions("sesv2")) | set(session.get_available_regions("ses"))
    others = sorted(set(session.get_available_regions("ec2")) - offered)
    return "ap-east-1" if "ap-east-1" in others else (others[0] if others else None)


NO_SES = _no_ses_region() or "no-such-region"
pytestmark = pytest.mark.skipif(
    _no_ses_region() is None, reason="the installed botocore lists SES in every region it knows"
)
NEWER = "eu-south-2"  # a region the test pretends the installed botocore does not know yet

pytest_plugins = ("pytester",)


def test_the_endpoint_answers_no_ses_request_there(endpoint: LocalEndpoint) -> None:
    # SES v1 and v2 get no answer at all; other services do answer
    once = Config(retries={"mode": "standard", "total_max_attempts": 1})
    for service, call in (("sesv2", "get_account"), ("ses", "get_send_quota")):
        with pytest.raises(ConnectionClosedError):
            getattr(endpoint.client(service, NO_SES, config=once), call)()
    assert endpoint.client("cloudwatch", NO_SES).describe_alarms()["MetricAlarms"] == []


def test_region_without_ses_is_a_note_not_rows(endpoint: LocalEndpoint, scan: Scan) -> None:
    build_small_account(endpoint)
    notes: list[str] = []
    inventory = scan(regions=[HOME, NO_SES], progress=notes.append)
    assert inventory.errors == []
    assert f"{ACCOUNT}/{NO_SES}" not in inventory.sets
    assert not [r for r in inventory.resources if r.location.region == NO_SES]
    [note] = inventory.meta["live"]["regions_without_ses"].values()
    assert note.startswith(f"SES is not offered in {NO_SES}: no SES endpoint answered (ConnectionClosedError)")
    assert any(NO_SES in line and "not offered" in line for line in notes)
    # one attempt, no retries: a region without SES costs one call
    assert inventory.meta["api_calls"]["sesv2:GetAccount"] == 2
    assert inventory.meta["live"]["http_requests"] == inventory.meta["live"]["api_call_total"]
    assert any(r.location.region == HOME and r.type == "email_identity" for r in inventory.resources)


def test_a_region_botocore_does_not_know_is_read_when_it_answers(
    endpoint: LocalEndpoint, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newer botocore may list SES where the installed one does not: an answer means it is offered."""
    import sesguard.sources.live.regions as regions

    monkeypatch.setattr(regions, "ses_offered", lambda session, scope: scope.region != NEWER)
    endpoint.client("sesv2", NEWER).create_email_identity(EmailIdentity="new.example.com")
    inventory = scan(regions=[NEWER])
    assert inventory.errors == [] and "regions_without_ses" not in inventory.meta["live"]
    assert [r.id for r in inventory.resources if r.type == "email_identity"] == ["new.example.com"]


def test_pytest_checks_names_the_region_once_and_judges_the_others(
    endpoint: LocalEndpoint, pytester: pytest.Pytester
) -> None:
    build_small_account(endpoint)
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "--aws", "--regions",
        f"{HOME},{NO_SES}", "--report-dir", str(out),
    )
    assert result.ret == 1  # the small account has violations in us-east-1
    rows = json.loads((out / "findings.json").read_text())["findings"]
    assert not [r for r in rows if r["resource"]["region"] == NO_SES]
    assert not [r for r in rows if r["status"] == "error"]
    assert any(r["resource"]["region"] == HOME and r["status"] == "pass" for r in rows)
    lines = [ln for ln in result.stdout.lines if NO_SES in ln and not ln.endswith(f"{NO_SES} done")]
    assert len(lines) == 1 and f"SES is not offered in {NO_SES}" in lines[0], lines  # the one note
