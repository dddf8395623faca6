"""What metric a CloudWatch alarm watches, the same way for every source.

An alarm watches either one metric (``Namespace``/``MetricName``/``Dimensions``) or the result of a
list of metric queries (metric-math). SES-MON-001/002 ask for an alarm on the **account-level**
reputation metric: no dimensions, and no expression unless the expression provably is that metric.
An expression is recognised only when it is the metric scaled by a positive constant (``m1``,
``(m1)``, ``m1 * 100``, ``100 * m1 / 2``): the alarm then fires exactly when the metric crosses the
threshold divided by that factor, so the fact's ``threshold`` is given on the metric's own scale. Any
other expression (``m1 * 0``, ``-m1``, ``FILL(m1, 0)``, ``m1 + m2``, ``ANOMALY_DETECTION_BAND(m1)``)
is kept as ``expression`` and does not count as the metric.

The sources map their own spelling onto :class:`MetricQuery` and call :func:`watched_metric`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sesguard.model import Unknown, is_unknown

_TOKEN: Final = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(?P<id>[a-z][A-Za-z0-9_]*)|(?P<op>[*/()]))")
_MAX_DEPTH: Final = 8
SES_NAMESPACE: Final = "AWS/SES"


@dataclass(frozen=True)
class MetricQuery:
    """One entry of an alarm's metric queries, whatever the source called its fields."""

    id: Any
    expression: Any = None
    namespace: Any = None
    metric_name: Any = None
    dimensions: Any = field(default_factory=list)
    return_data: Any = None  # True / False / None (not set) / Unknown


def dimension_labels(pairs: Any) -> Any:
    """``Name=Value`` strings of a dimension list or map (Unknown parts shown as ``?``); Unknown stays."""
    if is_unknown(pairs):
        return pairs
    if pairs is None:
        return []
    if isinstance(pairs, Mapping):
        items: Iterable[tuple[Any, Any]] = pairs.items()
    elif isinstance(pairs, list):
        items = [
            (p.get("Name", p.get("name")), p.get("Value", p.get("value"))) if isinstance(p, Mapping) else (p, None)
            for p in pairs
        ]
    else:
        return Unknown(f"dimensions {pairs!r} are not a list")
    return sorted(f"{'?' if is_unknown(k) else k}={'?' if is_unknown(v) else v}" for k, v in items)


def _scale_of(expression: str) -> tuple[str, float] | None:
    """``(metric id, factor)`` when the expression is one id times/over positive constants, else None."""
    tokens: list[tuple[str, str]] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    parser = _Product(tokens)
    result = parser.product()
    if result is None or parser.index != len(tokens):
        return None
    ident, factor = result
    if ident is None or not factor > 0:
        return None
    return ident, factor


class _Product:
    """A tiny recursive-descent reader of ``factor (('*'|'/') factor)*`` with one metric id."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def product(self) -> tuple[str | None, float] | None:
        first = self.factor()
        if first is None:
            return None
        ident, factor = first
        while (token := self._peek()) is not None and token[1] in {"*", "/"}:
            self.index += 1
            other = self.factor()
            if other is None:
                return None
            if other[0] is not None and (ident is not None or token[1] == "/"):
                return None  # two metrics, or a metric in a denominator: not a scaled metric
            if token[1] == "/" and other[1] == 0:
                return None
            ident = ident or other[0]
            factor = factor * other[1] if token[1] == "*" else factor / other[1]
        return ident, factor

    def factor(self) -> tuple[str | None, float] | None:
        token = self._peek()
        if token is None:
            return None
        self.index += 1
        kind, text = token
        if kind == "num":
            return None, float(text)
        if kind == "id":
            following = self._peek()
            return None if following is not None and following[1] == "(" else (text, 1.0)
        if text == "(":
            inner = self.product()
            closing = self._peek()
            if inner is None or closing is None or closing[1] != ")":
                return None
            self.index += 1
            return inner
        return None


def reads_ses(namespace: Any, queries: Any) -> bool:
    """Whether an alarm reads a metric of the ``AWS/SES`` namespace (itself or in a metric query)."""
    found = [namespace] + [q.namespace for q in queries if isinstance(q, MetricQuery)] if isinstance(
        queries, list) else [namespace]
    return SES_NAMESPACE in found


def _returned(queries: list[MetricQuery], where: str) -> MetricQuery | Unknown | None:
    """The query whose result the alarm watches (the one with ReturnData true; AWS's default is true)."""
    if any(is_unknown(q.return_data) for q in queries):
        return Unknown(f"{where}: which metric query the alarm watches (ReturnData) cannot be resolved")
    chosen = [q for q in queries if q.return_data is True] or [q for q in queries if q.return_data is None]
    if len(queries) == 1:
        return queries[0]
    return chosen[0] if len(chosen) == 1 else None


def watched_metric(
    namespace: Any, metric_name: Any, dimensions: Any, queries: Any, threshold: Any, where: str
) -> dict[str, Any]:
    """The alarm fact's ``namespace``, ``metric_name``, ``dimensions``, ``expression`` and ``threshold``."""
    if is_unknown(queries):
        return {"namespace": queries, "metric_name": queries, "dimensions": queries, "expression": None,
                "threshold": threshold}
    if not queries:
        return {"namespace": namespace, "metric_name": metric_name, "dimensions": dimension_labels(dimensions),
                "expression": None, "threshold": threshold}
    by_id = {q.id: q for q in queries if isinstance(q.id, str)}
    target = _returned(list(queries), where)
    if target is None:
        unclear = Unknown(f"{where}: no single metric query returns the alarm's data")
        return {"namespace": unclear, "metric_name": unclear, "dimensions": unclear, "expression": None,
                "threshold": threshold}
    factor = 1.0
    for _ in range(_MAX_DEPTH):
        if is_unknown(target):
            return {"namespace": target, "metric_name": target, "dimensions": target, "expression": None,
                    "threshold": threshold}
        assert isinstance(target, MetricQuery)
        expression = target.expression
        if expression is None or expression == "":
            break
        if is_unknown(expression):
            return {"namespace": expression, "metric_name": expression, "dimensions": expression,
                    "expression": expression, "threshold": threshold}
        scaled = _scale_of(str(expression))
        if scaled is None or scaled[0] not in by_id:
            return {"namespace": None, "metric_name": None, "dimensions": [], "expression": str(expression),
                    "threshold": threshold}
        factor *= scaled[1]
        target = by_id[scaled[0]]
    else:
        loop = Unknown(f"{where}: metric-math expressions refer to each other too deeply")
        return {"namespace": loop, "metric_name": loop, "dimensions": loop, "expression": None, "threshold": threshold}
    if isinstance(threshold, float) and factor != 1.0:
        threshold = round(threshold / factor, 12)
    return {"namespace": target.namespace, "metric_name": target.metric_name,
            "dimensions": dimension_labels(target.dimensions), "expression": None, "threshold": threshold}


def alarm_entry(
    name: Any,
    watched: Mapping[str, Any],
    comparison: Any,
    actions: Any,
    actions_enabled: Any,
    where: tuple[Any, Any] | None = None,
) -> dict[str, Any]:
    """One entry of the account's ``alarms`` (``docs/model.md``), the same keys from every source:
    ``watched`` is :func:`watched_metric`'s answer, ``where`` the alarm's ``(file, line)`` in a template."""
    entry = {"name": name, **watched, "comparison": comparison, "actions": actions, "actions_enabled": actions_enabled}
    if where is not None:
        entry["file"], entry["line"] = where
    return entry
