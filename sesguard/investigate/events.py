"""One SES event record, as SES publishes it, reduced to what the investigation counts.

Two documented formats are read, and may be mixed in one archive:

- *event publishing* (configuration set event destinations: Firehose, SNS, EventBridge's
  ``detail``): ``{"eventType": "Bounce", "bounce": {...}, "mail": {...}}``
  (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-firehose-contents.html);
- *notifications* (identity feedback notifications through SNS):
  ``{"notificationType": "Bounce", ...}``
  (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html), bare or still in the SNS
  envelope (``{"Type": "Notification", "Message": "<the JSON as a string>"}``).

Counting is per recipient, as AWS counts the reputation rates: a send to three addresses is three
sends, a bounce lists the recipients that bounced.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

# Event types that carry a rate's numerator or denominator; others are counted as "other type".
COUNTED_TYPES = frozenset({"Send", "Delivery", "Bounce", "Complaint"})
KNOWN_OTHER_TYPES = frozenset(
    {"Reject", "Open", "Click", "Rendering Failure", "DeliveryDelay", "Subscription", "Received"}
)
# A bounce AWS generates because the address is on the account-level suppression list: SES does
# not count it in VDM's PERMANENT_BOUNCE (botocore's sesv2 model, BatchGetMetricDataQuery.Metric).
ACCOUNT_SUPPRESSED_SUBTYPE = "OnAccountSuppressionList"
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_REPLY = re.compile(r"\b([245]\d\d)\b")


@dataclass(frozen=True, slots=True)
class Event:
    """One counted SES event. ``recipients`` are raw addresses: never write them anywhere."""

    kind: str  # send | delivery | hard_bounce | soft_bounce | suppressed_bounce | complaint
    day: str  # YYYY-MM-DD (UTC) of the event
    sent_day: str  # YYYY-MM-DD (UTC) the message was sent
    recipients: tuple[str, ...]
    configuration_set: str | None
    identity: str | None
    from_domain: str | None
    campaign: tuple[tuple[str, str], ...]  # the user's own message tags (not ``ses:*``)
    subtype: str | None = None  # bounce subtype or complaint feedback type
    codes: tuple[str, ...] = ()  # per recipient: "550 5.1.1" style codes, never the free text


class _Sent(NamedTuple):
    """What every event says about the message it is about."""

    sent_day: str
    configuration_set: str | None
    identity: str | None
    from_domain: str | None
    campaign: tuple[tuple[str, str], ...]


class NotAnEvent(ValueError):
    """A record that is not a usable SES event; ``reason`` says why (counted, never printed raw)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unwrap(record: Any) -> dict[str, Any]:
    """The SES payload of a record: itself, the ``Message`` of an SNS envelope, or EventBridge's ``detail``."""
    if not isinstance(record, dict):
        raise NotAnEvent("not a JSON object")
    if record.get("Type") == "Notification" and "Message" in record:
        message = record["Message"]
        if not isinstance(message, str):
            raise NotAnEvent("SNS envelope whose Message is not a string")
        try:
            inner = json.loads(message)
        except ValueError:
            raise NotAnEvent("SNS envelope whose Message is not JSON") from None
        if not isinstance(inner, dict):
            raise NotAnEvent("SNS envelope whose Message is not a JSON object")
        return inner
    if record.get("Type") in ("SubscriptionConfirmation", "UnsubscribeConfirmation"):
        raise NotAnEvent("SNS subscription message, not an SES event")
    detail = record.get("detail")
    if "eventType" not in record and "notificationType" not in record and isinstance(detail, dict):
        return detail
    return record


def event_type(payload: dict[str, Any]) -> str:
    """``eventType`` (event publishing) or ``notificationType`` (notifications)."""
    kind = payload.get("eventType", payload.get("notificationType"))
    if not isinstance(kind, str) or not kind:
        raise NotAnEvent("no eventType or notificationType (not an SES event)")
    return kind


def _day(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) < 10 or value[4] != "-" or value[7] != "-":
        raise NotAnEvent(f"{what} is missing or not an ISO 8601 timestamp")
    return value[:10]


def _addresses(items: Any, what: str) -> tuple[str, ...]:
    if not isinstance(items, list) or not items:
        raise NotAnEvent(f"{what} is missing or empty")
    out = []
    for item in items:
        address = item.get("emailAddress") if isinstance(item, dict) else item
        if not isinstance(address, str) or "@" not in address:
            raise NotAnEvent(f"{what} holds an entry without an email address")
        out.append(address)
    return tuple(out)


def _code(item: Any) -> str:
    if not isinstance(item, dict):
        return "unknown"
    text = " ".join(str(item.get(k) or "") for k in ("status", "diagnosticCode"))
    status = _STATUS.search(text)
    reply = _REPLY.search(str(item.get("diagnosticCode") or ""))
    parts = [p.group(1) for p in (reply, status) if p]
    return " ".join(parts) or "unknown"


def _tag(tags: dict[str, Any], name: str) -> str | None:
    value = tags.get(name)
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, str) and value else None


def _identity(mail: dict[str, Any]) -> str | None:
    arn = mail.get("sourceArn")
    if isinstance(arn, str) and ":identity/" in arn:
        return arn.split(":identity/", 1)[1] or None
    return None


def _event(
    kind: str, day: str, recipients: tuple[str, ...], sent: _Sent, subtype: str | None = None,
    codes: tuple[str, ...] = (),
) -> Event:  # fmt: skip
    return Event(
        kind=kind, day=day, sent_day=sent.sent_day, recipients=recipients,
        configuration_set=sent.configuration_set, identity=sent.identity, from_domain=sent.from_domain,
        campaign=sent.campaign, subtype=subtype, codes=codes,
    )  # fmt: skip


def parse(record: Any) -> Event | str:
    """The :class:`Event` of a decoded record, or the event type's name when it is not counted.

    Raises :class:`NotAnEvent` when the record is not a usable SES event.
    """
    payload = unwrap(record)
    kind = event_type(payload)
    if kind not in COUNTED_TYPES:
        return kind
    mail = payload.get("mail")
    if not isinstance(mail, dict):
        raise NotAnEvent(f"{kind} event without a mail object")
    sent_day = _day(mail.get("timestamp"), "mail.timestamp")
    tags = mail.get("tags") if isinstance(mail.get("tags"), dict) else {}
    assert isinstance(tags, dict)
    campaign = tuple(
        sorted(
            (str(k), str(v[0] if isinstance(v, list) and v else v))
            for k, v in tags.items()
            if not str(k).startswith("ses:") and v not in (None, [], "")
        )
    )
    sent = _Sent(
        sent_day,
        _tag(tags, "ses:configuration-set"),
        _identity(mail),
        _tag(tags, "ses:from-domain"),
        campaign,
    )
    if kind == "Send":
        return _event(
            "send", sent_day, recipients=_addresses(mail.get("destination"), "mail.destination"), sent=sent
        )
    body = payload.get(kind.lower())
    if not isinstance(body, dict):
        raise NotAnEvent(f"{kind} event without its {kind.lower()} object")
    if kind == "Delivery":
        day = _day(body.get("timestamp"), "delivery.timestamp")
        return _event(
            "delivery", day, recipients=_addresses(body.get("recipients"), "delivery.recipients"), sent=sent
        )
    if kind == "Complaint":
        day = _day(body.get("timestamp"), "complaint.timestamp")
        recipients = _addresses(body.get("complainedRecipients"), "complaint.complainedRecipients")
        feedback = body.get("complaintFeedbackType") or (
            "suppressed" if body.get("complaintSubType") else "not given"
        )
        return _event("complaint", day, recipients=recipients, subtype=str(feedback), sent=sent)
    day = _day(body.get("timestamp"), "bounce.timestamp")
    items = body.get("bouncedRecipients")
    recipients = _addresses(items, "bounce.bouncedRecipients")
    assert isinstance(items, list)
    bounce_type = body.get("bounceType")
    subtype = str(body.get("bounceSubType") or "not given")
    if bounce_type == "Permanent":
        counted = "suppressed_bounce" if subtype == ACCOUNT_SUPPRESSED_SUBTYPE else "hard_bounce"
    elif bounce_type in ("Transient", "Undetermined"):
        counted = "soft_bounce"
    else:
        raise NotAnEvent("bounce.bounceType is missing or not Permanent, Transient or Undetermined")
    return _event(
        counted, day, recipients=recipients, subtype=subtype, codes=tuple(_code(i) for i in items), sent=sent
    )
