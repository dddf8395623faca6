"""One investigation of one account and region: read every source, count, rank, describe."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import archive, events
from .causes import Ranking, rank
from .errors import error_code
from .suppression import SuppressionEvidence, read_suppression
from .tally import Tally
from .vdm import VdmEvidence, read_vdm

DEFAULT_LOOKBACK_DAYS = 14  # the reputation policies' look-back window (SES-REP-001/002)


@dataclass(frozen=True)
class Window:
    """The days investigated, [start, end] inclusive, in UTC."""

    start: dt.date
    end: dt.date

    @classmethod
    def ending(cls, now: dt.datetime, days: int) -> Window:
        """The ``days`` days ending today."""
        if days < 1:
            raise ValueError("the window must be at least one day")
        today = now.astimezone(dt.UTC).date()
        return cls(today - dt.timedelta(days=days - 1), today)

    @property
    def start_time(self) -> dt.datetime:
        """Midnight UTC of the first day."""
        return dt.datetime.combine(self.start, dt.time(), dt.UTC)

    @property
    def end_time(self) -> dt.datetime:
        """Midnight UTC after the last day."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), dt.UTC)


@dataclass
class ArchiveResult:
    """The event archive: what was read, what was skipped, what was counted."""

    source: str
    stats: archive.ReadStats
    tally: Tally
    not_events: Counter[str] = field(default_factory=Counter)


@dataclass
class Investigation:
    """Everything one investigation found."""

    account_id: str
    region: str
    window: Window
    archive: ArchiveResult | None
    vdm: VdmEvidence | None
    suppression: SuppressionEvidence | None
    ranking: Ranking
    show_recipients: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``investigation.json``): figures only, never a recipient address."""
        out: dict[str, Any] = {
            "account_id": self.account_id,
            "region": self.region,
            "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
            "causes": [c.as_dict() for c in self.ranking.causes],
            "missing": list(self.ranking.missing),
            "sources": {},
        }
        if self.archive is not None:
            stats, tally = self.archive.stats, self.archive.tally
            out["sources"]["archive"] = {
                "source": self.archive.source,
                "objects": stats.objects,
                "compressed_objects": stats.compressed_objects,
                "bytes_read": stats.bytes_read,
                "records": stats.records,
                "skipped": dict(sorted(stats.skipped.items())),
                "not_ses_events": dict(sorted(self.archive.not_events.items())),
                "other_event_types": dict(sorted(tally.ignored_types.items())),
                "outside_window": tally.outside_window,
                "problems": stats.problems[:50],
                "counted_recipients": dict(sorted(tally.totals.items())),
                "capped_dimensions": sorted(tally.overflowed),
                "daily": _daily(tally),
            }
            if self.show_recipients:
                out["sources"]["archive"]["top_problem_recipients"] = [
                    {"recipient": r, "count": n} for r, n in tally.recipients.most_common(20)
                ]
        if self.vdm is not None:
            out["sources"]["vdm"] = {
                "status": self.vdm.status,
                "reason": self.vdm.reason,
                "calls": self.vdm.calls,
                "query_errors": dict(self.vdm.query_errors),
                "notes": self.vdm.notes,
                "daily": [
                    {"dimension": d, "value": v, "metric": m, "days": dict(sorted(days.items()))}
                    for (d, v, m), days in sorted(self.vdm.series.items())
                ],
            }
        if self.suppression is not None:
            out["sources"]["suppression"] = {
                "status": self.suppression.status,
                "reason": self.suppression.reason,
                "pages": self.suppression.pages,
                "added": dict(self.suppression.totals),
                "daily": [
                    {"day": d, "reason": r, "added": n}
                    for (d, r), n in sorted(self.suppression.daily.items())
                ],
            }
        if self.ranking.cohort is not None:
            out["cohort"] = {k: v for k, v in self.ranking.cohort.items() if not k.startswith("_")}
        return out


def _daily(tally: Tally) -> list[dict[str, Any]]:
    series: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
    for (dimension, value, day, kind), n in tally.daily.items():
        series.setdefault((dimension, value), {}).setdefault(day, {})[kind] = n
    return [
        {"dimension": d, "value": v, "days": dict(sorted(days.items()))}
        for (d, v), days in sorted(series.items())
    ]


def count_records(
    records: Iterable[Any], tally: Tally, not_events: Counter[str], stats: archive.ReadStats
) -> None:
    """Parse and count every record; what is not a counted SES event is counted by reason."""
    for record in records:
        try:
            parsed = events.parse(record)
        except events.NotAnEvent as error:
            not_events[error.reason] += 1
            continue
        if isinstance(parsed, str):
            tally.ignored_types[parsed] += 1
            continue
        tally.add(parsed)


def read_archive(
    source: str, window: Window, s3: Any | None, show_recipients: bool = False,
) -> ArchiveResult:  # fmt: skip
    """Stream and count the event archive at ``source`` (a path or ``s3://bucket/prefix``)."""
    stats = archive.ReadStats(source=source)
    tally = Tally(window.start, window.end, salt=secrets.token_bytes(16) if show_recipients else None)
    result = ArchiveResult(source, stats, tally)
    records: Iterator[Any]
    if archive.is_s3(source):
        if s3 is None:
            stats.problems.append(f"{source}: no S3 client")
            return result
        records = archive.s3_records(s3, source, stats)
    else:
        records = archive.local_records(Path(os.path.expanduser(source)), stats)
    count_records(records, tally, result.not_events, stats)
    return result


@dataclass
class Options:
    """What to investigate."""

    region: str
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    events: str | None = None
    vdm: bool = True
    suppression: bool = True
    show_recipients: bool = False
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def investigate(session: Any, options: Options) -> Investigation:
    """Investigate one region with a boto3 ``session`` (read-only calls only)."""
    window = Window.ending(options.now, options.lookback_days)
    account_id = "unknown"
    try:
        account_id = str(session.client("sts", region_name=options.region).get_caller_identity()["Account"])
    except Exception as error:
        account_id = f"unknown ({error_code(error)})"
    sesv2 = (
        session.client("sesv2", region_name=options.region) if options.vdm or options.suppression else None
    )
    vdm = read_vdm(sesv2, window.start_time, window.end_time) if options.vdm else None
    suppression = read_suppression(sesv2, window.start_time, window.end_time) if options.suppression else None
    found = None
    if options.events:
        s3 = session.client("s3", region_name=options.region) if archive.is_s3(options.events) else None
        found = read_archive(options.events, window, s3, options.show_recipients)
    ranking = rank(found.tally if found else None, vdm, suppression)
    if found is not None:
        _archive_notes(found, ranking)
    return Investigation(
        account_id, options.region, window, found, vdm, suppression, ranking, options.show_recipients
    )


def _archive_notes(found: ArchiveResult, ranking: Ranking) -> None:
    stats = found.stats
    skipped = sum(stats.skipped.values()) + sum(found.not_events.values())
    if stats.problems:
        ranking.missing.insert(
            0,
            f"the event archive could not be read in full: {len(stats.problems)} problem(s), first: {stats.problems[0]}",
        )
    if skipped:
        reasons = Counter(stats.skipped) + found.not_events
        listed = "; ".join(f"{n} {r}" for r, n in reasons.most_common(5))
        ranking.missing.append(f"{skipped} archive record(s) skipped: {listed}")
    if stats.records == 0 and not stats.problems:
        ranking.missing.insert(0, f"the event archive at {found.source} holds no records")
    elif not sum(found.tally.totals.values()):
        ranking.missing.insert(
            0,
            f"the event archive holds no SES events in the window ({found.tally.outside_window} outside it)",
        )
