"""botocore service models, and validation of response documents against their output shapes."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Literal

import botocore.session
from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StringShape,
    StructureShape,
)

TimestampForm = Literal["epoch", "datetime"]

# Members that travel outside the body: the body validator does not expect them.
_NON_BODY_LOCATIONS = frozenset({"header", "headers", "statusCode"})


class ShapeValidationError(Exception):
    """A response document does not match the operation's output shape."""

    def __init__(self, operation: str, errors: list[str]) -> None:
        super().__init__(f"{operation}: response does not match its output shape: " + "; ".join(errors))
        self.operation = operation
        self.errors = errors


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def service_model(service: str) -> ServiceModel:
    """The botocore service model for a client name such as ``sesv2`` or ``ses``."""
    return _session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel:
    """The botocore operation model of ``service``'s ``operation`` (e.g. ``GetAccount``)."""
    return service_model(service).operation_model(operation)


def output_errors(
    op: OperationModel, document: Any, timestamps: TimestampForm, omitted: frozenset[str] = frozenset()
) -> list[str]:
    """Every mismatch between ``document`` and ``op``'s output shape (empty when it conforms).

    ``timestamps`` says how timestamps appear: ``epoch`` numbers on the rest-json wire,
    ``datetime`` objects in a document about to be rendered as XML. ``omitted`` names members the
    model calls required but AWS leaves out when unset.
    """
    errors: list[str] = []
    shape = op.output_shape
    if shape is None:
        if document not in (None, {}):
            errors.append("$: the operation has no output, got a document")
        return errors
    _Checker(timestamps, omitted, errors).check(shape, document, "$", top=True)
    return errors


def validate_output(
    op: OperationModel, document: Any, timestamps: TimestampForm, omitted: frozenset[str] = frozenset()
) -> None:
    """Raise :class:`ShapeValidationError` when ``document`` does not match ``op``'s output shape."""
    errors = output_errors(op, document, timestamps, omitted)
    if errors:
        raise ShapeValidationError(op.name, errors)


class _Checker:
    def __init__(self, timestamps: TimestampForm, omitted: frozenset[str], errors: list[str]) -> None:
        self.timestamps = timestamps
        self.omitted = omitted
        self.errors = errors

    def check(self, shape: Shape, value: Any, path: str, top: bool = False) -> None:
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            self.structure(shape, value, path, top)
        elif kind == "list":
            assert isinstance(shape, ListShape)
            if not isinstance(value, list):
                self.errors.append(f"{path}: expected a list, got {type(value).__name__}")
                return
            for i, item in enumerate(value):
                self.check(shape.member, item, f"{path}[{i}]")
        elif kind == "map":
            assert isinstance(shape, MapShape)
            if not isinstance(value, dict):
                self.errors.append(f"{path}: expected a map, got {type(value).__name__}")
                return
            for key, item in value.items():
                self.check(shape.key, key, f"{path}.<key>")
                self.check(shape.value, item, f"{path}[{key!r}]")
        else:
            self.scalar(shape, value, path)

    def structure(self, shape: StructureShape, value: Any, path: str, top: bool) -> None:
        if not isinstance(value, dict):
            self.errors.append(f"{path}: expected an object, got {type(value).__name__}")
            return
        members = {
            name: member
            for name, member in shape.members.items()
            if not (top and member.serialization.get("location") in _NON_BODY_LOCATIONS)
        }
        for key in value:
            if key not in members:
                self.errors.append(f"{path}: unknown member {key!r}")
        for name in shape.required_members:
            if name in members and name not in self.omitted and value.get(name) is None:
                self.errors.append(f"{path}.{name}: required member missing")
        for name, member in members.items():
            if value.get(name) is not None:
                self.check(member, value[name], f"{path}.{name}")

    def scalar(self, shape: Shape, value: Any, path: str) -> None:
        kind = shape.type_name
        ok: bool
        if kind == "string":
            ok = isinstance(value, str)
            enum = shape.enum if isinstance(shape, StringShape) else []
            if ok and enum and value not in enum:
                self.errors.append(f"{path}: {value!r} is not one of {list(enum)}")
                return
        elif kind == "boolean":
            ok = isinstance(value, bool)
        elif kind in ("integer", "long"):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind in ("float", "double"):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif kind == "timestamp":
            if self.timestamps == "epoch":
                ok = isinstance(value, int | float) and not isinstance(value, bool)
            else:
                ok = isinstance(value, dt.datetime)
        elif kind == "blob":
            ok = isinstance(value, str | bytes)
        else:
            ok = True
        if not ok:
            self.errors.append(f"{path}: expected {kind}, got {type(value).__name__} {value!r}")
