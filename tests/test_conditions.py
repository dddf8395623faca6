"""The condition language: three-valued logic, operators, quantifiers, parameters, sources."""

from __future__ import annotations

from typing import Any

import pytest

from sesguard.conditions import Context, evaluate
from sesguard.model import Unknown

CTX = Context(params={"limit": 0.05, "types": ["BOUNCE", "COMPLAINT"]}, source="cfn")


def value(condition: dict[str, Any], data: dict[str, Any], ctx: Context = CTX) -> bool | None:
    return evaluate(condition, data, ctx).value


@pytest.mark.parametrize(
    ("condition", "data", "expected"),
    [
        ({"path": "a", "op": "eq", "value": 1}, {"a": 1}, True),
        ({"path": "a", "op": "eq", "value": 1}, {"a": 2}, False),
        ({"path": "a", "op": "eq", "value": 1}, {}, None),  # not provided by the source
        ({"path": "a", "op": "eq", "value": 1}, {"a": Unknown("x")}, None),
        ({"path": "a", "op": "lt", "value": {"param": "limit"}}, {"a": 0.01}, True),
        ({"path": "a", "op": "lt", "value": {"param": "limit"}}, {"a": 0.05}, False),
        ({"path": "a", "op": "lt", "value": 1}, {"a": "text"}, None),
        ({"path": "a", "op": "contains_all", "value": {"param": "types"}}, {"a": ["BOUNCE"]}, False),
        (
            {"path": "a", "op": "contains_all", "value": ["bounce"], "ignore_case": True},
            {"a": ["BOUNCE"]},
            True,
        ),
        ({"path": "a", "op": "empty"}, {"a": []}, True),
        ({"path": "a", "op": "empty"}, {"a": None}, True),
        ({"path": "a", "op": "is_true"}, {"a": None}, False),
        ({"path": "a.b", "op": "exists"}, {"a": {"b": 1}}, True),
        ({"path": "a", "op": "contains", "value": "X"}, {"a": ["X", Unknown("y")]}, True),  # more can only add
        ({"path": "a", "op": "contains", "value": "Z"}, {"a": ["X", Unknown("y")]}, None),
        ({"path": "a", "op": "contains_all", "value": ["X"]}, {"a": ["x", Unknown("y")]}, None),
        ({"path": "a", "op": "contains_all", "value": ["x"], "ignore_case": True}, {"a": ["X", Unknown("y")]}, True),
        ({"path": "a", "op": "empty"}, {"a": ["X", Unknown("y")]}, False),
        ({"path": "a", "op": "empty"}, {"a": [Unknown("y")]}, None),
        ({"path": "a", "op": "not_contains", "value": "X"}, {"a": ["X", Unknown("y")]}, False),
        ({"path": "a", "op": "eq", "value": ["X"]}, {"a": ["X", Unknown("y")]}, None),
    ],
)
def test_leaf(condition: dict[str, Any], data: dict[str, Any], expected: bool | None) -> None:
    assert value(condition, data) is expected


T = {"path": "t", "op": "is_true"}
F = {"path": "f", "op": "is_true"}
U = {"path": "u", "op": "is_true"}
DATA = {"t": True, "f": False, "u": Unknown("unresolved")}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"all": [T, T]}, True),
        ({"all": [T, F]}, False),
        ({"all": [T, U]}, None),
        ({"all": [F, U]}, False),  # false wins over unknown in a conjunction
        ({"any": [F, T]}, True),
        ({"any": [F, U]}, None),
        ({"any": [U, T]}, True),
        ({"not": T}, False),
        ({"not": U}, None),
    ],
)
def test_three_valued_combinations(condition: dict[str, Any], expected: bool | None) -> None:
    assert value(condition, DATA) is expected


def test_quantifiers_over_lists() -> None:
    alarms = {"alarms": [{"m": "Bounce", "t": 0.1}, {"m": "Bounce", "t": 0.04}]}
    some = {
        "some": {
            "path": "alarms",
            "where": {
                "all": [
                    {"path": "m", "op": "eq", "value": "Bounce"},
                    {"path": "t", "op": "le", "value": {"param": "limit"}},
                ]
            },
        }
    }
    every = {"every": {"path": "alarms", "where": {"path": "t", "op": "le", "value": {"param": "limit"}}}}
    none = {"none": {"path": "alarms", "where": {"path": "t", "op": "gt", "value": 1}}}
    assert value(some, alarms) is True
    assert value(every, alarms) is False
    assert value(none, alarms) is True
    assert value(some, {"alarms": []}) is False
    assert value(every, {"alarms": []}) is True
    assert value(some, {"alarms": Unknown("denied")}) is None
    assert value(some, {"alarms": [{"m": "Bounce", "t": Unknown("x")}]}) is None


def test_only_sources_is_neutral_elsewhere() -> None:
    condition = {"all": [T, {"path": "status", "op": "eq", "value": "SUCCESS", "only_sources": ["live"]}]}
    assert value(condition, {"t": True}) is True
    assert value(condition, {"t": True, "status": "PENDING"}, Context({}, "live")) is False


def test_failure_explains_observed_and_expected() -> None:
    outcome = evaluate(
        {"path": "tls", "op": "eq", "value": "REQUIRE", "describe": "TLS policy"}, {"tls": "OPTIONAL"}, CTX
    )
    assert outcome.reasons == ["TLS policy: 'OPTIONAL'; expected 'REQUIRE'"]
