"""The demo's planted incident: a list import in eu-west-1 that drove the 6% bounce rate.

One population of sends is generated (deterministically) and shown consistently in all three
places ``sesguard investigate`` reads: VDM metrics (daily counts by identity, configuration set and
ISP), the suppression list (each hard-bounced address added on its bounce day), and a
Firehose-style S3 archive of the SES events (one gzip object of JSON lines per day).

Healthy sending: transactional mail from ``legacy-byod.example.net`` (``eu-transactional``) and a
weekly newsletter from ``shop.example.net`` (``eu-marketing``, tag ``campaign=weekly-news``) to
existing subscribers. The incident: on :data:`IMPORT_DAYS_AGO` days ago an imported list was mailed
through ``eu-marketing`` with the tag ``campaign=spring-import`` over two days; most of it does not
exist any more (``NoEmail``), and gmail.com and yahoo.com dominate it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

from sesguard.investigate import synth
from sesguard.investigate.policy import for_archive

from .client import DEFAULT_ACCOUNT_ID, AdminClient
from .clients import ClientFactory

REGION = "eu-west-1"
BUCKET = "shop-ses-events"
PREFIX = "firehose/"
DAYS = 13  # the days before today with sending (the look-back window is 14 days, ending today)
IMPORT_DAYS_AGO = 5
IMPORT_TAG = ("campaign", "spring-import")
_DOMAINS = (("gmail.com", 40), ("yahoo.com", 22), ("outlook.com", 14), ("hotmail.com", 6),
            ("web.example.de", 9), ("mail.example.org", 9))  # fmt: skip
_IMPORT_DOMAINS = (("gmail.com", 50), ("yahoo.com", 34), ("outlook.com", 8), ("mail.example.org", 8))
_ISP: Final = {"gmail.com": "Gmail", "yahoo.com": "Yahoo", "outlook.com": "Hotmail", "hotmail.com": "Hotmail"}


@dataclass(frozen=True)
class Incident:
    """What was planted, so tests can check that the investigation finds it."""

    events_url: str
    import_day: str
    sends: int
    hard_bounces: int
    planted_hard_bounces: int  # of them, from the imported list
    complaints: int
    records: int

    @property
    def planted_share(self) -> float:
        """The share of the window's hard bounces the import caused."""
        return self.planted_hard_bounces / self.hard_bounces


@dataclass(frozen=True)
class _Stream:
    name: str
    identity: str
    configuration_set: str
    tags: dict[str, str]
    hard: float
    soft: float
    complaint: float


_TRANSACTIONAL = _Stream("tx", "legacy-byod.example.net", "eu-transactional", {}, 0.004, 0.006, 0.0003)
_NEWSLETTER = _Stream(
    "news", "shop.example.net", "eu-marketing", {"campaign": "weekly-news"}, 0.008, 0.01, 0.001
)
_IMPORT = _Stream("import", "shop.example.net", "eu-marketing", dict([IMPORT_TAG]), 0.19, 0.02, 0.008)


def _pick(rng: random.Random, weights: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([d for d, _ in weights], [w for _, w in weights])[0]


class _Population:
    """Every send of the window, and its outcome, as SES events, VDM counts and suppressions."""

    def __init__(self, today: dt.date) -> None:
        self.rng = random.Random(11)
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.vdm: Counter[tuple[str, str, str, str, str]] = Counter()  # day, metric, identity, set, isp
        self.suppressed: list[dict[str, str]] = []
        self.counts: Counter[str] = Counter()
        self.subscribers = [f"s{i}@{_pick(self.rng, _DOMAINS)}" for i in range(100)]
        self.customers: list[str] = []
        for back in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            self._day(day, back)

    def _day(self, day: dt.date, back: int) -> None:
        for _ in range(20):
            self.customers.append(f"c{len(self.customers)}@{_pick(self.rng, _DOMAINS)}")
        sample = self.rng.sample(self.customers, min(len(self.customers), 120))
        self._send(day, _TRANSACTIONAL, sample)
        self._send(day, _NEWSLETTER, self.subscribers)
        if back in (IMPORT_DAYS_AGO, IMPORT_DAYS_AGO - 1):
            start = 500 * (IMPORT_DAYS_AGO - back)
            imported = [f"i{start + i}@{_pick(self.rng, _IMPORT_DOMAINS)}" for i in range(500)]
            self._send(day, _IMPORT, imported)

    def _send(self, day: dt.date, stream: _Stream, recipients: list[str]) -> None:
        out = self.records.setdefault(day.isoformat(), [])
        for address in recipients:
            hour = self.rng.randint(7, 20)
            when = f"{day.isoformat()}T{hour:02d}:{self.rng.randint(0, 59):02d}:00.000Z"
            later = f"{day.isoformat()}T{hour:02d}:59:30.000Z"
            common: dict[str, Any] = {"identity": stream.identity, "configuration_set": stream.configuration_set,
                      "tags": stream.tags, "message_id": uuid.UUID(int=self.rng.getrandbits(128)).hex,
                      "region": REGION, "account_id": DEFAULT_ACCOUNT_ID, "sent": when}  # fmt: skip
            isp = _ISP.get(address.rpartition("@")[2], "Other")
            self._count(day, "SEND", stream, isp)
            self.counts["send"] += 1
            out.append(synth.event("Send", when, [address], **common))
            roll = self.rng.random()
            if roll < stream.hard:
                subtype = "NoEmail" if stream is _IMPORT and self.rng.random() < 0.9 else "General"
                out.append(synth.event("Bounce", later, [address], bounce_subtype=subtype, **common))
                self._count(day, "PERMANENT_BOUNCE", stream, isp)
                self.counts["hard_bounce"] += 1
                self.counts["planted"] += stream is _IMPORT
                self.suppressed.append({"email": address, "reason": "BOUNCE", "last_update_time": later})
                self._drop(address)  # suppressed: not mailed again
                continue
            if roll < stream.hard + stream.soft:
                out.append(synth.event("Bounce", later, [address], bounce_type="Transient",
                                       bounce_subtype="MailboxFull", status="4.2.2", **common))  # fmt: skip
                self._count(day, "TRANSIENT_BOUNCE", stream, isp)
                continue
            if self.rng.random() < stream.complaint:
                if stream is _TRANSACTIONAL:  # only eu-transactional publishes complaints to the archive
                    out.append(synth.event("Complaint", later, [address], **common))
                self._count(day, "COMPLAINT", stream, isp)
                self.counts["complaint"] += 1

    def _drop(self, address: str) -> None:
        for pool in (self.subscribers, self.customers):
            if address in pool:
                pool.remove(address)

    def _count(self, day: dt.date, metric: str, stream: _Stream, isp: str) -> None:
        self.vdm[(day.isoformat(), metric, stream.identity, stream.configuration_set, isp)] += 1


def _event_destinations(clients: ClientFactory) -> None:
    """Publish sends and bounces to the archive's Firehose stream (not complaints: SES-CS-001 still fails)."""
    sesv2 = clients.client("sesv2", REGION)
    stream = f"arn:aws:firehose:{REGION}:{DEFAULT_ACCOUNT_ID}:deliverystream/ses-events"
    role = f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/ses-firehose"
    for config_set, types in (
        ("eu-marketing", ["SEND", "BOUNCE"]),
        ("eu-transactional", ["SEND"]),
    ):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=config_set,
            EventDestinationName="archive-to-firehose",
            EventDestination={"Enabled": True, "MatchingEventTypes": types,
                              "KinesisFirehoseDestination": {"IamRoleArn": role, "DeliveryStreamArn": stream}},
        )  # fmt: skip
    sesv2.put_account_vdm_attributes(
        VdmAttributes={"VdmEnabled": "ENABLED", "DashboardAttributes": {"EngagementMetrics": "DISABLED"}}
    )


def build_incident(
    url: str, now: dt.datetime | None = None, auditor: str | None = None, clients: ClientFactory | None = None
) -> Incident:
    """Plant the incident in the demo account on the endpoint at ``url``.

    ``auditor`` (an IAM user) is given ``sesguard investigate``'s policy for the archive, so the
    demo proves that policy is enough. ``clients``: the demo builder's (one boto3 session for all).
    """
    today = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
    population = _Population(today)
    clients = clients or ClientFactory(url)
    _event_destinations(clients)
    if auditor is not None:
        clients.client("iam", REGION).put_user_policy(
            UserName=auditor,
            PolicyName="sesguard-investigate",
            PolicyDocument=json.dumps(for_archive(f"s3://{BUCKET}/{PREFIX}")),
        )
    admin = AdminClient(url)
    admin.load_vdm_metrics(
        [{"day": d, "metric": m, "email_identity": i, "configuration_set": c, "isp": isp, "count": n}
         for (d, m, i, c, isp), n in sorted(population.vdm.items())],
        region=REGION,
    )  # fmt: skip
    admin.load_suppressed(population.suppressed, region=REGION)
    s3 = clients.client("s3", REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    total = 0
    for day, records in sorted(population.records.items()):
        stamp = day.replace("-", "/")
        key = f"{PREFIX}{stamp}/10/ses-events-1-{day}-10-00-00-{uuid.UUID(int=len(records)).hex[:8]}"
        s3.put_object(Bucket=BUCKET, Key=key, Body=gzip.compress(synth.json_lines(records), compresslevel=1))
        total += len(records)
    counts = population.counts
    return Incident(
        events_url=f"s3://{BUCKET}/{PREFIX}",
        import_day=(today - dt.timedelta(days=IMPORT_DAYS_AGO)).isoformat(),
        sends=counts["send"],
        hard_bounces=counts["hard_bounce"],
        planted_hard_bounces=counts["planted"],
        complaints=counts["complaint"],
        records=total,
    )
