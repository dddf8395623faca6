"""SES event records in the documented formats, for the demo, the tests and the benchmark.

Shapes follow the AWS documentation of event publishing (``eventType``, as Firehose and SNS event
destinations deliver it) and of notifications (``notificationType``, optionally inside the SNS
envelope). Only the fields the investigation reads, plus the usual neighbours, are filled.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=256)
def _tags(
    identity: str, configuration_set: str | None, tags: tuple[tuple[str, str], ...]
) -> dict[str, list[str]]:
    """``mail.tags`` (shared between records: never mutate it)."""
    all_tags: dict[str, list[str]] = {
        "ses:operation": ["SendEmail"],
        "ses:source-ip": ["192.0.2.10"],
        "ses:from-domain": [identity.rpartition("@")[2]],
        "ses:caller-identity": ["smtp-sender"],
    }
    if configuration_set:
        all_tags["ses:configuration-set"] = [configuration_set]
    all_tags.update({k: [v] for k, v in tags})
    return all_tags


def _mail(
    when: str, recipients: Sequence[str], identity: str, configuration_set: str | None,
    tags: dict[str, str], message_id: str, region: str, account_id: str,
) -> dict[str, Any]:  # fmt: skip
    domain = identity.rpartition("@")[2]
    return {
        "timestamp": when,
        "source": f"news@{domain}",
        "sourceArn": f"arn:aws:ses:{region}:{account_id}:identity/{identity}",
        "sendingAccountId": account_id,
        "messageId": message_id,
        "destination": list(recipients),
        "headersTruncated": False,
        "tags": _tags(identity, configuration_set, tuple(sorted(tags.items()))),
    }


def event(
    kind: str, when: str, recipients: Sequence[str], *, identity: str = "example.com",
    configuration_set: str | None = None, tags: dict[str, str] | None = None, message_id: str = "0",
    bounce_type: str = "Permanent", bounce_subtype: str = "General", status: str = "5.1.1",
    feedback_type: str = "abuse", sent: str | None = None, region: str = "us-east-1",
    account_id: str = "123456789012",
) -> dict[str, Any]:  # fmt: skip
    """An event-publishing record: ``kind`` is Send, Delivery, Bounce, Complaint (or any other type)."""
    record: dict[str, Any] = {
        "eventType": kind,
        "mail": _mail(
            sent or when, recipients, identity, configuration_set, tags or {}, message_id, region, account_id
        ),
    }
    if kind == "Send":
        record["send"] = {}
    elif kind == "Delivery":
        record["delivery"] = {
            "timestamp": when, "processingTimeMillis": 812, "recipients": list(recipients),
            "smtpResponse": "250 2.6.0 Message received", "reportingMTA": "a8-70.smtp-out.amazonses.com",
        }  # fmt: skip
    elif kind == "Bounce":
        reply = "550" if bounce_type == "Permanent" else "450"
        record["bounce"] = {
            "bounceType": bounce_type,
            "bounceSubType": bounce_subtype,
            "bouncedRecipients": [
                {
                    "emailAddress": r,
                    "action": "failed",
                    "status": status,
                    "diagnosticCode": f"smtp; {reply} {status} <{r}>: Recipient address rejected",
                }
                for r in recipients
            ],
            "timestamp": when,
            "feedbackId": f"{message_id}-bounce",
            "reportingMTA": "dsn; e226-55.smtp-out.amazonses.com",
        }
    elif kind == "Complaint":
        record["complaint"] = {
            "complainedRecipients": [{"emailAddress": r} for r in recipients],
            "timestamp": when, "feedbackId": f"{message_id}-complaint", "userAgent": "Mail/1.0",
            "complaintFeedbackType": feedback_type, "arrivalDate": when,
        }  # fmt: skip
    else:
        record[kind[:1].lower() + kind[1:].replace(" ", "")] = {"timestamp": when}
    return record


def as_notification(record: dict[str, Any]) -> dict[str, Any]:
    """The same event as an identity notification (``notificationType``; notifications carry no tags)."""
    out = {k: v for k, v in record.items() if k != "eventType"}
    out["notificationType"] = record["eventType"]
    out["mail"] = {k: v for k, v in record["mail"].items() if k != "tags"}
    return out


def sns_envelope(
    payload: dict[str, Any], topic_arn: str = "arn:aws:sns:us-east-1:123456789012:ses-feedback"
) -> dict[str, Any]:
    """``payload`` as SNS delivers it to an HTTP/SQS subscriber: the JSON in ``Message``."""
    return {
        "Type": "Notification",
        "MessageId": "00000000-0000-0000-0000-000000000000",
        "TopicArn": topic_arn,
        "Message": json.dumps(payload),
        "Timestamp": payload.get("mail", {}).get("timestamp", ""),
        "SignatureVersion": "1",
    }


def json_lines(records: Sequence[dict[str, Any]]) -> bytes:
    """Records as Firehose writes SES events to S3: one JSON object per line."""
    return b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in records)
