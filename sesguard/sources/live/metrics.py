"""Reputation metrics and the alarms watching them (CloudWatch, namespace ``AWS/SES``).

Metrics: one ``GetMetricData`` call reads both ``Reputation.BounceRate`` and
``Reputation.ComplaintRate`` (hourly averages, newest first) over the look-back window, the newest
datapoint of each kept (no datapoint is ``None``, not an error), and the ``Send`` sum over the same
window (``sent_in_lookback``; no datapoint is 0: nothing sent).

Alarms: ``DescribeAlarms`` lists every metric alarm of the region, 100 a page, while
``DescribeAlarmsForMetric`` answers for one metric in one call. The reader asks for the first page of
``DescribeAlarms``: when the region has at most 100 alarms that single call is complete (1 call);
otherwise it switches to ``DescribeAlarmsForMetric`` for the two metrics (3 calls in all, instead of
one per 100 alarms). Alarms on the two metrics are kept with their dimensions, and metric-math alarms
whose queries use them with their expression (:mod:`sesguard.alarm_metric` decides which of them
watch the account-level metric). ``DescribeAlarmsForMetric`` does not return metric-math alarms, so
in a region with more than 100 alarms those are not seen (an alarm missed can only fail a row).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sesguard.alarm_metric import MetricQuery, alarm_entry, watched_metric
from sesguard.sources.live.paging import pages
from sesguard.sources.live.session import Client
from sesguard.sources.live.values import iso

NAMESPACE: Final = "AWS/SES"
BOUNCE: Final = "Reputation.BounceRate"
COMPLAINT: Final = "Reputation.ComplaintRate"
SEND: Final = "Send"  # messages sent, account-level (no dimensions)
SENT_ID: Final = "sent"
PERIOD_SECONDS: Final = 3600
ALARM_PAGE: Final = 100

_QUERY_IDS: Final = {"bounce": BOUNCE, "complaint": COMPLAINT}


class MetricReadError(Exception):
    """GetMetricData answered, but a query's status says its data could not be read."""

    def __init__(self, status: str) -> None:
        super().__init__(f"GetMetricData returned status {status}")
        self.code = status


def latest_rates(cloudwatch: Client, now: datetime, lookback_days: int) -> dict[str, Any]:
    """``bounce_rate``, ``complaint_rate`` and their ``*_at`` times: the newest datapoints or None."""
    queries = [
        {
            "Id": query_id,
            "MetricStat": {
                "Metric": {"Namespace": NAMESPACE, "MetricName": metric},
                "Period": PERIOD_SECONDS,
                "Stat": "Average",
            },
            "ReturnData": True,
        }
        for query_id, metric in _QUERY_IDS.items()
    ]
    queries.append(
        {
            "Id": SENT_ID,
            "MetricStat": {
                "Metric": {"Namespace": NAMESPACE, "MetricName": SEND},
                "Period": lookback_days * 86400,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }
    )
    newest: dict[str, tuple[datetime, float]] = {}
    sent = 0.0
    for page in pages(
        cloudwatch.get_metric_data,
        MetricDataQueries=queries,
        StartTime=now - timedelta(days=lookback_days),
        EndTime=now,
        ScanBy="TimestampDescending",
    ):
        for result in page.get("MetricDataResults", []):
            status = result.get("StatusCode", "Complete")
            if status in {"Forbidden", "InternalError"}:
                raise MetricReadError(status)
            if result["Id"] == SENT_ID:
                sent += sum(float(v) for v in result.get("Values", []))
                continue
            for when, value in zip(result.get("Timestamps", []), result.get("Values", []), strict=False):
                current = newest.get(result["Id"])
                if current is None or when > current[0]:
                    newest[result["Id"]] = (when, float(value))
    props: dict[str, Any] = {"sent_in_lookback": sent}
    for query_id in _QUERY_IDS:
        point = newest.get(query_id)
        props[f"{query_id}_rate"] = point[1] if point else None
        props[f"{query_id}_rate_at"] = iso(point[0]) if point else None
    return props


def _query(raw: dict[str, Any]) -> MetricQuery:
    metric = (raw.get("MetricStat") or {}).get("Metric") or {}
    return MetricQuery(
        id=raw.get("Id"),
        expression=raw.get("Expression"),
        namespace=metric.get("Namespace"),
        metric_name=metric.get("MetricName"),
        dimensions=metric.get("Dimensions") or [],
        return_data=raw.get("ReturnData"),
    )


def _alarm(raw: dict[str, Any]) -> dict[str, Any]:
    threshold = float(raw["Threshold"]) if raw.get("Threshold") is not None else None
    queries = [_query(q) for q in raw.get("Metrics") or []]
    name = raw.get("AlarmName")
    watched = watched_metric(
        raw.get("Namespace"), raw.get("MetricName"), raw.get("Dimensions") or [], queries, threshold, str(name)
    )
    return alarm_entry(
        name,
        watched,
        comparison=raw.get("ComparisonOperator"),
        actions=len(raw.get("AlarmActions") or []),
        actions_enabled=bool(raw.get("ActionsEnabled", False)),
    )


def _watches_reputation(raw: dict[str, Any]) -> bool:
    """The alarm's metric, or one of its metric-math queries, is a reputation metric of AWS/SES."""
    metrics = [(raw.get("Namespace"), raw.get("MetricName"))] + [
        (q.namespace, q.metric_name) for q in map(_query, raw.get("Metrics") or [])
    ]
    return any(namespace == NAMESPACE and metric in _QUERY_IDS.values() for namespace, metric in metrics)


def reputation_alarms(cloudwatch: Client) -> list[dict[str, Any]]:
    """The alarms on ``Reputation.BounceRate`` / ``Reputation.ComplaintRate``, sorted by name."""
    first = cloudwatch.describe_alarms(AlarmTypes=["MetricAlarm"], MaxRecords=ALARM_PAGE)
    if first.get("NextToken"):
        raws = [
            alarm
            for metric in _QUERY_IDS.values()
            for alarm in cloudwatch.describe_alarms_for_metric(Namespace=NAMESPACE, MetricName=metric).get(
                "MetricAlarms", []
            )
        ]
    else:
        raws = list(first.get("MetricAlarms", []))
    found = {raw.get("AlarmName"): _alarm(raw) for raw in raws if _watches_reputation(raw)}
    return [found[name] for name in sorted(found, key=str)]
