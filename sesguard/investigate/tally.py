"""Counting events per recipient, by dimension and day, in one pass with bounded memory.

Dimensions are those the review question is about: configuration set, sending identity, From
domain, the user's own campaign tags (``mail.tags`` other than ``ses:*``), and recipient domain.
Distinct values per dimension are capped (the rest are counted under ``(other)``), and the
per-recipient first-send map used to find list imports is capped too; reaching a cap is reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from .events import Event

KINDS = ("send", "delivery", "hard_bounce", "soft_bounce", "suppressed_bounce", "complaint")
DIMENSIONS = ("configuration_set", "identity", "from_domain", "campaign", "recipient_domain")
OTHER = "(other)"
NONE = "(none)"
MAX_VALUES_PER_DIMENSION = 5_000
MAX_TRACKED_RECIPIENTS = 2_000_000
MAX_SEGMENTS = 200_000  # distinct (set, identity, From domain, tags, day, kind) combinations kept


def domain_of(address: str) -> str:
    """The lower-cased domain of an address (the part after the last ``@``)."""
    return address.rpartition("@")[2].strip().strip(">").lower() or "(no domain)"


def salted_hash(address: str, salt: bytes) -> str:
    """A recipient as ``<16 hex>@domain``: the local part hashed with the run's salt."""
    digest = hashlib.blake2b(address.lower().encode(), key=salt[:64], digest_size=8).hexdigest()
    return f"{digest}@{domain_of(address)}"


@dataclass(frozen=True)
class Detail:
    """One hard bounce or complaint recipient, with the segment it belongs to (for breakdowns)."""

    kind: str
    configuration_set: str
    identity: str
    from_domain: str
    campaign: str
    recipient_domain: str
    subtype: str
    code: str


@dataclass
class Tally:
    """Per-recipient counts of one archive over one window."""

    start: dt.date
    end: dt.date
    totals: Counter[str] = field(default_factory=Counter)
    details: Counter[Detail] = field(default_factory=Counter)
    overflowed: set[str] = field(default_factory=set)
    first_sent: dict[int, int] = field(default_factory=dict)  # recipient key -> first send day (ordinal)
    hard_bounced: dict[int, Detail] = field(default_factory=dict)
    tracking_stopped: bool = False
    salt: bytes | None = None  # set to list the most frequent problem recipients as salted hashes
    recipients: Counter[str] = field(default_factory=Counter)
    outside_window: int = 0
    ignored_types: Counter[str] = field(default_factory=Counter)
    # (configuration set, identity, From domain, campaign tags, day, kind) -> recipients: one update per
    # event; the per-dimension views are rolled up from it when read.
    _segments: Counter[tuple[str | None, str | None, str | None, tuple[tuple[str, str], ...], str, str]] = (
        field(default_factory=Counter)
    )
    _recipient_domains: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, domain)
    _rollup: tuple[dict[str, Counter[tuple[str, str]]], Counter[tuple[str, str, str, str]]] | None = None
    _seen_values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _ordinals: dict[str, int] = field(default_factory=dict)
    _start_text: str = ""
    _end_text: str = ""

    def __post_init__(self) -> None:
        self._start_text = self.start.isoformat()
        self._end_text = self.end.isoformat()

    def _value(self, dimension: str, value: str) -> str:
        seen = self._seen_values[dimension]
        if value in seen:
            return value
        if len(seen) >= MAX_VALUES_PER_DIMENSION:
            self.overflowed.add(dimension)
            return OTHER
        seen.add(value)
        return value

    def add(self, event: Event) -> None:
        """Count one event, once per recipient."""
        day = event.day
        if not self._start_text <= day <= self._end_text:
            self.outside_window += 1
            return
        kind = event.kind
        recipients = event.recipients
        self.totals[kind] += len(recipients)
        key = (event.configuration_set, event.identity, event.from_domain, event.campaign, day, kind)
        segments = self._segments
        if key not in segments and len(segments) >= MAX_SEGMENTS:
            self.overflowed.add("segments")
            key = (OTHER, OTHER, OTHER, ((OTHER, OTHER),), day, kind)
        segments[key] += len(recipients)
        self._rollup = None
        for index, address in enumerate(recipients):
            rdomain = self._value("recipient_domain", domain_of(address))
            self._recipient_domains[(kind, rdomain)] += 1
            if kind == "send" or kind == "delivery":
                self._first_send(address, event.sent_day)
            elif kind == "hard_bounce" or kind == "complaint":
                self._problem(event, address, rdomain, index)

    def _problem(self, event: Event, address: str, rdomain: str, index: int) -> None:
        campaign = ",".join(f"{k}={v}" for k, v in event.campaign) or NONE
        detail = Detail(
            event.kind,
            self._value("configuration_set", event.configuration_set or NONE),
            self._value("identity", event.identity or NONE),
            self._value("from_domain", event.from_domain or NONE),
            self._value("campaign", campaign),
            rdomain,
            event.subtype or "not given",
            event.codes[index] if index < len(event.codes) else "",
        )
        self.details[detail] += 1
        if event.kind == "hard_bounce":
            self.hard_bounced.setdefault(hash(address.lower()), detail)
        if self.salt is not None:
            self.recipients[salted_hash(address, self.salt)] += 1

    def _first_send(self, address: str, day: str) -> None:
        key = hash(address.lower())
        ordinal = self._ordinals.get(day)
        if ordinal is None:
            ordinal = self._ordinals[day] = dt.date.fromisoformat(day).toordinal()
        known = self.first_sent.get(key)
        if known is None:
            if len(self.first_sent) >= MAX_TRACKED_RECIPIENTS:
                self.tracking_stopped = True
                return
            self.first_sent[key] = ordinal
        elif ordinal < known:
            self.first_sent[key] = ordinal

    def _rolled_up(self) -> tuple[dict[str, Counter[tuple[str, str]]], Counter[tuple[str, str, str, str]]]:
        if self._rollup is not None:
            return self._rollup
        by_value: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        daily: Counter[tuple[str, str, str, str]] = Counter()
        for (config_set, identity, from_domain, campaign, day, kind), n in self._segments.items():
            values = [
                ("configuration_set", self._value("configuration_set", config_set or NONE)),
                ("identity", self._value("identity", identity or NONE)),
                ("from_domain", self._value("from_domain", from_domain or NONE)),
            ]
            values += [("campaign", self._value("campaign", f"{k}={v}")) for k, v in campaign] or [
                ("campaign", NONE)
            ]
            for dimension, value in values:
                by_value[kind][(dimension, value)] += n
                daily[(dimension, value, day, kind)] += n
            daily[("account", "all", day, kind)] += n
        for (kind, domain), n in self._recipient_domains.items():
            by_value[kind][("recipient_domain", domain)] += n
        self._rollup = (by_value, daily)
        return self._rollup

    @property
    def by_value(self) -> dict[str, Counter[tuple[str, str]]]:
        """kind -> (dimension, value) -> recipients."""
        return self._rolled_up()[0]

    @property
    def daily(self) -> Counter[tuple[str, str, str, str]]:
        """(dimension, value, day, kind) -> recipients."""
        return self._rolled_up()[1]

    def values(self, dimension: str, kind: str) -> Iterator[tuple[str, int]]:
        """(value, count) of ``kind`` for each value of ``dimension``, largest first."""
        counter = self.by_value.get(kind) or Counter()
        pairs = [(value, n) for (dim, value), n in counter.items() if dim == dimension]
        yield from sorted(pairs, key=lambda p: (-p[1], p[0]))

    def count(self, dimension: str, value: str, kind: str) -> int:
        """How many ``kind`` recipients had ``dimension`` = ``value``."""
        return (self.by_value.get(kind) or Counter())[(dimension, value)]

    def days(self) -> list[str]:
        """Every day of the window, oldest first."""
        span = (self.end - self.start).days
        return [(self.start + dt.timedelta(days=i)).isoformat() for i in range(span + 1)]
