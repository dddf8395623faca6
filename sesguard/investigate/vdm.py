"""Virtual Deliverability Manager metrics: ``sesv2:BatchGetMetricData`` per day and dimension.

Each query names one metric and one dimension value (the API returns no dimension values, so a
breakdown needs a query per value); up to 10 queries go in one call. Dimension values come from
``ListEmailIdentities`` and ``ListConfigurationSets``, and the ISPs VDM names (``Gmail``,
``Yahoo``... see :data:`ISPS`). The account's totals use ``EMAIL_IDENTITY = *``. Whether VDM is on
is read first (``GetAccount``): with VDM off there are no metrics to read, and that is said.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import error_code

METRICS = ("SEND", "PERMANENT_BOUNCE", "TRANSIENT_BOUNCE", "COMPLAINT")
BATCH = 10  # BatchGetMetricDataQueries: max 10 (botocore's sesv2 model)
# Mailbox providers as VDM's ISP dimension names them (the API reference's examples are "Gmail"
# and "Yahoo"; the rest are the providers the VDM dashboard lists). Others are not broken down.
ISPS = ("Gmail", "Yahoo", "Hotmail", "AOL", "iCloud", "Comcast", "Orange", "GMX", "Yandex", "Other")
TOTAL = ("account", "all")


@dataclass
class VdmEvidence:
    """What VDM said: daily sums per (dimension, value, metric), or why there are none."""

    status: str = "not read"  # ok | off | error | not read
    reason: str = ""
    series: dict[tuple[str, str, str], dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    query_errors: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    notes: list[str] = field(default_factory=list)

    def total(self, dimension: str, value: str, metric: str) -> int:
        """The window's sum of ``metric`` for ``dimension`` = ``value``."""
        return sum(self.series.get((dimension, value, metric), {}).values())

    def values(self, dimension: str) -> list[str]:
        """The values of ``dimension`` with any data."""
        return sorted({v for d, v, _ in self.series if d == dimension})


def _list_names(call: Any, key: str, name_key: str | None) -> list[str]:
    names: list[str] = []
    token: str | None = None
    while True:
        page = call(PageSize=1000, **({"NextToken": token} if token else {}))
        for item in page.get(key) or []:
            names.append(str(item[name_key]) if name_key else str(item))
        token = page.get("NextToken")
        if not token:
            return names


def _queries(
    identities: list[str], config_sets: list[str]
) -> Iterator[tuple[tuple[str, str], dict[str, Any]]]:
    targets = [(TOTAL, {"EMAIL_IDENTITY": "*"})]
    targets += [(("EMAIL_IDENTITY", n), {"EMAIL_IDENTITY": n}) for n in identities]
    targets += [(("CONFIGURATION_SET", n), {"CONFIGURATION_SET": n}) for n in config_sets]
    targets += [(("ISP", n), {"ISP": n}) for n in ISPS]
    for target, dimensions in targets:
        for metric in METRICS:
            yield target, {"Namespace": "VDM", "Metric": metric, "Dimensions": dimensions}


def read_vdm(sesv2: Any, start: dt.datetime, end: dt.datetime) -> VdmEvidence:
    """Read the VDM metrics of one account and region over [start, end)."""
    evidence = VdmEvidence()
    try:
        account = sesv2.get_account()
        evidence.calls += 1
        enabled = (account.get("VdmAttributes") or {}).get("VdmEnabled")
        if enabled != "ENABLED":
            evidence.status = "off"
            evidence.reason = (
                "Virtual Deliverability Manager is off in this region (VdmEnabled is not ENABLED)"
            )
            return evidence
    except Exception as error:
        evidence.notes.append(f"GetAccount: {error_code(error)} (VDM state unknown; metrics read anyway)")
    try:
        identities = _list_names(sesv2.list_email_identities, "EmailIdentities", "IdentityName")
        config_sets = _list_names(sesv2.list_configuration_sets, "ConfigurationSets", None)
    except Exception as error:
        evidence.status = "error"
        evidence.reason = f"listing identities and configuration sets failed: {error_code(error)}"
        return evidence
    evidence.calls += 2
    batch: list[tuple[tuple[str, str, str], dict[str, Any]]] = []
    for target, query in _queries(identities, config_sets):
        batch.append(((target[0], target[1], query["Metric"]), query))
        if len(batch) == BATCH:
            _fetch(sesv2, batch, start, end, evidence)
            batch = []
    if batch:
        _fetch(sesv2, batch, start, end, evidence)
    if evidence.status == "not read":
        evidence.status = "ok"
    return evidence


def _fetch(
    sesv2: Any, batch: list[tuple[tuple[str, str, str], dict[str, Any]]], start: dt.datetime, end: dt.datetime,
    evidence: VdmEvidence,
) -> None:  # fmt: skip
    queries = [{"Id": f"q{i}", **q, "StartDate": start, "EndDate": end} for i, (_, q) in enumerate(batch)]
    try:
        response = sesv2.batch_get_metric_data(Queries=queries)
    except Exception as error:
        code = error_code(error)
        evidence.query_errors[code] += len(batch)
        if evidence.status != "ok":
            evidence.status = "error"
            evidence.reason = f"BatchGetMetricData failed: {code}"
        evidence.calls += 1
        return
    evidence.calls += 1
    evidence.status = "ok"
    by_id = {f"q{i}": key for i, (key, _) in enumerate(batch)}
    for result in response.get("Results") or []:
        key = by_id.get(str(result.get("Id")))
        if key is None:
            continue
        days = evidence.series[key]
        for stamp, value in zip(result.get("Timestamps") or [], result.get("Values") or [], strict=False):
            day = (
                stamp.astimezone(dt.UTC).date().isoformat()
                if isinstance(stamp, dt.datetime)
                else str(stamp)[:10]
            )
            days[day] = days.get(day, 0) + int(value)
    for failed in response.get("Errors") or []:
        evidence.query_errors[str(failed.get("Code") or "UNKNOWN")] += 1
