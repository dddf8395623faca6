"""CloudWatch ``DescribeAlarms`` paged at the ``MaxRecords`` the caller asks for, as AWS does.

moto 5.2.5 ignores ``MaxRecords`` and ``NextToken`` and returns every alarm in one answer, so a
reader that never sees a ``NextToken`` (or mishandles one) would pass every test. AWS returns at
most ``MaxRecords`` alarms (1 to 100; the model's range) and a ``NextToken`` when there are more
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html); a token
it did not issue is ``InvalidNextToken``. AWS documents no default page size; the endpoint uses 50.

The endpoint takes moto's complete answer, parsed with botocore's parser for the protocol the
request came in, and serves the requested slice of it in that protocol. botocore >= 1.37 models
CloudWatch with ``protocols: [smithy-rpc-v2-cbor, json, query]`` and its clients take the first
protocol botocore supports in its own order of preference, ``json`` (awsJson1_0, ``x-amzn-query-mode``);
older clients speak ``query``. Both are paged here. moto cannot decode CBOR requests, so a CBOR
client is not served at all (no botocore client sends one: see ``PRIORITY_ORDERED_SUPPORTED_PROTOCOLS``).
Metric alarms are counted before composite alarms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from .errors import ApiError
from .slices import Paging

OPERATION: Final = "DescribeAlarms"
LISTS: Final = ("MetricAlarms", "CompositeAlarms")
PAGING: Final = Paging(
    size="MaxRecords",
    default=50,
    maximum=100,
    limit="less than or equal to 100",
    prefix="sesguard-alarms:",
    bad_token=("InvalidNextToken", "The service couldn't process the NextToken given."),
)


def request_params(protocol: str, form: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """``MaxRecords`` and ``NextToken`` of a request (query form, or awsJson body)."""
    if protocol == "query":
        return {k: form[k] for k in ("MaxRecords", "NextToken") if k in form}
    try:
        params = json.loads(body) if body.strip() else {}
    except ValueError:
        raise ApiError("SerializationException", "The request body is not valid JSON.", 400) from None
    return params if isinstance(params, dict) else {}


def page(params: Mapping[str, Any], full: Mapping[str, Any]) -> dict[str, Any]:
    """The page of ``full`` (moto's complete answer, parsed) that ``params`` ask for."""
    size = PAGING.page_size(params.get("MaxRecords"))
    per_list, following = PAGING.slice(LISTS, full, params.get("NextToken"), size)
    document: dict[str, Any] = {name: items for name, items in per_list.items() if name in full}
    if following is not None:
        document["NextToken"] = PAGING.token(following)
    return document
