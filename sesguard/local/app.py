"""The WSGI application: admin hooks, fault injection, IAM enforcement, SES handlers, then moto."""

from __future__ import annotations

import json
import logging
import os
import traceback
from collections.abc import Callable, Iterable
from typing import Any, Final
from urllib.parse import parse_qsl
from xml.etree import ElementTree

from botocore.model import OperationModel
from botocore.parsers import create_parser

from . import alarm_paging, credential_report, iam_paging, moto_bridge, s3_requests, sesv1_api, sesv2_api
from .admin import AdminApi
from .auth import Enforcement, SignedRequest, authorize
from .errors import ApiError
from .faults import FaultRegistry
from .incoming import Incoming
from .moto_shapes import moto_output_errors
from .rate_limits import RateLimits
from .routing import RequestInfo, classify, json_version, query_compatible
from .ses_regions import RegionsWithoutSes, drop_connection
from .shapes import operation_model, output_errors
from .store import RegionState, Store
from .sts_rules import StsRules
from .wire import (
    Protocol,
    WireResponse,
    error_response,
    json_response,
    parse_query,
    query_response,
    rest_json_response,
    to_wire_json,
)

log = logging.getLogger("sesguard.local")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_QUERY_NAMESPACES: Final = {
    "ses": "http://ses.amazonaws.com/doc/2010-12-01/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "cloudwatch": "http://monitoring.amazonaws.com/doc/2010-08-01/",
}
_LEGACY_LIST_QUERY = ("NextToken", "PageSize")


class EndpointApp:
    """moto where moto is right; the endpoint's own SES state where it is not."""

    def __init__(self, moto_app: WsgiApp, *, strict: bool = True) -> None:
        self.moto_app = moto_app
        self.strict = strict
        self.store = Store()
        self.faults = FaultRegistry()
        self.enforcement = Enforcement()
        self.sts = StsRules()
        self.reports = credential_report.CredentialReports()
        self.rates = RateLimits()
        self.regions_without_ses = RegionsWithoutSes()
        self.validation_failures: list[str] = []
        self.admin = AdminApi(self)

    # --- lifecycle ------------------------------------------------------------------------------

    def reset(self) -> None:
        """Reset moto, the SES store, fault rules and enforcement."""
        moto_bridge.reset_moto()
        self.store.reset()
        self.faults.clear()
        self.enforcement.configure(float("inf"))
        self.sts.configure(None)
        self.reports.reset()
        self.rates.reset()
        self.regions_without_ses.reset()
        self.validation_failures.clear()

    # --- WSGI -----------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        incoming = Incoming.from_environ(environ)
        response = self.respond(incoming, environ)
        if response is None:
            return self._moto(incoming, environ, start_response)
        return _send(response, start_response)

    def respond(self, incoming: Incoming, environ: dict[str, Any]) -> WireResponse | None:
        """The endpoint's own response, or None to let moto answer."""
        if incoming.path.startswith("/_sesguard/"):
            return self.admin.handle(incoming)
        if incoming.path == "/moto-api/reset" and incoming.method == "POST":
            self.reset()
            return WireResponse(200, b'{"status": "ok"}', {"Content-Type": "application/json"})
        if incoming.path == "/moto-api/reset-auth" and incoming.method == "POST":
            try:
                free = float(incoming.body.decode() or "inf")
            except ValueError:
                return WireResponse(
                    400, b'{"error": "the body must be a number"}', {"Content-Type": "application/json"}
                )
            previous = self.enforcement.configure(free)
            body = {"status": "ok", "PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT": str(previous)}
            return WireResponse(200, json.dumps(body).encode(), {"Content-Type": "application/json"})
        if incoming.path.startswith("/moto-api"):
            # moto's dashboard and state routes (/moto-api/data.json, /moto-api/state-manager, ...)
            # serve every stored secret: access keys' secrets, SMTP passwords. None is served here.
            return WireResponse(
                404,
                b'{"error": "not served: moto\'s inspection routes would reveal stored secrets"}',
                {"Content-Type": "application/json"},
            )
        info = classify(incoming.method, incoming.raw_path, incoming.query, incoming.headers, incoming.form)
        if info.service is None:
            return None
        if self.regions_without_ses.blocks(info.service, info.region):
            drop_connection(environ)  # as AWS: no SES endpoint in that region answers anything
        account_id = self._account_id(info, incoming)
        try:
            self.sts.check(info, account_id, incoming.form, incoming.headers, environ)
            return self._serve(info, account_id, incoming)
        except ApiError as error:
            return self.error(info, error)

    def _account_id(self, info: RequestInfo, incoming: Incoming) -> str:
        if "MOTO_ACCOUNT_ID" in os.environ:
            return os.environ["MOTO_ACCOUNT_ID"]
        override = incoming.headers.get("X-Moto-Account-Id")
        return override or moto_bridge.account_for_access_key(info.access_key)

    def _serve(self, info: RequestInfo, account_id: str, incoming: Incoming) -> WireResponse | None:
        rule = self.faults.take(info.service, info.operation, account_id, info.region)
        if rule is not None:
            code, status, query_code = rule.resolve(info.service or "", info.protocol)
            raise ApiError(code, rule.message, status, query_code=query_code)
        handler, op, params = self._handler(info, incoming)
        self.rates.check(info.service, info.operation, account_id, info.region)
        if self.enforcement.due():
            resource = "*"
            keys: dict[str, str] = {}
            if handler is not None and info.service == "sesv2":
                with self.store.lock:
                    state = self.store.region(account_id, info.region)
                    resource = sesv2_api.resource_arn(state, info.operation or "", params)
            elif info.service == "s3":
                s3 = s3_requests.describe(incoming.method, incoming.raw_path, incoming.query)
                resource, keys = s3.resource, dict(s3.keys)
            signed = SignedRequest(
                incoming.method, incoming.target, incoming.headers, incoming.body, incoming.source_ip
            )
            role_arn = incoming.form.get("RoleArn") if info.iam_action == "sts:AssumeRole" else None
            authorize(info, account_id, signed, resource, role_arn, keys)
        if handler is None or op is None:
            return None
        moto_bridge.mark_key_used(account_id, info.access_key, info.signing_name or "ses", info.region)
        with self.store.lock:
            state = self.store.region(account_id, info.region)
            return self._run(info, op, handler, state, params)

    def _handler(
        self, info: RequestInfo, incoming: Incoming
    ) -> tuple[
        Callable[[RegionState, dict[str, Any]], dict[str, Any]] | None, OperationModel | None, dict[str, Any]
    ]:
        if info.service == "sesv2" and info.operation in sesv2_api.HANDLERS:
            op = operation_model("sesv2", info.operation)
            return sesv2_api.HANDLERS[info.operation], op, self._rest_params(op, info, incoming)
        if info.service == "ses" and info.protocol is Protocol.QUERY and info.operation in sesv1_api.HANDLERS:
            op = operation_model("ses", info.operation)
            params = parse_query(op.input_shape, incoming.form)
            return sesv1_api.HANDLERS[info.operation], op, params
        if info.service == "iam" and info.operation in credential_report.OPERATIONS:
            name = info.operation
            op = operation_model("iam", name)
            return lambda state, _params: self.reports.answer(name, state.account_id), op, {}
        return None, None, {}

    @staticmethod
    def _rest_params(op: OperationModel, info: RequestInfo, incoming: Incoming) -> dict[str, Any]:
        try:
            params: dict[str, Any] = json.loads(incoming.body) if incoming.body.strip() else {}
        except ValueError as exc:
            raise ApiError("BadRequestException", "The request body is not valid JSON.") from exc
        if not isinstance(params, dict):
            raise ApiError("BadRequestException", "The request body must be a JSON object.")
        pairs = parse_qsl(incoming.query, keep_blank_values=True)
        query = dict(pairs)
        shape = op.input_shape
        for name, member in shape.members.items() if shape is not None else []:
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri" and wire_name in info.labels:
                params[name] = info.labels[wire_name]
            elif location == "querystring" and member.type_name == "list" and wire_name in query:
                params[name] = [value for key, value in pairs if key == wire_name]
            elif location == "querystring" and wire_name in query:
                raw = query[wire_name]
                params[name] = int(raw) if member.type_name in ("integer", "long") else raw
        if incoming.method == "GET" and op.http["method"] != "GET":
            for name in _LEGACY_LIST_QUERY:
                if name in query:
                    params[name] = int(query[name]) if name == "PageSize" else query[name]
        return params

    def _run(
        self,
        info: RequestInfo,
        op: OperationModel,
        handler: Callable[[RegionState, dict[str, Any]], dict[str, Any]],
        state: RegionState,
        params: dict[str, Any],
    ) -> WireResponse:
        try:
            document = handler(state, params)
        except ApiError:
            raise
        except Exception:
            detail = traceback.format_exc()
            log.error("handler %s failed:\n%s", op.name, detail)
            raise ApiError(
                "InternalFailure", f"{op.name} failed in the local endpoint: {detail}", 500
            ) from None
        if info.service == "sesv2":
            wire = to_wire_json(document)
            self._check(op, wire, output_errors(op, wire, "epoch"))
            return rest_json_response(wire)
        self._check(op, document, output_errors(op, document, "datetime", sesv1_api.OMITTED_REQUIRED))
        return query_response(op, document, _QUERY_NAMESPACES[info.service or "ses"])

    def _check(self, op: OperationModel, document: Any, errors: list[str]) -> None:
        if not errors:
            return
        message = f"{op.name} response does not match botocore's output shape: " + "; ".join(errors)
        self.validation_failures.append(message)
        log.error("%s (document: %r)", message, document)
        if self.strict:
            raise ApiError("ResponseShapeValidationError", message, 500)

    def error(self, info: RequestInfo, error: ApiError) -> WireResponse:
        """Render an error in the protocol the request came in."""
        query_code = (error.query_code or error.code) if query_compatible(info.service) else None
        return error_response(
            info.protocol,
            error.status,
            error.code,
            error.message,
            query_code=query_code,
            json_version=json_version(info.service),
        )

    # --- moto -----------------------------------------------------------------------------------

    def _moto(
        self, incoming: Incoming, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"] = status
            captured["headers"] = headers
            return lambda _data: None

        try:
            chunks = self.moto_app(environ, capture)
            try:
                body = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
        except NotImplementedError as exc:
            return _send(self._moto_failure(incoming, 501, "NotImplemented", str(exc)), start_response)
        except Exception as exc:
            log.exception("moto failed on %s %s", incoming.method, incoming.path)
            return _send(self._moto_failure(incoming, 500, "InternalFailure", repr(exc)), start_response)
        status = int(str(captured["status"]).split(" ", 1)[0])
        headers = dict(captured["headers"])
        fixed = self._fix_moto_error(incoming, status, headers, body)
        if fixed is not None:
            return _send(fixed, start_response)
        info = classify(incoming.method, incoming.raw_path, incoming.query, incoming.headers, incoming.form)
        errors = moto_output_errors(info, status, headers, body)
        if errors:
            self._moto_mismatch(info, errors)
        if info.service == "iam" and info.operation == iam_paging.OPERATION and status == 200:
            return _send(self._iam_page(info, incoming, headers, body), start_response)
        if info.service == "cloudwatch" and info.operation == alarm_paging.OPERATION and status == 200:
            paged = self._alarm_page(info, incoming, headers, body)
            if paged is not None:
                return _send(paged, start_response)
        start_response(captured["status"], captured["headers"])
        return [body]

    def _moto_mismatch(self, info: RequestInfo, errors: list[str]) -> None:
        """Record a moto answer that does not match botocore's output shape (see moto_shapes)."""
        message = f"moto's {info.service}:{info.operation} response does not match botocore's output shape: " + (
            "; ".join(errors)
        )
        self.validation_failures.append(message)
        log.error("%s", message)

    def _iam_page(self, info: RequestInfo, incoming: Incoming, headers: dict[str, str], body: bytes) -> WireResponse:
        op = operation_model("iam", iam_paging.OPERATION)
        full = create_parser("query").parse({"status_code": 200, "headers": headers, "body": body}, op.output_shape)
        try:
            document = iam_paging.page(incoming.form, full)
        except ApiError as error:
            return self.error(info, error)
        return query_response(op, document, _QUERY_NAMESPACES["iam"])

    def _alarm_page(
        self, info: RequestInfo, incoming: Incoming, headers: dict[str, str], body: bytes
    ) -> WireResponse | None:
        """The requested page of moto's complete DescribeAlarms answer, in the request's protocol."""
        protocol = {Protocol.QUERY: "query", Protocol.JSON: "json"}.get(info.protocol)
        if protocol is None:
            return None
        op = operation_model("cloudwatch", alarm_paging.OPERATION)
        full = create_parser(protocol).parse({"status_code": 200, "headers": headers, "body": body}, op.output_shape)
        try:
            document = alarm_paging.page(alarm_paging.request_params(protocol, incoming.form, incoming.body), full)
        except ApiError as error:
            return self.error(info, error)
        if protocol == "query":
            return query_response(op, document, _QUERY_NAMESPACES["cloudwatch"])
        return json_response(document, json_version("cloudwatch"))

    def _moto_failure(self, incoming: Incoming, status: int, code: str, detail: str) -> WireResponse:
        info = classify(incoming.method, incoming.raw_path, incoming.query, incoming.headers, incoming.form)
        what = f"{info.service}:{info.operation or incoming.method + ' ' + incoming.path}"
        message = f"moto {moto_bridge.moto_version()} failed on {what} (not emulated here): {detail}"
        return self.error(info, ApiError(code, message, status))

    def _fix_moto_error(
        self, incoming: Incoming, status: int, headers: dict[str, str], body: bytes
    ) -> WireResponse | None:
        """Re-render moto errors botocore cannot parse: HTML pages, XML errors to JSON clients."""
        if status < 400:
            return None
        info = classify(incoming.method, incoming.raw_path, incoming.query, incoming.headers, incoming.form)
        if info.service is None:
            return None
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if "html" in content_type or body.lstrip().lower().startswith((b"<!doctype", b"<html")):
            what = f"{info.service}:{info.operation or incoming.method + ' ' + incoming.path}"
            message = (
                f"moto {moto_bridge.moto_version()} does not implement {what} "
                "and the local endpoint does not emulate it"
            )
            return self.error(info, ApiError("NotImplemented", message, 501))
        if info.protocol in (Protocol.JSON, Protocol.CBOR, Protocol.REST_JSON) and body.lstrip().startswith(
            b"<"
        ):
            code, message = _xml_error(body)
            if code:
                return self.error(info, ApiError(code, message, status))
        return None


def _xml_error(body: bytes) -> tuple[str | None, str]:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None, ""
    code = next((el.text for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Code"), None)
    message = next((el.text for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Message"), None)
    return code, message or ""


def _send(response: WireResponse, start_response: Callable[..., Any]) -> list[bytes]:
    reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}
    headers = {**response.headers, "Content-Length": str(len(response.body))}
    start_response(f"{response.status} {reason.get(response.status, 'Status')}", list(headers.items()))
    return [response.body]
