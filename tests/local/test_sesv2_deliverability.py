"""Suppression list and VDM metrics on the local endpoint, through real botocore, shapes checked."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from sesguard.local import LocalEndpoint

from .conftest import ClientFactory

pytestmark = pytest.mark.live
DAY = dt.date(2026, 11, 20)


def _at(day: dt.date, hour: int = 10) -> str:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC).isoformat()


def test_put_get_delete_suppressed_destination(client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.put_suppressed_destination(EmailAddress="Someone@Example.com", Reason="BOUNCE")
    got = sesv2.get_suppressed_destination(EmailAddress="someone@example.com")["SuppressedDestination"]
    assert got["EmailAddress"] == "Someone@Example.com" and got["Reason"] == "BOUNCE"
    assert isinstance(got["LastUpdateTime"], dt.datetime)
    sesv2.delete_suppressed_destination(EmailAddress="someone@example.com")
    with pytest.raises(ClientError) as caught:
        sesv2.get_suppressed_destination(EmailAddress="someone@example.com")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    with pytest.raises(ClientError) as bad:
        sesv2.put_suppressed_destination(EmailAddress="someone@example.com", Reason="SPAM")
    assert bad.value.response["Error"]["Code"] in ("BadRequestException", "ParamValidation")


def test_list_filters_by_reason_and_date_and_pages(ep: LocalEndpoint, client: ClientFactory) -> None:
    entries = [
        {
            "email": f"u{i}@gmail.com",
            "reason": "BOUNCE",
            "last_update_time": _at(DAY - dt.timedelta(days=i % 3)),
        }
        for i in range(25)
    ] + [{"email": "c@yahoo.com", "reason": "COMPLAINT", "last_update_time": _at(DAY)}]
    ep.load_suppressed(entries)
    sesv2 = client("sesv2")
    start = dt.datetime.combine(DAY, dt.time(), dt.UTC)
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = sesv2.list_suppressed_destinations(
            Reasons=["BOUNCE"], StartDate=start, EndDate=start + dt.timedelta(days=1), PageSize=4,
            **({"NextToken": token} if token else {}),
        )  # fmt: skip
        pages += 1
        seen += [s["EmailAddress"] for s in page["SuppressedDestinationSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    expected = sorted(e["email"] for e in entries[:25] if int(e["email"][1:].split("@")[0]) % 3 == 0)
    assert sorted(seen) == expected and len(seen) == len(set(seen))
    assert pages == -(-len(expected) // 4)
    both = sesv2.list_suppressed_destinations(Reasons=["BOUNCE", "COMPLAINT"])[
        "SuppressedDestinationSummaries"
    ]
    assert len(both) == 26
    with pytest.raises(ClientError) as caught:
        sesv2.list_suppressed_destinations(StartDate=start, EndDate=start - dt.timedelta(days=1))
    assert caught.value.response["Error"]["Code"] == "BadRequestException"
    with pytest.raises(ClientError):
        sesv2.list_suppressed_destinations(NextToken="not-a-token")


def _metrics(ep: LocalEndpoint) -> None:
    ep.load_vdm_metrics([
        {"day": DAY.isoformat(), "metric": "SEND", "count": 100, "email_identity": "a.example", "configuration_set": "news", "isp": "Gmail"},
        {"day": DAY.isoformat(), "metric": "SEND", "count": 50, "email_identity": "b.example", "configuration_set": "tx", "isp": "Yahoo"},
        {"day": (DAY + dt.timedelta(days=1)).isoformat(), "metric": "PERMANENT_BOUNCE", "count": 7, "email_identity": "a.example", "configuration_set": "news", "isp": "Gmail"},
    ])  # fmt: skip


def test_batch_get_metric_data_daily_sums_by_dimension(ep: LocalEndpoint, client: ClientFactory) -> None:
    sesv2 = client("sesv2")
    sesv2.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "ENABLED"})
    _metrics(ep)
    start = dt.datetime.combine(DAY - dt.timedelta(days=2), dt.time(), dt.UTC)
    end = start + dt.timedelta(days=7)

    def query(qid: str, metric: str, dims: dict[str, str]) -> dict[str, object]:
        return {
            "Id": qid,
            "Namespace": "VDM",
            "Metric": metric,
            "Dimensions": dims,
            "StartDate": start,
            "EndDate": end,
        }

    response = sesv2.batch_get_metric_data(Queries=[
        query("all", "SEND", {"EMAIL_IDENTITY": "*"}),
        query("news", "SEND", {"CONFIGURATION_SET": "news"}),
        query("yahoo", "SEND", {"ISP": "Yahoo"}),
        query("bounces", "PERMANENT_BOUNCE", {"EMAIL_IDENTITY": "a.example", "ISP": "Gmail"}),
    ])  # fmt: skip
    results = {r["Id"]: r for r in response["Results"]}
    assert results["all"]["Values"] == [150]
    assert results["all"]["Timestamps"] == [dt.datetime.combine(DAY, dt.time(), dt.UTC)]
    assert results["news"]["Values"] == [100] and results["yahoo"]["Values"] == [50]
    assert results["bounces"]["Values"] == [7]
    assert response["Errors"] == []


@pytest.mark.parametrize(
    "queries",
    [
        [],
        [{"Id": "a", "Namespace": "VDM", "Metric": "SEND", "Dimensions": {"ISP": "Gmail"}}] * 11,
        [{"Id": "a", "Namespace": "VDM", "Metric": "SEND", "Dimensions": {"ISP": "Gmail"}}]
        * 2,  # duplicate Id
        [
            {
                "Id": "a",
                "Namespace": "VDM",
                "Metric": "SEND",
                "Dimensions": {"ISP": "*", "EMAIL_IDENTITY": "*"},
            }
        ],
    ],
    ids=["none", "eleven", "duplicate-id", "two-wildcards"],
)
def test_batch_get_metric_data_rejects_what_aws_rejects(
    client: ClientFactory, queries: list[dict[str, object]]
) -> None:
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    full = [{**q, "StartDate": start, "EndDate": start + dt.timedelta(days=1)} for q in queries]
    with pytest.raises(Exception) as caught:
        client("sesv2").batch_get_metric_data(Queries=full)
    assert "BadRequest" in str(caught.value) or "ParamValidation" in type(caught.value).__name__


def test_vdm_off_means_no_data(ep: LocalEndpoint, client: ClientFactory) -> None:
    _metrics(ep)
    start = dt.datetime.combine(DAY, dt.time(), dt.UTC)
    response = client("sesv2").batch_get_metric_data(Queries=[
        {"Id": "a", "Namespace": "VDM", "Metric": "SEND", "Dimensions": {"EMAIL_IDENTITY": "*"},
         "StartDate": start, "EndDate": start + dt.timedelta(days=1)},
    ])  # fmt: skip
    assert response["Results"] == [{"Id": "a", "Timestamps": [], "Values": []}]
