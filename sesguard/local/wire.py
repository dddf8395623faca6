"""AWS wire protocols: success bodies, errors that botocore parses into ``ClientError``, query input."""

from __future__ import annotations

import base64
import datetime as dt
import json
import struct
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from xml.sax.saxutils import escape

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape


class Protocol(StrEnum):
    """The wire protocols a client may speak to the endpoint."""

    QUERY = "query"
    JSON = "json"
    REST_JSON = "rest-json"
    CBOR = "cbor"


@dataclass(frozen=True)
class WireResponse:
    """A complete HTTP response."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def request_id() -> str:
    """A fresh request id, as AWS returns with every response."""
    return str(uuid.uuid4())


def detect_protocol(content_type: str, headers: Mapping[str, str], default: Protocol) -> Protocol:
    """The protocol a request was sent in, from its content type and headers."""
    ctype = content_type.lower()
    if ctype.startswith("application/x-www-form-urlencoded"):
        return Protocol.QUERY
    if ctype.startswith("application/x-amz-json"):
        return Protocol.JSON
    if ctype.startswith("application/cbor") or "smithy-protocol" in {k.lower() for k in headers}:
        return Protocol.CBOR
    return default


# --- errors -------------------------------------------------------------------------------------


def error_response(
    protocol: Protocol,
    status: int,
    code: str,
    message: str,
    *,
    query_code: str | None = None,
    json_version: str = "1.1",
) -> WireResponse:
    """An error response that botocore parses into ``ClientError`` with ``code``.

    ``query_code`` is the code a query-compatible JSON service (CloudWatch) reports through its
    ``x-amzn-query-error`` header; botocore prefers it over the body's ``__type``.
    """
    rid = request_id()
    fault = "Sender" if status < 500 else "Receiver"
    headers = {"x-amzn-RequestId": rid}
    if protocol is Protocol.QUERY:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<ErrorResponse><Error><Type>{fault}</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
        ).encode()
        headers["Content-Type"] = "text/xml"
        return WireResponse(status, body, headers)
    if query_code is not None:
        headers["x-amzn-query-error"] = f"{query_code};{fault}"
    if protocol is Protocol.CBOR:
        headers["Content-Type"] = "application/cbor"
        headers["smithy-protocol"] = "rpc-v2-cbor"
        return WireResponse(status, cbor_encode({"__type": code, "message": message}), headers)
    if protocol is Protocol.JSON:
        headers["Content-Type"] = f"application/x-amz-json-{json_version}"
        return WireResponse(status, json.dumps({"__type": code, "message": message}).encode(), headers)
    headers["Content-Type"] = "application/json"
    headers["x-amzn-ErrorType"] = code
    return WireResponse(status, json.dumps({"message": message}).encode(), headers)


def cbor_encode(value: Any) -> bytes:
    """Encode strings, integers, booleans, None, lists and string-keyed maps as CBOR (RFC 8949)."""
    if value is None:
        return b"\xf6"
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int) and value >= 0:
        return _cbor_head(0, value)
    if isinstance(value, str):
        raw = value.encode()
        return _cbor_head(3, len(raw)) + raw
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        items = b"".join(cbor_encode(str(k)) + cbor_encode(v) for k, v in value.items())
        return _cbor_head(5, len(value)) + items
    raise TypeError(f"cannot CBOR-encode {type(value).__name__}")


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    if length < 0x100:
        return bytes([major << 5 | 24, length])
    if length < 0x10000:
        return bytes([major << 5 | 25]) + struct.pack(">H", length)
    return bytes([major << 5 | 26]) + struct.pack(">I", length)


# --- rest-json ----------------------------------------------------------------------------------


def to_wire_json(value: Any) -> Any:
    """``value`` with datetimes as epoch seconds, the rest-json timestamp format."""
    if isinstance(value, dt.datetime):
        return round(value.timestamp(), 3)
    if isinstance(value, dict):
        return {k: to_wire_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_wire_json(v) for v in value]
    return value


def rest_json_response(document: Mapping[str, Any], status: int = 200) -> WireResponse:
    """A rest-json success response carrying ``document`` (already in wire form)."""
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id()}
    return WireResponse(status, json.dumps(document).encode(), headers)


def json_response(document: Mapping[str, Any], version: str = "1.0") -> WireResponse:
    """An awsJson success response carrying ``document`` (datetimes as epoch seconds)."""
    rid = request_id()
    headers = {"Content-Type": f"application/x-amz-json-{version}", "x-amzn-RequestId": rid}
    return WireResponse(200, json.dumps(to_wire_json(document)).encode(), headers)


# --- query (XML) --------------------------------------------------------------------------------


def query_response(op: OperationModel, document: Mapping[str, Any], namespace: str) -> WireResponse:
    """A query-protocol XML success response for ``op`` carrying ``document``."""
    rid = request_id()
    inner = ""
    shape = op.output_shape
    if shape is not None:
        assert isinstance(shape, StructureShape)
        inner = _xml_members(shape, document)
        wrapper = shape.serialization.get("resultWrapper")
        if wrapper:
            inner = f"<{wrapper}>{inner}</{wrapper}>"
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{op.name}Response xmlns="{namespace}">{inner}'
        f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></{op.name}Response>"
    )
    return WireResponse(200, body.encode(), {"Content-Type": "text/xml", "x-amzn-RequestId": rid})


def _xml_members(shape: StructureShape, document: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for name, member in shape.members.items():
        value = document.get(name)
        if value is None:
            continue
        tag = member.serialization.get("name", name)
        if member.type_name == "list" and member.serialization.get("flattened"):
            assert isinstance(member, ListShape)
            parts.extend(f"<{tag}>{_xml_value(member.member, item)}</{tag}>" for item in value)
        else:
            parts.append(f"<{tag}>{_xml_value(member, value)}</{tag}>")
    return "".join(parts)


def _xml_value(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        return _xml_members(shape, value)
    if kind == "list":
        assert isinstance(shape, ListShape)
        tag = shape.member.serialization.get("name", "member")
        return "".join(f"<{tag}>{_xml_value(shape.member, item)}</{tag}>" for item in value)
    if kind == "map":
        assert isinstance(shape, MapShape)
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        return "".join(
            f"<entry><{key_tag}>{escape(str(k))}</{key_tag}>"
            f"<{value_tag}>{_xml_value(shape.value, v)}</{value_tag}></entry>"
            for k, v in value.items()
        )
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        assert isinstance(value, dt.datetime)
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if kind == "blob":
        raw = value if isinstance(value, bytes) else str(value).encode()
        return base64.b64encode(raw).decode()
    return escape(str(value))


def parse_query(shape: StructureShape | None, form: Mapping[str, str]) -> dict[str, Any]:
    """The input parameters of a query-protocol request, typed by the operation's input shape."""
    if shape is None:
        return {}
    parsed = _parse_structure(shape, form, "")
    return parsed or {}


def _parse_structure(shape: StructureShape, form: Mapping[str, str], prefix: str) -> dict[str, Any] | None:
    result: dict[str, Any] = {}
    for name, member in shape.members.items():
        key = prefix + member.serialization.get("name", name)
        value = _parse_value(member, form, key)
        if value is not None:
            result[name] = value
    return result or None


def _parse_value(shape: Shape, form: Mapping[str, str], key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        return _parse_structure(shape, form, key + ".")
    if kind == "list":
        assert isinstance(shape, ListShape)
        item_prefix = key if shape.serialization.get("flattened") else f"{key}.member"
        items = []
        index = 1
        while any(k == f"{item_prefix}.{index}" or k.startswith(f"{item_prefix}.{index}.") for k in form):
            items.append(_parse_value(shape.member, form, f"{item_prefix}.{index}"))
            index += 1
        if not items and form.get(key) == "":
            return []
        return items or None
    if kind == "map":
        assert isinstance(shape, MapShape)
        entries: dict[str, Any] = {}
        index = 1
        while f"{key}.entry.{index}.key" in form:
            entries[form[f"{key}.entry.{index}.key"]] = _parse_value(
                shape.value, form, f"{key}.entry.{index}.value"
            )
            index += 1
        return entries or None
    if key not in form:
        return None
    raw = form[key]
    if kind == "boolean":
        return raw.lower() == "true"
    if kind in ("integer", "long"):
        return int(raw)
    if kind in ("float", "double"):
        return float(raw)
    if kind == "timestamp":
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return raw
