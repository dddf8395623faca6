"""SES v2 deliverability data moto lacks: the account suppression list and VDM metrics.

Served as the SES v2 API reference and botocore's ``sesv2`` model describe them:

- ``PutSuppressedDestination`` / ``GetSuppressedDestination`` / ``DeleteSuppressedDestination``
  and ``ListSuppressedDestinations`` (``Reason`` repeated in the query string, ``StartDate`` /
  ``EndDate`` filtering on the time the address was added or last updated, ``PageSize`` +
  ``NextToken`` paging);
- ``BatchGetMetricData``: 1 to 10 queries, each with a unique ``Id``, ``Namespace`` ``VDM``, a
  ``Metric`` of the model's enum, 1 to 3 ``Dimensions`` (``EMAIL_IDENTITY``, ``CONFIGURATION_SET``,
  ``ISP``, ``TENANT_NAME``; a value or ``*``), ``StartDate`` before ``EndDate``; results are
  daily sums (``Timestamps`` at midnight UTC, ``Values`` as longs). With VDM off in the region, no
  metrics were collected: every query answers with no data points (what AWS answers there is not
  documented; readers should read ``GetAccount``'s ``VdmAttributes`` first, as sesguard does).

AWS has no API to write VDM metrics or to back-date a suppression; the admin hooks
``POST /_sesguard/ses/vdm-metrics`` and ``POST /_sesguard/ses/suppressed`` do (see :func:`load_metrics` and :func:`load_suppressed`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections import Counter
from typing import Any, Final

from .errors import bad_request, not_found
from .store import MetricKey, RegionState

Params = dict[str, Any]
REASONS = ("BOUNCE", "COMPLAINT")
METRICS = (
    "SEND", "COMPLAINT", "PERMANENT_BOUNCE", "TRANSIENT_BOUNCE", "OPEN", "CLICK", "DELIVERY",
    "DELIVERY_OPEN", "DELIVERY_CLICK", "DELIVERY_COMPLAINT",
)  # fmt: skip
DIMENSIONS = ("EMAIL_IDENTITY", "CONFIGURATION_SET", "ISP", "TENANT_NAME")
MAX_QUERIES = 10
MAX_PAGE_SIZE = 1000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _timestamp(value: Any, name: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value)):
        return dt.datetime.fromtimestamp(float(value), dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} is not a valid timestamp.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _email(params: Params) -> str:
    address = params.get("EmailAddress")
    if not isinstance(address, str) or not _EMAIL.match(address):
        raise bad_request("EmailAddress is not a valid email address.")
    return address


# --- suppression list ---------------------------------------------------------------------------


def put_suppressed_destination(state: RegionState, params: Params) -> dict[str, Any]:
    """PutSuppressedDestination: add or update an address (LastUpdateTime is now)."""
    address = _email(params)
    reason = params.get("Reason")
    if reason not in REASONS:
        raise bad_request(f"Reason must be one of {list(REASONS)}.")
    state.deliverability.suppressed[address.lower()] = (address, str(reason), _now())
    return {}


def get_suppressed_destination(state: RegionState, params: Params) -> dict[str, Any]:
    """GetSuppressedDestination."""
    found = state.deliverability.suppressed.get(_email(params).lower())
    if found is None:
        raise not_found(f"Email address {params['EmailAddress']} does not exist on your suppression list.")
    address, reason, at = found
    return {"SuppressedDestination": {"EmailAddress": address, "Reason": reason, "LastUpdateTime": at}}


def delete_suppressed_destination(state: RegionState, params: Params) -> dict[str, Any]:
    """DeleteSuppressedDestination."""
    key = _email(params).lower()
    if key not in state.deliverability.suppressed:
        raise not_found(f"Email address {params['EmailAddress']} does not exist on your suppression list.")
    del state.deliverability.suppressed[key]
    return {}


def _page_size(params: Params) -> int:
    size = params.get("PageSize")
    size = MAX_PAGE_SIZE if size is None else int(size)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise bad_request(f"PageSize must be between 1 and {MAX_PAGE_SIZE}.")
    return size


def list_suppressed_destinations(state: RegionState, params: Params) -> dict[str, Any]:
    """ListSuppressedDestinations, filtered by reason and date, paged in address order."""
    reasons = params.get("Reasons") or []
    reasons = [reasons] if isinstance(reasons, str) else list(reasons)
    for reason in reasons:
        if reason not in REASONS:
            raise bad_request(f"Reason must be one of {list(REASONS)}.")
    start = _timestamp(params.get("StartDate"), "StartDate")
    end = _timestamp(params.get("EndDate"), "EndDate")
    if start is not None and end is not None and start > end:
        raise bad_request("StartDate must be before EndDate.")
    size = _page_size(params)
    entries = sorted(
        (key, value)
        for key, value in state.deliverability.suppressed.items()
        if (not reasons or value[1] in reasons)
        and (start is None or value[2] >= start)
        and (end is None or value[2] <= end)
    )
    after = ""
    token = params.get("NextToken")
    if token:
        try:
            after = base64.urlsafe_b64decode(str(token).encode()).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise bad_request("Invalid NextToken.") from exc
        if not after.startswith("s:"):
            raise bad_request("Invalid NextToken.")
        after = after[2:]
    remaining = [e for e in entries if e[0] > after] if after else entries
    page, rest = remaining[:size], remaining[size:]
    document: dict[str, Any] = {
        "SuppressedDestinationSummaries": [
            {"EmailAddress": address, "Reason": reason, "LastUpdateTime": at}
            for _, (address, reason, at) in page
        ]
    }
    if rest:
        document["NextToken"] = base64.urlsafe_b64encode(f"s:{page[-1][0]}".encode()).decode()
    return document


# --- VDM metrics --------------------------------------------------------------------------------

_FIELD: Final = {"EMAIL_IDENTITY": "email_identity", "CONFIGURATION_SET": "configuration_set", "ISP": "isp",
          "TENANT_NAME": "tenant_name"}  # fmt: skip


def _check_query(query: Any, seen: set[str]) -> tuple[str, str, dict[str, str], dt.datetime, dt.datetime]:
    if not isinstance(query, dict):
        raise bad_request("Each query must be an object.")
    query_id = query.get("Id")
    if not isinstance(query_id, str) or not 1 <= len(query_id) <= 255:
        raise bad_request("Query Id must be 1 to 255 characters.")
    if query_id in seen:
        raise bad_request(f"Duplicate query Id: {query_id}.")
    seen.add(query_id)
    if query.get("Namespace") != "VDM":
        raise bad_request("Namespace must be VDM.")
    metric = query.get("Metric")
    if metric not in METRICS:
        raise bad_request(f"Metric must be one of {list(METRICS)}.")
    dimensions = query.get("Dimensions")
    if dimensions is not None:
        if not isinstance(dimensions, dict) or not 1 <= len(dimensions) <= 3:
            raise bad_request("Dimensions must hold 1 to 3 entries.")
        for name, value in dimensions.items():
            if name not in DIMENSIONS or not isinstance(value, str) or not value:
                raise bad_request(
                    f"Invalid dimension {name!r}: names are {list(DIMENSIONS)}, values non-empty."
                )
        wildcards = [n for n, v in dimensions.items() if v == "*"]
        if len(wildcards) > 1:
            raise bad_request("Only one dimension may use the * wildcard.")
    start = _timestamp(query.get("StartDate"), "StartDate")
    end = _timestamp(query.get("EndDate"), "EndDate")
    if start is None or end is None:
        raise bad_request("StartDate and EndDate are required.")
    if start >= end:
        raise bad_request("StartDate must be before EndDate.")
    return query_id, str(metric), dict(dimensions or {}), start, end


def batch_get_metric_data(state: RegionState, params: Params) -> dict[str, Any]:
    """BatchGetMetricData: daily sums per query."""
    queries = params.get("Queries")
    if not isinstance(queries, list) or not 1 <= len(queries) <= MAX_QUERIES:
        raise bad_request(f"Queries must hold 1 to {MAX_QUERIES} queries.")
    seen: set[str] = set()
    checked = [_check_query(q, seen) for q in queries]
    vdm_on = (state.account.vdm or {}).get("VdmEnabled") == "ENABLED"
    results = []
    for query_id, metric, dimensions, start, end in checked:
        days: Counter[dt.date] = Counter()
        if vdm_on:
            for key, count in state.deliverability.metrics.items():
                if key.metric != metric or not start.date() <= key.day < _end_day(end):
                    continue
                if all(v == "*" or getattr(key, _FIELD[n]) == v for n, v in dimensions.items()):
                    days[key.day] += count
        ordered = sorted(days)
        results.append({
            "Id": query_id,
            "Timestamps": [dt.datetime.combine(d, dt.time(), dt.UTC) for d in ordered],
            "Values": [days[d] for d in ordered],
        })  # fmt: skip
    return {"Results": results, "Errors": []}


def _end_day(end: dt.datetime) -> dt.date:
    """The first day not included: a day is in the interval when it starts before ``end``."""
    day = end.astimezone(dt.UTC).date()
    return day if end.astimezone(dt.UTC).time() == dt.time() else day + dt.timedelta(days=1)


HANDLERS: Final = {
    "PutSuppressedDestination": put_suppressed_destination,
    "GetSuppressedDestination": get_suppressed_destination,
    "DeleteSuppressedDestination": delete_suppressed_destination,
    "ListSuppressedDestinations": list_suppressed_destinations,
    "BatchGetMetricData": batch_get_metric_data,
}


# --- admin hooks --------------------------------------------------------------------------------


def load_metrics(state: RegionState, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /_sesguard/ses/vdm-metrics``: ``records`` of ``{day, metric, count}`` plus dimension values."""
    records = body.get("records")
    if not isinstance(records, list):
        raise ValueError("records must be a list")
    for item in records:
        if not isinstance(item, dict) or item.get("metric") not in METRICS:
            raise ValueError(f"each record needs a metric of {list(METRICS)}")
        key = MetricKey(
            day=dt.date.fromisoformat(str(item.get("day"))),
            metric=str(item["metric"]),
            email_identity=str(item.get("email_identity") or ""),
            configuration_set=str(item.get("configuration_set") or ""),
            isp=str(item.get("isp") or ""),
            tenant_name=str(item.get("tenant_name") or ""),
        )
        count = int(item.get("count", 0))
        if count < 0:
            raise ValueError("count must not be negative")
        state.deliverability.metrics[key] += count
    return {"metrics": len(state.deliverability.metrics)}


def load_suppressed(state: RegionState, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /_sesguard/ses/suppressed``: ``entries`` of ``{email, reason, last_update_time}`` (ISO 8601)."""
    entries = body.get("entries")
    if not isinstance(entries, list):
        raise ValueError("entries must be a list")
    for item in entries:
        address, reason = str(item.get("email") or ""), item.get("reason")
        if not _EMAIL.match(address) or reason not in REASONS:
            raise ValueError(f"each entry needs an email and a reason of {list(REASONS)}")
        at = _timestamp(item.get("last_update_time"), "last_update_time") or _now()
        state.deliverability.suppressed[address.lower()] = (address, str(reason), at)
    return {"suppressed": len(state.deliverability.suppressed)}
