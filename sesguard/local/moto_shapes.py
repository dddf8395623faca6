"""Validation of moto's successful responses against botocore's output shapes.

The endpoint's own SES answers are built from documents and checked before they are sent
(``app.EndpointApp._run``). moto's answers (IAM, STS, CloudWatch, Organizations, EC2, SNS and the
SES v1 calls it serves right) are checked after the fact: the body is parsed with botocore's own
parser for the protocol the request came in (as the caller's client will parse it), then checked
like the endpoint's documents (required members present, enum values known, scalar types), so a
reader that depends on a member moto leaves out finds out in the tests, not on AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from botocore.exceptions import UnknownServiceError
from botocore.parsers import ResponseParserError, create_parser

from .routing import RequestInfo
from .shapes import operation_model, output_errors, service_model
from .wire import Protocol

# Members botocore models as required that AWS (and moto) leave out when they are unset.
OMITTED_REQUIRED: Final[frozenset[str]] = frozenset()

_PARSER_PROTOCOLS: Final = {
    Protocol.QUERY: "query",
    Protocol.JSON: "json",
    Protocol.REST_JSON: "rest-json",
    Protocol.CBOR: "smithy-rpc-v2-cbor",
}


def moto_output_errors(
    info: RequestInfo, status: int, headers: Mapping[str, str], body: bytes
) -> list[str] | None:
    """Mismatches of a successful moto response with the operation's output shape (None: not checked)."""
    if status >= 300 or info.service is None or info.operation is None:
        return None
    try:
        model = service_model(info.service)
        op = operation_model(info.service, info.operation)
    except (UnknownServiceError, LookupError):
        return None
    protocol = _PARSER_PROTOCOLS.get(info.protocol)
    if protocol is None:
        return None
    if protocol == "query" and model.protocol == "ec2":
        protocol = "ec2"
    if protocol not in (model.metadata.get("protocols") or [model.protocol]):
        return None  # e.g. S3 (rest-xml): not a protocol this module parses
    try:
        parsed: dict[str, Any] = create_parser(protocol).parse(
            {"status_code": status, "headers": dict(headers), "body": body}, op.output_shape
        )
    except (ResponseParserError, ValueError, KeyError, TypeError) as exc:
        return [f"$: botocore cannot parse it ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"]
    parsed.pop("ResponseMetadata", None)
    return output_errors(op, parsed, "datetime", OMITTED_REQUIRED)
