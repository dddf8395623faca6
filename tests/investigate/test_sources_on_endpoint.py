"""VDM and the suppression list read through real botocore from the local endpoint: on, off, denied, paged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from sesguard.investigate.causes import rank
from sesguard.investigate.suppression import read_suppression
from sesguard.investigate.vdm import read_vdm

pytestmark = pytest.mark.live
TODAY = dt.date(2026, 11, 20)
START = dt.datetime.combine(TODAY - dt.timedelta(days=13), dt.time(), dt.UTC)
END = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(), dt.UTC)


@pytest.fixture
def ep(endpoint_server: Any) -> Iterator[Any]:
    endpoint_server.reset()
    yield endpoint_server
    endpoint_server.clear_faults()


def _sesv2(ep: Any) -> Any:
    from botocore.config import Config

    return ep.client("sesv2", "eu-west-1", config=Config(retries={"total_max_attempts": 1}))


def test_vdm_off_is_said_and_costs_one_call(ep: Any) -> None:
    evidence = read_vdm(_sesv2(ep), START, END)
    assert (evidence.status, evidence.calls) == ("off", 1)
    ranking = rank(None, evidence, None)
    assert any("no VDM metrics: Virtual Deliverability Manager is off" in m for m in ranking.missing)


def test_vdm_on_reads_every_identity_set_and_isp_in_batches_of_ten(ep: Any) -> None:
    sesv2 = _sesv2(ep)
    sesv2.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "ENABLED"})
    for i in range(3):
        sesv2.create_email_identity(EmailIdentity=f"d{i}.example.com")
    sesv2.create_configuration_set(ConfigurationSetName="news")
    day = (TODAY - dt.timedelta(days=2)).isoformat()
    ep.load_vdm_metrics(
        [{"day": day, "metric": "SEND", "count": 1000, "email_identity": "d0.example.com", "configuration_set": "news", "isp": "Gmail"},
         {"day": day, "metric": "PERMANENT_BOUNCE", "count": 90, "email_identity": "d0.example.com", "configuration_set": "news", "isp": "Gmail"},
         {"day": day, "metric": "SEND", "count": 1000, "email_identity": "d1.example.com", "isp": "Yahoo"},
         {"day": day, "metric": "PERMANENT_BOUNCE", "count": 10, "email_identity": "d1.example.com", "isp": "Yahoo"}],
        region="eu-west-1",
    )  # fmt: skip
    evidence = read_vdm(sesv2, START, END)
    assert evidence.status == "ok" and not evidence.query_errors
    targets = 1 + 3 + 1 + 10  # total, identities, sets, ISPs
    assert evidence.calls == 3 + -(-targets * 4 // 10)
    assert evidence.total("account", "all", "SEND") == 2000
    assert evidence.series[("CONFIGURATION_SET", "news", "PERMANENT_BOUNCE")] == {day: 90}
    top = rank(None, evidence, None).causes[0]
    assert (top.dimension, top.value, top.share) in {
        ("CONFIGURATION_SET", "news", 0.9),
        ("EMAIL_IDENTITY", "d0.example.com", 0.9),
    }
    assert "VDM" in top.source or top.source == "vdm"


def test_vdm_denied_and_throttled_are_reported_not_zero(ep: Any) -> None:
    sesv2 = _sesv2(ep)
    sesv2.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "ENABLED"})
    ep.inject_fault("sesv2", "BatchGetMetricData", kind="access-denied")
    evidence = read_vdm(sesv2, START, END)
    assert evidence.status == "error" and "BatchGetMetricData failed: AccessDenied" in evidence.reason
    assert sum(evidence.query_errors.values()) == 11 * 4  # the total and 10 ISPs (no identity, no set), 4 metrics each
    assert any("no VDM metrics: BatchGetMetricData failed" in m for m in rank(None, evidence, None).missing)


def test_suppression_list_is_paged_to_the_end_and_the_jump_found(ep: Any) -> None:
    jump_day = TODAY - dt.timedelta(days=4)
    entries = [
        {"email": f"old{i}@gmail.com", "reason": "BOUNCE",
         "last_update_time": dt.datetime.combine(TODAY - dt.timedelta(days=1 + i % 10), dt.time(9), dt.UTC).isoformat()}
        for i in range(20)
    ] + [
        {"email": f"new{i}@yahoo.com", "reason": "BOUNCE",
         "last_update_time": dt.datetime.combine(jump_day, dt.time(12), dt.UTC).isoformat()}
        for i in range(2100)
    ] + [{"email": "long-ago@gmail.com", "reason": "BOUNCE", "last_update_time": "2025-01-01T00:00:00Z"}]  # fmt: skip
    ep.load_suppressed(entries, region="eu-west-1")
    evidence = read_suppression(_sesv2(ep), START, END)
    assert evidence.status == "ok" and evidence.pages == 3
    assert evidence.totals["BOUNCE"] == 2120  # the one from 2025 is outside the window
    assert evidence.jump() == (jump_day.isoformat(), 2102, 2.0)  # 2 of the older ones fell on that day too
    cause = rank(None, None, evidence).causes[0]
    assert cause.kind == "list_import" and cause.value == jump_day.isoformat()
    assert "yahoo.com" in cause.statement and "@" not in cause.statement.replace("yahoo.com", "")


def test_suppression_denied_midway_keeps_the_reason(ep: Any) -> None:
    ep.inject_fault("sesv2", "ListSuppressedDestinations", kind="access-denied")
    evidence = read_suppression(_sesv2(ep), START, END)
    assert evidence.status == "error" and "after 0 page(s): AccessDenied" in evidence.reason
