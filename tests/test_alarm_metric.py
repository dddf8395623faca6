"""Which metric an alarm watches: only the metric scaled by a positive constant is the metric."""

from __future__ import annotations

import pytest

from sesguard.alarm_metric import MetricQuery, dimension_labels, watched_metric
from sesguard.model import Unknown, is_unknown

BOUNCE = MetricQuery(id="m1", namespace="AWS/SES", metric_name="Reputation.BounceRate", return_data=False)


def _watch(expression: str, threshold: float = 5.0, *extra: MetricQuery) -> dict[str, object]:
    queries = [MetricQuery(id="e1", expression=expression, return_data=True), BOUNCE, *extra]
    return watched_metric(None, None, None, queries, threshold, "alarm")


@pytest.mark.parametrize(
    ("expression", "threshold"),
    [("m1", 5.0), ("(m1)", 5.0), ("m1 * 100", 0.05), ("100 * m1", 0.05), ("100 * m1 / 2", 0.1),
     ("m1 / 0.01", 0.05), ("((m1) * 10) * 10", 0.05), ("m1*1e2", 0.05)],
)
def test_the_metric_scaled_by_a_positive_constant_is_the_metric(expression: str, threshold: float) -> None:
    watched = _watch(expression)
    assert (watched["namespace"], watched["metric_name"], watched["dimensions"], watched["expression"]) == (
        "AWS/SES", "Reputation.BounceRate", [], None)
    assert watched["threshold"] == threshold


@pytest.mark.parametrize(
    "expression",
    ["m1 * 0", "-m1", "0 - m1", "m1 + 0", "m1 * m1", "m1 / m1", "2 / m1", "FILL(m1, 0)", "m2", "m1 / 0",
     "ANOMALY_DETECTION_BAND(m1)", "m1 *", "(m1", "", "100"],
)
def test_anything_else_is_not_the_metric(expression: str) -> None:
    watched = _watch(expression)
    if expression == "":  # no expression at all: the returned query has no metric either
        assert watched["metric_name"] is None
        return
    assert watched["expression"] == expression
    assert watched["metric_name"] is None


def test_an_expression_of_an_expression_is_followed() -> None:
    outer = [MetricQuery(id="e2", expression="e1 * 10", return_data=True),
             MetricQuery(id="e1", expression="m1 * 10", return_data=False), BOUNCE]
    assert watched_metric(None, None, None, outer, 5.0, "a")["threshold"] == 0.05
    looping = [MetricQuery(id="e1", expression="e2", return_data=True), MetricQuery(id="e2", expression="e1")]
    assert is_unknown(watched_metric(None, None, None, looping, 5.0, "a")["metric_name"])


def test_a_dimensioned_metric_inside_the_expression_keeps_its_dimensions() -> None:
    per_set = MetricQuery(id="m1", namespace="AWS/SES", metric_name="Reputation.BounceRate",
                          dimensions=[{"Name": "ses:configuration-set", "Value": "mkt"}], return_data=False)
    queries = [MetricQuery(id="e1", expression="m1", return_data=True), per_set]
    assert watched_metric(None, None, None, queries, 0.05, "a")["dimensions"] == ["ses:configuration-set=mkt"]


def test_unknown_parts_stay_unknown_never_the_metric() -> None:
    unresolved = Unknown("Ref to parameter Expr without default")
    queries = [MetricQuery(id="e1", expression=unresolved, return_data=True), BOUNCE]
    assert is_unknown(watched_metric(None, None, None, queries, 0.05, "a")["metric_name"])
    which = [MetricQuery(id="e1", expression="m1", return_data=Unknown("r")), BOUNCE]
    assert is_unknown(watched_metric(None, None, None, which, 0.05, "a")["namespace"])
    two = [MetricQuery(id="e1", expression="m1", return_data=True), MetricQuery(id="m1", return_data=True)]
    assert is_unknown(watched_metric(None, None, None, two, 0.05, "a")["metric_name"])
    assert is_unknown(dimension_labels(unresolved))
    assert dimension_labels([{"Name": "ses:configuration-set", "Value": unresolved}]) == ["ses:configuration-set=?"]
    assert dimension_labels({"b": "2", "a": "1"}) == ["a=1", "b=2"]


def test_a_plain_metric_alarm() -> None:
    watched = watched_metric("AWS/SES", "Reputation.ComplaintRate", None, [], 0.001, "a")
    assert watched == {"namespace": "AWS/SES", "metric_name": "Reputation.ComplaintRate", "dimensions": [],
                       "expression": None, "threshold": 0.001}
