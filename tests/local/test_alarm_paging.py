"""CloudWatch DescribeAlarms pages at MaxRecords, as AWS does, in the protocol the client speaks.

The installed botocore's CloudWatch clients speak awsJson1_0 (``json``: the first of the model's
``protocols`` that botocore prefers); botocore releases before the ``protocols`` trait speak
``query``. Both are exercised through real botocore clients, the second from the same model with
only its protocol metadata set back to ``query``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sesguard.local import LocalEndpoint
from sesguard.local.clients import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY

from .conftest import ClientFactory

pytestmark = pytest.mark.live
COUNT = 230  # more than two pages of 100
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def _alarms(cloudwatch: Any) -> set[str]:
    names = set()
    for i in range(COUNT):
        name = f"alarm-{i:03d}"
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/SES",
            MetricName="Reputation.BounceRate" if i % 2 else "Send",
            Statistic="Average",
            Period=3600,
            EvaluationPeriods=1,
            Threshold=0.05 + i / 1000,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
        names.add(name)
    return names


def _walk(cloudwatch: Any, max_records: int) -> list[list[dict[str, Any]]]:
    pages = cloudwatch.get_paginator("describe_alarms").paginate(PaginationConfig={"PageSize": max_records})
    return [page["MetricAlarms"] for page in pages]


def _query_client(url: str, tmp_path: Path) -> Any:
    """A CloudWatch client as botocore spoke before the ``protocols`` trait: ``query`` (XML)."""
    loader = botocore.loaders.Loader()
    model = loader.load_service_model("cloudwatch", "service-2")
    model["metadata"]["protocol"] = "query"
    model["metadata"].pop("protocols", None)
    model["metadata"].pop("awsQueryCompatible", None)
    version = model["metadata"]["apiVersion"]
    folder = tmp_path / "models" / "cloudwatch" / version
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    session = botocore.session.Session()
    session.get_component("data_loader").search_paths.insert(0, str(tmp_path / "models"))
    return session.create_client(
        "cloudwatch",
        "us-east-1",
        endpoint_url=url,
        aws_access_key_id=FAKE_ACCESS_KEY_ID,
        aws_secret_access_key=FAKE_SECRET_ACCESS_KEY,
        config=NO_RETRY,
    )


def test_json_client_pages_at_max_records(client: ClientFactory) -> None:
    cloudwatch = client("cloudwatch", config=NO_RETRY)
    model = cloudwatch.meta.service_model
    assert getattr(model, "resolved_protocol", model.protocol) == "json"  # botocore >= 1.37; older: query
    names = _alarms(cloudwatch)
    pages = _walk(cloudwatch, 100)
    assert [len(p) for p in pages] == [100, 100, 30]
    seen = [a["AlarmName"] for page in pages for a in page]
    assert len(seen) == len(set(seen)) and set(seen) == names
    # Floats and timestamps survive the re-encoding
    first = pages[0][0]
    assert first["Threshold"] == pytest.approx(0.05) and first["StateUpdatedTimestamp"].year >= 2024
    # No MaxRecords: a page of 50 (AWS documents no default) with a NextToken
    default = cloudwatch.describe_alarms()
    assert len(default["MetricAlarms"]) == 50 and default["NextToken"]
    last = cloudwatch.describe_alarms(MaxRecords=100, NextToken=cloudwatch.describe_alarms(
        MaxRecords=100, NextToken=default["NextToken"])["NextToken"])
    assert "NextToken" not in last and len(last["MetricAlarms"]) == COUNT - 150
    with pytest.raises(ClientError) as bad_token:
        cloudwatch.describe_alarms(NextToken="not-a-token")
    assert bad_token.value.response["Error"]["Code"] == "InvalidNextToken"
    with pytest.raises(ClientError) as too_many:
        cloudwatch.describe_alarms(MaxRecords=101)
    assert too_many.value.response["Error"]["Code"] == "ValidationError"


def test_query_client_pages_at_max_records(ep: LocalEndpoint, client: ClientFactory, tmp_path: Path) -> None:
    names = _alarms(client("cloudwatch", config=NO_RETRY))
    cloudwatch = _query_client(ep.url, tmp_path)
    model = cloudwatch.meta.service_model
    assert getattr(model, "resolved_protocol", model.protocol) == "query"
    seen: list[str] = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(PaginationConfig={"PageSize": 100}):
        assert len(page["MetricAlarms"]) <= 100
        seen += [a["AlarmName"] for a in page["MetricAlarms"]]
    assert len(seen) == COUNT and set(seen) == names
    with pytest.raises(ClientError) as bad_token:
        cloudwatch.describe_alarms(NextToken="not-a-token")
    assert bad_token.value.response["Error"]["Code"] == "InvalidNextToken"
