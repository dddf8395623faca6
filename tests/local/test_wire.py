"""Wire formats, checked by botocore's own parsers (no server)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore import parsers
from botocore.awsrequest import HeadersDict

from sesguard.local.routing import classify, sesv2_router
from sesguard.local.shapes import operation_model, service_model
from sesguard.local.wire import Protocol, cbor_encode, error_response, parse_query, query_response


def _parse(
    protocol: str, service: str, operation: str, status: int, headers: dict[str, str], body: bytes
) -> Any:
    parser = parsers.create_parser(protocol)
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body}
    shape = operation_model(service, operation).output_shape
    assert shape is not None
    return parser.parse(response, shape)


@pytest.mark.parametrize(
    ("protocol", "botocore_protocol", "service", "operation"),
    [
        (Protocol.QUERY, "query", "iam", "ListUsers"),
        (Protocol.JSON, "json", "organizations", "DescribeOrganization"),
        (Protocol.REST_JSON, "rest-json", "sesv2", "GetAccount"),
        (Protocol.CBOR, "smithy-rpc-v2-cbor", "cloudwatch", "DescribeAlarms"),
    ],
)
def test_errors_parse_to_their_code(
    protocol: Protocol, botocore_protocol: str, service: str, operation: str
) -> None:
    response = error_response(protocol, 400, "ThrottlingException", "slow down")
    parsed = _parse(botocore_protocol, service, operation, response.status, response.headers, response.body)
    assert parsed["Error"]["Code"] == "ThrottlingException"
    assert parsed["Error"]["Message"] == "slow down"


def test_query_compatible_json_error_reports_the_query_code() -> None:
    response = error_response(
        Protocol.JSON, 400, "ThrottlingException", "m", query_code="Throttling", json_version="1.0"
    )
    parsed = _parse("json", "cloudwatch", "DescribeAlarms", 400, response.headers, response.body)
    assert parsed["Error"]["Code"] == "Throttling"


def test_query_response_round_trips_through_botocore() -> None:
    document = {
        "ConfigurationSet": {"Name": "cs"},
        "EventDestinations": [
            {
                "Name": "d",
                "Enabled": True,
                "MatchingEventTypes": ["bounce"],
                "SNSDestination": {"TopicARN": "t"},
            }
        ],
        "ReputationOptions": {
            "SendingEnabled": False,
            "ReputationMetricsEnabled": True,
            "LastFreshStart": dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
        },
    }
    op = operation_model("ses", "DescribeConfigurationSet")
    response = query_response(op, document, "http://ses.amazonaws.com/doc/2010-12-01/")
    parsed = _parse("query", "ses", "DescribeConfigurationSet", 200, response.headers, response.body)
    parsed.pop("ResponseMetadata")
    assert parsed == document


def test_query_map_round_trips() -> None:
    document = {"Policies": {"a": '{"x": "<&>"}', "b": "{}"}}
    op = operation_model("ses", "GetIdentityPolicies")
    response = query_response(op, document, "ns")
    parsed = _parse("query", "ses", "GetIdentityPolicies", 200, response.headers, response.body)
    assert parsed["Policies"] == document["Policies"]


def test_parse_query_builds_nested_input() -> None:
    dimension = "EventDestination.CloudWatchDestination.DimensionConfigurations.member.1"
    form = {
        "Action": "CreateConfigurationSetEventDestination",
        "ConfigurationSetName": "cs",
        "EventDestination.Name": "d",
        "EventDestination.Enabled": "true",
        "EventDestination.MatchingEventTypes.member.1": "bounce",
        "EventDestination.MatchingEventTypes.member.2": "complaint",
        f"{dimension}.DimensionName": "n",
        f"{dimension}.DimensionValueSource": "linkTag",
        f"{dimension}.DefaultDimensionValue": "v",
    }
    shape = operation_model("ses", "CreateConfigurationSetEventDestination").input_shape
    assert parse_query(shape, form) == {
        "ConfigurationSetName": "cs",
        "EventDestination": {
            "Name": "d",
            "Enabled": True,
            "MatchingEventTypes": ["bounce", "complaint"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {"DimensionName": "n", "DimensionValueSource": "linkTag", "DefaultDimensionValue": "v"}
                ]
            },
        },
    }


def test_cbor_encoding_of_small_values() -> None:
    assert cbor_encode({"a": 1}) == bytes([0xA1, 0x61, 0x61, 0x01])
    assert cbor_encode(["x" * 30]) == bytes([0x81, 0x78, 30]) + b"x" * 30
    assert cbor_encode([True, False, None]) == bytes([0x83, 0xF5, 0xF4, 0xF6])


def test_router_matches_every_sesv2_operation_template() -> None:
    router = sesv2_router()
    model = service_model("sesv2")
    assert router.match("GET", "/v2/email/identities/a%40b.com/policies") == (
        "GetEmailIdentityPolicies",
        {"EmailIdentity": "a@b.com"},
    )
    assert router.match("GET", "/v2/email/identities") == ("ListEmailIdentities", {})
    assert router.match("POST", "/v2/email/list-identities")[0] == "ListEmailIdentities"  # type: ignore[index]
    assert router.match("PATCH", "/v2/email/identities") is None
    for name in ("GetAccount", "GetConfigurationSet", "DeleteConfigurationSetEventDestination"):
        http = model.operation_model(name).http
        path = http["requestUri"].split("?")[0].replace("{", "").replace("}", "")
        assert router.match(http["method"], path)[0] == name  # type: ignore[index]


def test_classify_reads_service_region_operation_and_key() -> None:
    auth = "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE123456789/20240101/eu-west-1/monitoring/aws4_request, x"
    headers = {
        "Authorization": auth,
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "G.DescribeAlarms",
    }
    info = classify("POST", "/", "", headers, {})
    assert (info.service, info.operation, info.region, info.protocol) == (
        "cloudwatch",
        "DescribeAlarms",
        "eu-west-1",
        Protocol.JSON,
    )
    assert info.iam_action == "cloudwatch:DescribeAlarms"
    assert info.access_key == "AKIAEXAMPLE123456789"
    ses_auth = auth.replace("eu-west-1/monitoring", "us-east-1/ses")
    v1 = classify(
        "POST",
        "/",
        "",
        {"Authorization": ses_auth, "Content-Type": "application/x-www-form-urlencoded"},
        {"Action": "ListIdentities"},
    )
    assert (v1.service, v1.operation, v1.iam_action) == ("ses", "ListIdentities", "ses:ListIdentities")
    v2 = classify("GET", "/v2/email/account", "", {"Authorization": ses_auth}, {})
    assert (v2.service, v2.operation, v2.protocol) == ("sesv2", "GetAccount", Protocol.REST_JSON)
