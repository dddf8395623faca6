"""``investigation.html``: daily rates by dimension against the review lines, one self-contained page.

Bounce rates (hard bounces / sends) are drawn against 2% (recommended ceiling), 5% (review) and
10% (sending may be paused); complaint rates against 0.1% (review) and 0.5% (pause). Charts are
inline SVG: no script, no network, prints as it shows.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sesguard.atomic import write_text_atomic

FILENAME = "investigation.html"
BOUNCE_LINES = ((0.02, "2% recommended"), (0.05, "5% review"), (0.10, "10% pause"))
COMPLAINT_LINES = ((0.001, "0.1% review"), (0.005, "0.5% pause"))
MAX_SERIES = 6
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
_W, _H, _PAD = 640, 220, 44


def _series_from_archive(
    source: Mapping[str, Any], problem: str
) -> dict[str, list[tuple[str, float | None]]]:
    by_dimension: dict[str, list[tuple[str, int, dict[str, dict[str, int]]]]] = {}
    for item in source.get("daily") or []:
        days = item["days"]
        sends = sum(d.get("send", 0) for d in days.values())
        by_dimension.setdefault(item["dimension"], []).append((item["value"], sends, days))
    out: dict[str, list[tuple[str, float | None]]] = {}
    for dimension, items in by_dimension.items():
        for value, sends, days in sorted(items, key=lambda i: -i[1])[:MAX_SERIES]:
            if not sends:
                continue
            out[f"{dimension}: {value}"] = [
                (day, (d.get(problem, 0) / d["send"]) if d.get("send") else None)
                for day, d in sorted(days.items())
            ]
    return out


def _series_from_vdm(source: Mapping[str, Any], metric: str) -> dict[str, list[tuple[str, float | None]]]:
    table: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
    for item in source.get("daily") or []:
        table.setdefault((item["dimension"], item["value"]), {})[item["metric"]] = item["days"]
    out: dict[str, list[tuple[str, float | None]]] = {}
    ranked = sorted(table.items(), key=lambda kv: -sum((kv[1].get("SEND") or {}).values()))
    for (dimension, value), metrics in ranked[: MAX_SERIES * 3]:
        sends = metrics.get("SEND") or {}
        problems = metrics.get(metric) or {}
        if not sum(sends.values()):
            continue
        out[f"{dimension}: {value}"] = [
            (day, (problems.get(day, 0) / n) if n else None) for day, n in sorted(sends.items())
        ]
    return out


def _chart(
    title: str, series: Mapping[str, Sequence[tuple[str, float | None]]], lines: Sequence[tuple[float, str]]
) -> str:
    days = sorted({d for points in series.values() for d, _ in points})
    if not days:
        return f"<h4>{html.escape(title)}</h4><p class='none'>No data.</p>"
    peak = max([v for points in series.values() for _, v in points if v is not None] + [lines[-1][0]])
    top = peak * 1.15
    span = max(len(days) - 1, 1)

    def x(day: str) -> float:
        return _PAD + (_W - 2 * _PAD) * days.index(day) / span

    def y(value: float) -> float:
        return _H - _PAD + -(_H - 2 * _PAD) * value / top

    parts = [f"<svg viewBox='0 0 {_W} {_H}' role='img' aria-label='{html.escape(title)}'>"]
    parts.append(f"<line x1='{_PAD}' y1='{_H - _PAD}' x2='{_W - _PAD}' y2='{_H - _PAD}' class='axis'/>")
    for value, label in lines:
        parts.append(
            f"<line x1='{_PAD}' y1='{y(value):.1f}' x2='{_W - _PAD}' y2='{y(value):.1f}' class='limit'/>"
        )
        parts.append(
            f"<text x='{_W - _PAD + 2}' y='{y(value) + 4:.1f}' class='limit-label'>{html.escape(label)}</text>"
        )
    for index, (name, points) in enumerate(series.items()):
        color = _COLORS[index % len(_COLORS)]
        coords = [f"{x(d):.1f},{y(v):.1f}" for d, v in points if v is not None]
        if coords:
            parts.append(f"<polyline fill='none' stroke='{color}' stroke-width='2' points='{' '.join(coords)}'>"
                         f"<title>{html.escape(name)}</title></polyline>")  # fmt: skip
    parts.append(f"<text x='{_PAD}' y='{_H - 8}' class='tick'>{days[0]}</text>")
    parts.append(f"<text x='{_W - _PAD}' y='{_H - 8}' class='tick' text-anchor='end'>{days[-1]}</text>")
    parts.append("</svg>")
    legend = "".join(
        f"<li><span style='background:{_COLORS[i % len(_COLORS)]}'></span>{html.escape(name)}</li>"
        for i, name in enumerate(series)
    )
    return f"<h4>{html.escape(title)}</h4>{''.join(parts)}<ul class='legend'>{legend}</ul>"


def _section(result: Mapping[str, Any]) -> str:
    window = result["window"]
    head = f"{result['account_id']} / {result['region']}: {window['start']} to {window['end']}"
    out = [f"<section><h2>{html.escape(head)}</h2><h3>Causes</h3><ol>"]
    out += [
        f"<li>{html.escape(c['statement'])} <em>({html.escape(c['source'])})</em></li>"
        for c in result["causes"]
    ]
    out.append("</ol>")
    if result["missing"]:
        out.append("<h3>What the evidence could not show</h3><ul>")
        out += [f"<li>{html.escape(m)}</li>" for m in result["missing"]]
        out.append("</ul>")
    sources = result.get("sources") or {}
    vdm = sources.get("vdm")
    if vdm and vdm.get("status") == "ok":
        out.append("<h3>VDM metrics, daily</h3>")
        out.append(
            _chart(
                "Bounce rate (PERMANENT_BOUNCE / SEND)",
                _series_from_vdm(vdm, "PERMANENT_BOUNCE"),
                BOUNCE_LINES,
            )
        )
        out.append(
            _chart("Complaint rate (COMPLAINT / SEND)", _series_from_vdm(vdm, "COMPLAINT"), COMPLAINT_LINES)
        )
    archive = sources.get("archive")
    if archive:
        out.append("<h3>Event archive, daily (per recipient)</h3>")
        out.append(_chart("Hard bounce rate", _series_from_archive(archive, "hard_bounce"), BOUNCE_LINES))
        out.append(_chart("Complaint rate", _series_from_archive(archive, "complaint"), COMPLAINT_LINES))
    suppression = sources.get("suppression")
    if suppression and suppression.get("daily"):
        out.append(
            "<h3>Suppression list additions</h3><table><tr><th>day</th><th>reason</th><th>added</th></tr>"
        )
        out += [
            f"<tr><td>{d['day']}</td><td>{html.escape(d['reason'])}</td><td>{d['added']}</td></tr>"
            for d in suppression["daily"]
        ]
        out.append("</table>")
    out.append("</section>")
    return "".join(out)


_CSS = """body{font:14px system-ui,sans-serif;margin:2em;color:#222}svg{width:100%;max-width:640px;height:auto}
.axis{stroke:#888}.limit{stroke:#c00;stroke-dasharray:4 3}.limit-label,.tick{font-size:10px;fill:#555}
.legend{list-style:none;padding:0}.legend li{display:inline-block;margin-right:1em}
.legend span{display:inline-block;width:10px;height:10px;margin-right:4px}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:2px 6px}section{page-break-inside:avoid}"""


def render(results: Sequence[Mapping[str, Any]]) -> str:
    """The whole page."""
    body = "".join(_section(r) for r in results) or "<p>No investigation.</p>"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>sesguard investigation</title>"
        f"<style>{_CSS}</style></head><body><h1>Where the bounces and complaints come from</h1>{body}</body></html>\n"
    )


def write(results: Sequence[Mapping[str, Any]], report_dir: Path) -> Path:
    """Write ``investigation.html`` into ``report_dir``."""
    return write_text_atomic(render(results), report_dir / FILENAME)
