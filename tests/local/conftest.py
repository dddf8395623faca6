"""One endpoint per test session, reset before every test; every SES response checked against botocore."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sesguard.local import LocalEndpoint, sesv1_api, sesv2_api
from sesguard.local.shapes import output_errors

ClientFactory = Callable[..., Any]


class ShapeChecker:
    """Collects mismatches between what the endpoint sent and botocore's output shapes."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def raw(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        """SES v2: check the JSON exactly as it came over the wire (timestamps as epoch numbers)."""
        name = operation_model.name
        if operation_model.service_model.service_name != "sesv2" or name not in sesv2_api.HANDLERS:
            return
        if response_dict["status_code"] != 200:
            return
        document = json.loads(response_dict["body"] or b"{}")
        self.errors += [f"{name}: {e}" for e in output_errors(operation_model, document, "epoch")]

    def parsed(self, model: Any, parsed: dict[str, Any], http_response: Any, **_: Any) -> None:
        """SES v1: check the parsed XML of the operations the endpoint serves itself."""
        if model.service_model.service_name != "ses" or model.name not in sesv1_api.HANDLERS:
            return
        if http_response.status_code != 200:
            return
        document = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        errors = output_errors(model, document, "datetime", sesv1_api.OMITTED_REQUIRED)
        self.errors += [f"{model.name}: {e}" for e in errors]


@pytest.fixture(scope="session")
def endpoint(endpoint_server: LocalEndpoint) -> LocalEndpoint:
    """The session's endpoint (tests/conftest.py)."""
    return endpoint_server


@pytest.fixture
def shapes() -> ShapeChecker:
    """The shape checker of the current test."""
    return ShapeChecker()


@pytest.fixture
def ep(endpoint: LocalEndpoint, shapes: ShapeChecker) -> Iterator[LocalEndpoint]:
    """The endpoint, fresh; fails the test if any response did not match botocore's shapes."""
    endpoint.reset()
    yield endpoint
    assert endpoint.validation_failures() == []
    assert shapes.errors == []


@pytest.fixture
def client(ep: LocalEndpoint, shapes: ShapeChecker) -> ClientFactory:
    """Make boto3 clients pointed at the endpoint, with response shape checks attached."""

    def make(service: str, region: str = "us-east-1", **kwargs: Any) -> Any:
        made = ep.client(service, region, **kwargs)
        made.meta.events.register("before-parse", shapes.raw)
        made.meta.events.register("after-call", shapes.parsed)
        return made

    return make
