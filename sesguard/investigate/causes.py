"""Ranking the causes of bounces and complaints from the evidence, never beyond it.

A *cause* is a segment (configuration set, campaign tag, identity, From domain, recipient domain or
ISP) that holds a larger share of the hard bounces (or complaints) than of the sends, with the
figures that show it and the source they come from. When the evidence cannot support a
conclusion, :func:`rank` says what is missing instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from .suppression import SuppressionEvidence
from .tally import NONE, OTHER, Detail, Tally
from .vdm import TOTAL, VdmEvidence

ARCHIVE_DIMENSIONS = (
    ("configuration_set", "configuration set"),
    ("campaign", "campaign tag"),
    ("identity", "identity"),
    ("from_domain", "From domain"),
    ("recipient_domain", "recipient domain"),
)
VDM_DIMENSIONS = (("CONFIGURATION_SET", "configuration set"), ("EMAIL_IDENTITY", "identity"), ("ISP", "ISP"))
KIND_NAMES: Final = {
    "hard_bounce": "hard bounces",
    "complaint": "complaints",
    "soft_bounce": "transient bounces",
}
VDM_METRIC: Final = {
    "hard_bounce": "PERMANENT_BOUNCE",
    "complaint": "COMPLAINT",
    "soft_bounce": "TRANSIENT_BOUNCE",
}
MIN_EVENTS = 5  # below this many bounces (or complaints) a share says nothing
MIN_LIFT = 0.10  # a segment is a cause when its share of the problem exceeds its share of sends by this
CONFIDENT_EVENTS = 50  # with fewer bounces (or complaints) than this, a cause ranks lower in proportion
SENDER_DIMENSIONS = frozenset(
    {"configuration_set", "identity", "from_domain", "CONFIGURATION_SET", "EMAIL_IDENTITY"}
)
PROVIDER_DIMENSIONS = (("recipient_domain", "recipient domain"),)
VDM_TWIN: Final = {"CONFIGURATION_SET": "configuration_set", "EMAIL_IDENTITY": "identity"}


@dataclass
class Cause:
    """One ranked cause with its figures and where they come from."""

    kind: str  # hard_bounce | complaint | soft_bounce | list_import
    dimension: str
    value: str
    share: float  # of the kind's events in the window
    statement: str
    source: str  # archive | vdm | suppression | archive+suppression
    score: float
    figures: dict[str, Any] = field(default_factory=dict)
    rank: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rank": self.rank, "kind": self.kind, "dimension": self.dimension, "value": self.value,
            "share": round(self.share, 4), "statement": self.statement, "source": self.source,
            "figures": self.figures,
        }  # fmt: skip


def pct(value: float) -> str:
    """A share as a percentage for prose (``78%``, ``0.4%``)."""
    scaled = value * 100
    return f"{scaled:.0f}%" if scaled >= 10 or scaled == 0 else f"{scaled:.1f}%"


def _segment_causes(
    kind: str, source: str, dims: tuple[tuple[str, str], ...], count: Any, totals: tuple[int, int],
) -> list[Cause]:  # fmt: skip
    """The over-represented segment of each dimension; ``count(dim, kind) -> [(value, n)]``."""
    problem_total, send_total = totals
    if problem_total < MIN_EVENTS:
        return []
    found = []
    for dimension, label in dims:
        for value, n in count(dimension, kind)[:3]:
            if value in (OTHER,) or n == 0:
                continue
            share = n / problem_total
            sends = dict(count(dimension, "send")).get(value, 0)
            send_share = sends / send_total if send_total else None
            lift = share - send_share if send_share is not None else None
            if share < 0.25 or (lift is not None and lift < MIN_LIFT):
                continue
            figures: dict[str, Any] = {"count": n, "of": problem_total, "share": round(share, 4)}
            shown = "untagged mail" if value == NONE and dimension == "campaign" else f"{label} `{value}`"
            if value == NONE and dimension != "campaign":
                shown = f"mail without a {label}"
            text = f"{pct(share)} of {KIND_NAMES[kind]} ({n} of {problem_total}) came from {shown}"
            if send_share is not None and sends:
                rate = n / sends
                figures.update(sends=sends, send_share=round(send_share, 4), rate=round(rate, 5))
                text += f", which sent {pct(send_share)} of the mail (its rate: {pct(rate)})"
            score = share * (lift if lift is not None else 0.5) * min(1.0, problem_total / CONFIDENT_EVENTS)
            found.append(Cause(kind, dimension, value, share, text, source, score, figures))
    return found


def _archive_count(tally: Tally) -> Any:
    def count(dimension: str, kind: str) -> list[tuple[str, int]]:
        return list(tally.values(dimension, kind))

    return count


def _vdm_count(vdm: VdmEvidence) -> Any:
    def count(dimension: str, kind: str) -> list[tuple[str, int]]:
        metric = "SEND" if kind == "send" else VDM_METRIC[kind]
        pairs = [(v, vdm.total(dimension, v, metric)) for v in vdm.values(dimension)]
        return sorted(((v, n) for v, n in pairs if n), key=lambda p: (-p[1], p[0]))

    return count


def _details_within(tally: Tally, cause: Cause) -> list[Detail]:
    key = {"configuration_set": "configuration_set", "identity": "identity", "from_domain": "from_domain",
           "recipient_domain": "recipient_domain", "campaign": "campaign"}[cause.dimension]  # fmt: skip
    out = []
    for detail, n in tally.details.items():
        if detail.kind != cause.kind:
            continue
        value = getattr(detail, key)
        if (cause.dimension == "campaign" and cause.value in value.split(",")) or value == cause.value:
            out.extend([detail] * n)
    return out


def _enrich(tally: Tally, cause: Cause, cohort: dict[str, Any] | None) -> None:
    """Add what is inside the segment: subtypes, codes, recipient domains, campaign, cohort."""
    inside = _details_within(tally, cause)
    if not inside:
        return
    total = len(inside)
    parts = []
    if cause.dimension != "campaign":
        campaigns = Counter(d.campaign for d in inside).most_common(1)
        if campaigns and campaigns[0][0] != NONE and campaigns[0][1] / total >= 0.5:
            parts.append(f"campaign tag `{campaigns[0][0]}` ({pct(campaigns[0][1] / total)})")
            cause.figures["campaign"] = {"value": campaigns[0][0], "share": round(campaigns[0][1] / total, 4)}
    subtype, n = Counter(d.subtype for d in inside).most_common(1)[0]
    parts.append(f"{pct(n / total)} `{subtype}`")
    cause.figures["subtype"] = {"value": subtype, "share": round(n / total, 4)}
    code, n_code = Counter(d.code for d in inside).most_common(1)[0]
    if code and code != "unknown":
        cause.figures["code"] = {"value": code, "share": round(n_code / total, 4)}
    if cohort and cause.kind == "hard_bounce":
        segment = set(inside)
        inside_keys = [d for d in tally.hard_bounced.values() if d in segment]
        new = [d for d in inside_keys if d in cohort["_new_details"]]
        if inside_keys:
            share_new = len(new) / len(inside_keys)
            cause.figures["first_sent_on_or_after"] = {"day": cohort["day"], "share": round(share_new, 4)}
            parts.append(f"{pct(share_new)} to addresses first sent to on or after {cohort['day']}")
    if cause.dimension != "recipient_domain":
        domains = Counter(d.recipient_domain for d in inside).most_common(2)
        names = " and ".join(d for d, _ in domains)
        cause.figures["recipient_domains"] = [{"value": d, "share": round(c / total, 4)} for d, c in domains]
        parts.append(f"{names} dominate" if len(domains) > 1 else f"all to {names}")
    cause.statement += "; " + "; ".join(parts)


def cohort(tally: Tally) -> dict[str, Any] | None:
    """The day most first-time recipients appeared, if it stands out, and who bounced since then."""
    if not tally.first_sent or tally.tracking_stopped:
        return None
    per_day = Counter(tally.first_sent.values())
    first = min(per_day)
    candidates = {d: n for d, n in per_day.items() if d > first + 1}  # the first days are all "new"
    if not candidates:
        return None
    day = max(sorted(candidates), key=lambda d: candidates[d])
    others = [n for d, n in per_day.items() if d not in (day, first)]
    median = statistics.median(others) if others else 0
    if candidates[day] < max(3 * median, MIN_EVENTS):
        return None
    bounced = tally.hard_bounced
    new_keys = {k for k, d in tally.first_sent.items() if d >= day}
    new_bounced = {k for k in bounced if k in new_keys}
    known = [k for k in bounced if k in tally.first_sent]
    recipients_new = len(new_keys)
    recipients_old = len(tally.first_sent) - recipients_new
    return {
        "day": dt.date.fromordinal(day).isoformat(),
        "new_recipients": candidates[day],
        "median_new_per_day": median,
        "hard_bounced_recipients": len(known),
        "hard_bounced_new": len(new_bounced),
        "share": (len(new_bounced) / len(known)) if known else 0.0,
        "bounce_rate_new": (len(new_bounced) / recipients_new) if recipients_new else 0.0,
        "bounce_rate_before": ((len(known) - len(new_bounced)) / recipients_old) if recipients_old else 0.0,
        "_new_details": {bounced[k] for k in new_bounced},
    }


def _import_cause(found: dict[str, Any], suppression: SuppressionEvidence | None) -> Cause | None:
    if found["hard_bounced_recipients"] < MIN_EVENTS or found["share"] < 0.5:
        return None
    text = (
        f"List import: {found['new_recipients']} addresses were sent to for the first time on {found['day']} "
        f"(median {found['median_new_per_day']:g} a day otherwise); {pct(found['share'])} of the hard-bounced "
        f"recipients ({found['hard_bounced_new']} of {found['hard_bounced_recipients']}) were first sent to on or "
        f"after that day, a bounce rate of {pct(found['bounce_rate_new'])} against {pct(found['bounce_rate_before'])} "
        "for addresses mailed before"
    )
    figures = {k: v for k, v in found.items() if not k.startswith("_")}
    source = "archive"
    jump = suppression.jump() if suppression is not None and suppression.status == "ok" else None
    if jump is not None and jump[1] >= max(3 * jump[2], MIN_EVENTS):
        text += f"; BOUNCE suppressions jumped on {jump[0]} ({jump[1]} added, median {jump[2]:g} a day)"
        figures["suppression_jump"] = {"day": jump[0], "added": jump[1], "median_per_day": jump[2]}
        source = "archive+suppression"
    score = found["share"] * max(found["bounce_rate_new"] - found["bounce_rate_before"], 0) * 10
    return Cause(
        "list_import", "first_sent", found["day"], found["share"], text, source, min(score, 1.0), figures
    )


def _suppression_cause(suppression: SuppressionEvidence) -> Cause | None:
    jump = suppression.jump()
    total = suppression.totals.get("BOUNCE", 0)
    if jump is None or total < MIN_EVENTS or jump[1] < max(3 * jump[2], MIN_EVENTS):
        return None
    domains = Counter({d: n for (r, d), n in suppression.domains.items() if r == "BOUNCE"}).most_common(2)
    text = (
        f"BOUNCE suppressions jumped on {jump[0]}: {jump[1]} addresses added that day ({pct(jump[1] / total)} of "
        f"the window's {total}), median {jump[2]:g} a day otherwise: the signature of a bad list import"
    )
    if domains:
        text += "; " + " and ".join(d for d, _ in domains) + " dominate"
    figures = {"day": jump[0], "added": jump[1], "median_per_day": jump[2], "window_total": total,
               "recipient_domains": [{"value": d, "count": n} for d, n in domains]}  # fmt: skip
    return Cause(
        "list_import", "suppression_added", jump[0], jump[1] / total, text, "suppression", 0.2, figures
    )


def _merge_twins(causes: list[Cause]) -> list[Cause]:
    """One cause for sender segments that are the same mail (a set used by one identity only...)."""
    kept: list[Cause] = []
    for cause in causes:
        twin = next(
            (k for k in kept if k.kind == cause.kind and k.source == cause.source
             and k.dimension in SENDER_DIMENSIONS and cause.dimension in SENDER_DIMENSIONS
             and k.figures.get("count") == cause.figures.get("count")
             and k.figures.get("sends") == cause.figures.get("sends")),
            None,
        )  # fmt: skip
        if twin is None:
            kept.append(cause)
            continue
        label = _label(cause.dimension)
        twin.figures.setdefault("same_mail_as", []).append(
            {"dimension": cause.dimension, "value": cause.value}
        )
        marker = f"`{twin.value}`"
        extra = f"{label} `{cause.value}`"
        if "(the same mail as " in twin.statement:
            twin.statement = twin.statement.replace("(the same mail as ", f"(the same mail as {extra}, ", 1)
        else:
            twin.statement = twin.statement.replace(marker, f"{marker} (the same mail as {extra})", 1)
    return kept


def _label(dimension: str) -> str:
    return dict(ARCHIVE_DIMENSIONS + VDM_DIMENSIONS).get(dimension, dimension)


def _corroborate(causes: list[Cause]) -> list[Cause]:
    """Fold a VDM cause into the archive cause about the same segment: one cause, two sources."""
    kept: list[Cause] = []
    for cause in causes:
        if cause.source == "vdm":
            names = {(VDM_TWIN.get(cause.dimension), cause.value)}
            names |= {
                (VDM_TWIN.get(str(t["dimension"])), str(t["value"]))
                for t in cause.figures.get("same_mail_as", [])
            }
            twin = next(
                (k for k in kept + causes if k.source == "archive" and k.kind == cause.kind
                 and ({(k.dimension, k.value)} | {(str(t["dimension"]), str(t["value"])) for t in k.figures.get("same_mail_as", [])}) & names),
                None,
            )  # fmt: skip
            if twin is not None:
                twin.figures["vdm"] = {"count": cause.figures["count"], "of": cause.figures["of"]}
                twin.statement += f"; VDM agrees: {cause.figures['count']} of {cause.figures['of']} {KIND_NAMES[cause.kind]}"
                twin.source = "archive+vdm"
                continue
        kept.append(cause)
    return kept


@dataclass
class Ranking:
    """The ranked causes and what the evidence could not tell."""

    causes: list[Cause]
    missing: list[str]
    cohort: dict[str, Any] | None


def rank(tally: Tally | None, vdm: VdmEvidence | None, suppression: SuppressionEvidence | None) -> Ranking:
    """Causes from every source, best first, with what is missing."""
    causes: list[Cause] = []
    missing: list[str] = []
    found_cohort = None
    if tally is None:
        missing.append(
            "no event archive was given (--events): no per-campaign, per-subtype or per-recipient-domain breakdown"
        )
    else:
        sends = tally.totals["send"]
        counted = sum(tally.totals.values())
        if not counted:
            pass  # nothing counted: run.py says why (no records, unreadable, all outside the window)
        elif not sends:
            missing.append(
                "the event archive holds no Send events: shares only, no per-segment rates and no list-import analysis"
            )
        for kind in ("hard_bounce", "complaint", "soft_bounce"):
            total = tally.totals[kind]
            if total < MIN_EVENTS:
                if kind != "soft_bounce" and counted:
                    missing.append(
                        f"the event archive holds {total} {KIND_NAMES[kind]} in the window: too few to attribute"
                    )
                continue
            # transient bounces say something about a mailbox provider (throttling, blocking), not the list
            dims = PROVIDER_DIMENSIONS if kind == "soft_bounce" else ARCHIVE_DIMENSIONS
            causes += _segment_causes(kind, "archive", dims, _archive_count(tally), (total, sends))
        found_cohort = cohort(tally)
        if found_cohort is not None:
            cause = _import_cause(found_cohort, suppression)
            if cause is not None:
                causes.append(cause)
        if tally.tracking_stopped:
            missing.append("too many distinct recipients to track first sends: list-import analysis not done")
    if vdm is None or vdm.status in ("off", "error", "not read"):
        missing.append(f"no VDM metrics: {vdm.reason if vdm is not None and vdm.reason else 'not read'}")
    else:
        sends = vdm.total(*TOTAL, "SEND")
        for kind in ("hard_bounce", "complaint"):
            problems = vdm.total(*TOTAL, VDM_METRIC[kind])
            causes += _segment_causes(kind, "vdm", VDM_DIMENSIONS, _vdm_count(vdm), (problems, sends))
        if vdm.query_errors:
            missing.append(
                "VDM answered some queries with errors: "
                + ", ".join(f"{c} x{n}" for c, n in sorted(vdm.query_errors.items()))
            )
    if suppression is None or suppression.status != "ok":
        missing.append(
            f"suppression list not read: {suppression.reason if suppression is not None else 'not read'}"
        )
    elif not any(c.kind == "list_import" and "suppression" in c.source for c in causes):
        cause = _suppression_cause(suppression)
        if cause is not None:
            causes.append(cause)
    causes.sort(key=lambda c: (-c.score, -c.share, c.kind, c.dimension, c.value))
    causes = _corroborate(_merge_twins(causes))
    for cause in causes:
        if tally is not None and cause.source == "archive" and cause.kind in ("hard_bounce", "complaint"):
            _enrich(tally, cause, found_cohort)
    for position, cause in enumerate(causes, 1):
        cause.rank = position
    if not causes:
        missing.append(
            "no segment stands out: the problem is spread evenly over what was sent (look at list hygiene as a whole)"
        )
    return Ranking(causes, missing, found_cohort)
