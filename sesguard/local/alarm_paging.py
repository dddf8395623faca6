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

import base64
import json
from collections.abc import Mapping
from typing import Any, Final

from .errors import ApiError

OPERATION: Final = "DescribeAlarms"
LISTS: Final = ("MetricAlarms", "CompositeAlarms")
DEFAULT_MAX_RECORDS: Final = 50
MAX_RECORDS: Final = 100
_PREFIX: Final = "sesguard-alarms:"


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def _offset(token: object) -> int:
    if token in (None, ""):
        return 0
    try:
        text = base64.urlsafe_b64decode(str(token).encode()).decode()
        if text.startswith(_PREFIX):
            return int(text[len(_PREFIX) :])
    except (ValueError, UnicodeDecodeError):
        pass
    raise ApiError("InvalidNextToken", "The service couldn't process the NextToken given.", 400)


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
    raw = params.get("MaxRecords")
    try:
        max_records = DEFAULT_MAX_RECORDS if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        raise ApiError("ValidationError", "MaxRecords must be a number", 400) from None
    if not 1 <= max_records <= MAX_RECORDS:
        raise ApiError(
            "ValidationError",
            f"1 validation error detected: Value '{max_records}' at 'maxRecords' failed to satisfy "
            f"constraint: Member must have value less than or equal to {MAX_RECORDS}",
            400,
        )
    offset = _offset(params.get("NextToken"))
    items = [(name, item) for name in LISTS for item in full.get(name) or []]
    if offset > len(items):
        raise ApiError("InvalidNextToken", "The service couldn't process the NextToken given.", 400)
    chunk = items[offset : offset + max_records]
    document: dict[str, Any] = {
        name: [item for owner, item in chunk if owner == name] for name in LISTS if name in full
    }
    if offset + max_records < len(items):
        document["NextToken"] = _token(offset + max_records)
    return document
