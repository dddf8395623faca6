"""Answers that do not parse as the API's shape are errors naming the operation, never defaults.

botocore turns a 200 answer whose body is not the protocol's document (an HTML page from a proxy or a
captive portal, truncated JSON, an empty body) into ``{}``, and the reader would then take every
missing field for its default: DKIM off becomes "not reported", a list of identities becomes empty,
a bounce rate becomes "no data". This check runs on every successful answer (botocore's
``after-call`` event) and raises :class:`MalformedResponseError` (a ``BotoCoreError``, so the reader
turns it into error rows naming the operation) when:

- a JSON protocol's body is not a JSON object, or is empty for a read whose output has body members;
- a query/XML protocol's body is not XML whose root element is ``<OperationResponse>``;
- a member the output shape marks as required is missing from what botocore parsed.
"""

from __future__ import annotations

import json
import time
from typing import Any, Final
from xml.etree import ElementTree

from botocore.exceptions import BotoCoreError, ClientError

_JSON_PROTOCOLS: Final = frozenset({"json", "rest-json"})
_XML_PROTOCOLS: Final = frozenset({"query", "ec2", "rest-xml"})
_READ_PREFIXES: Final = ("Get", "List", "Describe")
_NOT_IN_BODY: Final = frozenset({"header", "headers", "statusCode"})


class MalformedResponseError(BotoCoreError):  # type: ignore[misc]
    """A successful answer that is not the API's document."""

    fmt = "{operation}: the answer does not parse as the API's response ({detail})"


def _body_problem(protocol: str, operation: Any, body: bytes) -> str | None:
    name = str(operation.name)
    if protocol in _JSON_PROTOCOLS:
        if not body.strip():
            shape = operation.output_shape
            in_body = [
                m for m in (shape.members.values() if shape is not None else [])
                if m.serialization.get("location") not in _NOT_IN_BODY
            ]  # fmt: skip
            return "empty body" if in_body and name.startswith(_READ_PREFIXES) else None
        try:
            document = json.loads(body)
        except ValueError:
            return "the body is not JSON"
        return None if isinstance(document, dict) else "the body is not a JSON object"
    if protocol in _XML_PROTOCOLS:
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            return "the body is not XML"
        tag = root.tag.rsplit("}", 1)[-1]
        expected = f"{name}Response" if protocol != "rest-xml" else None
        if expected is not None and tag != expected:
            return f"the XML document is <{tag}>, not <{expected}>"
        shape = operation.output_shape
        wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
        if wrapper and not any(child.tag.rsplit("}", 1)[-1] == wrapper for child in root):
            return f"<{tag}> has no <{wrapper}>"
    return None


def _operation(model: Any) -> str:
    return f"{model.service_model.service_name}:{model.name}"


def check_body(operation_model: Any, response_dict: Any, **_: Any) -> None:
    """botocore ``before-parse`` handler: a successful answer's body must be the protocol's document
    (botocore's parsers would turn it into ``{}``, or fail with an arbitrary exception)."""
    status = response_dict.get("status_code")
    body = response_dict.get("body")
    if not isinstance(status, int) or status >= 300 or not isinstance(body, bytes):
        return  # errors are botocore's to raise (a ClientError); streams are not read here
    protocol = str(operation_model.service_model.resolved_protocol)
    problem = _body_problem(protocol, operation_model, body)
    if problem is not None:
        raise MalformedResponseError(operation=_operation(operation_model), detail=problem)


def check_required(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
    """botocore ``after-call`` handler: members the output shape requires must be in the answer."""
    status = getattr(http_response, "status_code", None)
    if not isinstance(status, int) or status >= 300 or model.output_shape is None or not isinstance(parsed, dict):
        return
    missing = [m for m in model.output_shape.required_members if m not in parsed]
    if missing:
        raise MalformedResponseError(
            operation=_operation(model), detail=f"required member {', '.join(missing)} is missing"
        )


class CallDeadlineError(BotoCoreError):  # type: ignore[misc]
    """A call (with its retries) took longer than ``--timeout`` allows."""

    fmt = "{operation}: no answer within {seconds:g} s (--timeout), retries included; given up"


class CallDeadline:
    """Gives up a call once ``seconds`` have passed since it started, checked before each retry
    (each attempt is itself bounded by the connect and read timeouts)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def started(self, context: dict[str, Any], **_: Any) -> None:
        context.setdefault("sesguard_started", time.monotonic())

    def before_retry(self, request_dict: dict[str, Any], operation: Any, response: Any = None, **_: Any) -> None:
        """Give up once the time is over: with AWS's last error (throttling keeps its code), else
        :class:`CallDeadlineError`."""
        started = (request_dict.get("context") or {}).get("sesguard_started")
        if not isinstance(started, float) or time.monotonic() - started <= self.seconds:
            return
        parsed = response[1] if isinstance(response, tuple) and len(response) == 2 else None
        error = parsed.get("Error") if isinstance(parsed, dict) else None
        if isinstance(parsed, dict) and isinstance(error, dict) and error.get("Code"):
            given_up = f"retried for {self.seconds:g} s (--timeout), given up"
            message = str(error.get("Message") or "").strip()
            answer = {**parsed, "Error": {**error, "Message": f"{message} ({given_up})" if message else given_up}}
            raise ClientError(answer, _operation(operation))
        raise CallDeadlineError(operation=_operation(operation), seconds=self.seconds)


def attach(client: Any, deadline: float | None = None) -> None:
    """Check every answer ``client`` receives; with ``deadline``, give up calls that take longer."""
    client.meta.events.register("before-parse", check_body)
    client.meta.events.register("after-call", check_required)
    if deadline is not None:
        guard = CallDeadline(deadline)
        client.meta.events.register("before-call", guard.started)
        client.meta.events.register_first("needs-retry", guard.before_retry)
