"""Which AWS service, operation, region and caller an incoming request is for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Final
from urllib.parse import parse_qs, unquote

from botocore.exceptions import UnknownServiceError
from botocore.model import ServiceModel

from . import s3_requests
from .shapes import service_model
from .wire import Protocol, detect_protocol

DEFAULT_REGION = "us-east-1"

# Signing names whose botocore client name differs (``ses`` is settled by the path: /v2/ is SES v2).
_CLIENT_BY_SIGNING_NAME: Final = {"monitoring": "cloudwatch", "email": "ses"}
# IAM action prefixes that differ from the signing name.
_IAM_PREFIX_BY_SIGNING_NAME: Final = {"monitoring": "cloudwatch", "email": "ses"}
# Older botocore releases list SES v2 identities and configuration sets with GET.
_SESV2_LEGACY_ROUTES = (
    ("GET", "/v2/email/identities", "ListEmailIdentities"),
    ("GET", "/v2/email/configuration-sets", "ListConfigurationSets"),
)
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
_CBOR_PATH = re.compile(r"^/service/[^/]+/operation/([^/?]+)")


@dataclass(frozen=True)
class Route:
    """One REST operation's method and path template, compiled."""

    operation: str
    method: str
    pattern: re.Pattern[str]
    literal_length: int


class RestRouter:
    """Matches a method and raw path to a REST operation of a botocore service model."""

    def __init__(self, model: ServiceModel, extra: tuple[tuple[str, str, str], ...] = ()) -> None:
        routes = []
        for name in model.operation_names:
            http = model.operation_model(name).http
            routes.append(_compile(name, http["method"], http["requestUri"]))
        routes.extend(_compile(op, method, uri) for method, uri, op in extra)
        self._routes = sorted(routes, key=lambda r: -r.literal_length)

    def match(self, method: str, raw_path: str) -> tuple[str, dict[str, str]] | None:
        """The operation and its URI labels (decoded), or None."""
        for route in self._routes:
            if route.method != method:
                continue
            found = route.pattern.match(raw_path)
            if found:
                return route.operation, {k: unquote(v) for k, v in found.groupdict().items()}
        return None


def _compile(operation: str, method: str, request_uri: str) -> Route:
    path = request_uri.split("?", 1)[0]
    regex = ""
    literal = 0
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            name = piece[1:-1]
            greedy = name.endswith("+")
            regex += f"(?P<{name.rstrip('+')}>{'.+' if greedy else '[^/]+'})"
        else:
            regex += re.escape(piece)
            literal += len(piece)
    return Route(operation, method, re.compile(f"^{regex}/?$"), literal)


@cache
def sesv2_router() -> RestRouter:
    """The router over every SES v2 operation."""
    return RestRouter(service_model("sesv2"), _SESV2_LEGACY_ROUTES)


@dataclass(frozen=True)
class RequestInfo:
    """What an incoming AWS request is, as far as the endpoint needs to know."""

    service: str | None
    operation: str | None
    protocol: Protocol
    region: str
    access_key: str | None
    signing_name: str | None
    labels: dict[str, str] = field(default_factory=dict)
    action: str | None = None  # when the IAM action is not the operation's name (S3)

    @property
    def iam_action(self) -> str | None:
        """The IAM action the request needs, e.g. ``ses:GetAccount``."""
        if self.action is not None:
            return self.action
        if self.signing_name is None or self.operation is None:
            return None
        prefix = _IAM_PREFIX_BY_SIGNING_NAME.get(self.signing_name, self.signing_name)
        return f"{prefix}:{self.operation}"


def classify(
    method: str, raw_path: str, query: str, headers: Mapping[str, str], form: Mapping[str, str]
) -> RequestInfo:
    """Classify a request from its method, raw (still percent-encoded) path, query, headers and form."""
    auth = headers.get("Authorization", "")
    found = _CREDENTIAL.search(auth)
    access_key, region, signing = (
        (found.group(1), found.group(3), found.group(4)) if found else (None, None, None)
    )
    query_args = {k: v[0] for k, v in parse_qs(query).items()}
    if access_key is None and "X-Amz-Credential" in query_args:
        scope = query_args["X-Amz-Credential"].split("/")
        if len(scope) == 5:
            access_key, region, signing = scope[0], scope[2], scope[3]
    service = _client_name(signing, raw_path)
    default = Protocol.REST_JSON if service == "sesv2" else _default_protocol(service)
    protocol = detect_protocol(headers.get("Content-Type", ""), headers, default)
    operation: str | None = None
    labels: dict[str, str] = {}
    if service == "s3":
        s3 = s3_requests.describe(method, raw_path, query)
        return RequestInfo(service, s3.operation, protocol, region or DEFAULT_REGION, access_key, signing,
                           action=s3.action)  # fmt: skip
    if protocol is Protocol.QUERY:
        operation = form.get("Action") or query_args.get("Action")
    elif protocol is Protocol.JSON:
        target = headers.get("X-Amz-Target", "")
        operation = target.rsplit(".", 1)[-1] or None
    elif protocol is Protocol.CBOR:
        cbor = _CBOR_PATH.match(raw_path)
        operation = cbor.group(1) if cbor else None
    elif service == "sesv2":
        routed = sesv2_router().match(method, raw_path)
        if routed:
            operation, labels = routed
    return RequestInfo(service, operation, protocol, region or DEFAULT_REGION, access_key, signing, labels)


def _client_name(signing: str | None, raw_path: str) -> str | None:
    if signing is None:
        return None
    if signing == "ses":
        return "sesv2" if raw_path.startswith("/v2/") else "ses"
    return _CLIENT_BY_SIGNING_NAME.get(signing, signing)


def _model(service: str | None) -> ServiceModel | None:
    if service is None:
        return None
    try:
        return service_model(service)
    except UnknownServiceError:
        return None


def _default_protocol(service: str | None) -> Protocol:
    model = _model(service)
    name = model.protocol if model is not None else "query"
    return {"json": Protocol.JSON, "rest-json": Protocol.REST_JSON}.get(name, Protocol.QUERY)


def query_compatible(service: str | None) -> bool:
    """Whether a JSON service reports query-protocol error codes (``awsQueryCompatible``)."""
    model = _model(service)
    return model is not None and "awsQueryCompatible" in model.metadata


def json_version(service: str | None) -> str:
    """The JSON protocol version a service speaks (``1.0`` or ``1.1``)."""
    model = _model(service)
    return str(model.metadata.get("jsonVersion", "1.1")) if model is not None else "1.1"
