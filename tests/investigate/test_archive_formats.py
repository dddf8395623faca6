"""The event archive reader: every documented format, gzip or not, mixed, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest

from sesguard.investigate import synth
from sesguard.investigate.run import ArchiveResult, Window, read_archive

DAY = "2026-11-20"
WINDOW = Window(dt.date(2026, 11, 10), dt.date(2026, 11, 23))
WHEN = f"{DAY}T10:00:00.000Z"


def _records() -> list[dict[str, object]]:
    """A small mixed population: 4 sends (5 recipients), 2 hard bounces, 1 soft, 1 complaint, 1 open."""
    kw: dict[str, Any] = {
        "configuration_set": "newsletter",
        "tags": {"campaign": "nov-import"},
        "identity": "shop.example.net",
    }
    return [
        synth.event("Send", WHEN, ["a@gmail.com", "b@yahoo.com"], **kw),
        synth.event("Send", WHEN, ["c@gmail.com"], **kw),
        synth.event("Send", WHEN, ["d@example.org"], **kw),
        synth.event("Send", WHEN, ["e@example.org"], **kw),
        synth.event("Bounce", WHEN, ["a@gmail.com"], bounce_subtype="NoEmail", **kw),
        synth.event("Bounce", WHEN, ["b@yahoo.com"], bounce_subtype="General", **kw),
        synth.event(
            "Bounce",
            WHEN,
            ["c@gmail.com"],
            bounce_type="Transient",
            bounce_subtype="MailboxFull",
            status="4.2.2",
            **kw,
        ),
        synth.event("Complaint", WHEN, ["d@example.org"], **kw),
        synth.event("Open", WHEN, ["e@example.org"], **kw),
    ]


def _read(path: Path) -> ArchiveResult:
    return read_archive(str(path), WINDOW, s3=None)


def _assert_counts(result: ArchiveResult) -> None:
    totals = result.tally.totals
    assert totals["send"] == 5  # per recipient: one send to two addresses counts twice
    assert totals["hard_bounce"] == 2
    assert totals["soft_bounce"] == 1
    assert totals["complaint"] == 1
    assert result.tally.ignored_types == {"Open": 1}


def test_firehose_json_lines(tmp_path: Path) -> None:
    (tmp_path / "ses-events-1-2026-11-20-10-00-00-abc").write_bytes(synth.json_lines(_records()))
    result = _read(tmp_path)
    _assert_counts(result)
    assert result.stats.records == 9 and not result.stats.skipped and not result.not_events


def test_gzip_is_detected_by_content_not_name(tmp_path: Path) -> None:
    (tmp_path / "events.json").write_bytes(gzip.compress(synth.json_lines(_records())))
    result = _read(tmp_path)
    _assert_counts(result)
    assert result.stats.compressed_objects == 1


def test_sns_envelopes_and_bare_notifications_pretty_printed_one_per_file(tmp_path: Path) -> None:
    for index, record in enumerate(_records()):
        payload = synth.as_notification(record) if record["eventType"] in ("Bounce", "Complaint") else record
        wrapped = synth.sns_envelope(payload) if index % 2 else payload
        (tmp_path / f"{index:02d}.json").write_text(json.dumps(wrapped, indent=2))
    result = _read(tmp_path)
    _assert_counts(result)
    assert not result.stats.skipped


def test_mixed_formats_in_one_folder_and_back_to_back_records(tmp_path: Path) -> None:
    records = _records()
    (tmp_path / "a.jsonl").write_bytes(synth.json_lines(records[:3]))
    (tmp_path / "b.gz").write_bytes(
        gzip.compress(b"".join(json.dumps(r).encode() for r in records[3:6]))
    )  # no newlines
    (tmp_path / "c.json").write_text(
        json.dumps([synth.sns_envelope(synth.as_notification(r)) for r in records[6:]])
    )
    result = _read(tmp_path)
    _assert_counts(result)


def test_bad_records_are_counted_by_reason_and_the_rest_still_counted(tmp_path: Path) -> None:
    good = synth.json_lines(_records())
    lines = good.splitlines(keepends=True)
    bad = [
        b'{"eventType": "Bounce", "bounce": {"bounceType": "Perm\n',  # truncated mid-record
        b"this is not json\n",
        b'{"hello": "world"}\n',  # JSON, not an SES event
        b'{"eventType": "Bounce", "mail": {"timestamp": "2026-11-20T10:00:00Z"}}\n',  # no bounce object
        b'{"eventType": "Bounce", "mail": {"timestamp": "2026-11-20T10:00:00Z"}, "bounce": {"bounceType": "Odd", "bouncedRecipients": [{"emailAddress": "x@y.z"}], "timestamp": "2026-11-20T10:00:00Z"}}\n',
        b'{"Type": "Notification", "Message": "{not json"}\n',
        b'{"Type": "SubscriptionConfirmation", "Message": "confirm"}\n',
        b"\xff\xfe\xfa garbage\n",
        b"[1, 2\n",  # a truncated array at the end of the object
    ]
    (tmp_path / "mixed").write_bytes(b"".join([*lines[:4], *bad[:-1], *lines[4:], bad[-1]]))
    result = _read(tmp_path)
    _assert_counts(result)
    skipped = result.stats.skipped
    assert skipped["truncated record (cut short by the next record)"] == 1
    assert skipped["malformed JSON"] + skipped["not UTF-8 text"] == 2
    assert skipped["truncated record (end of object inside a record)"] == 1
    assert result.not_events == {
        "no eventType or notificationType (not an SES event)": 1,
        "Bounce event without its bounce object": 1,
        "bounce.bounceType is missing or not Permanent, Transient or Undetermined": 1,
        "SNS envelope whose Message is not JSON": 1,
        "SNS subscription message, not an SES event": 1,
    }


def test_truncated_gzip_keeps_what_was_read_and_says_so(tmp_path: Path) -> None:
    data = gzip.compress(synth.json_lines(_records() * 200))
    (tmp_path / "cut.gz").write_bytes(data[: len(data) // 2])
    result = _read(tmp_path)
    assert 0 < result.tally.totals["send"] < 1000
    assert result.stats.skipped["truncated or corrupt gzip stream (rest of the object unread)"] == 1
    assert result.stats.problems and "cut.gz" in result.stats.problems[0]


def test_events_outside_the_window_are_counted_not_mixed_in(tmp_path: Path) -> None:
    old = synth.event("Bounce", "2026-10-01T10:00:00Z", ["a@gmail.com"])
    (tmp_path / "old.jsonl").write_bytes(synth.json_lines([old, *_records()]))
    result = _read(tmp_path)
    _assert_counts(result)
    assert result.tally.outside_window == 1


def test_empty_archive_and_missing_path_are_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = _read(tmp_path / "empty")
    assert result.stats.objects == 0 and result.stats.records == 0
    missing = _read(tmp_path / "nope")
    assert missing.stats.problems == [f"{tmp_path / 'nope'}: no such file or folder"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_the_archive_is_skipped_not_opened(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(synth.json_lines(_records()))
    os.mkfifo(tmp_path / "pipe")
    result = _read(tmp_path)  # would block forever if the FIFO were opened
    _assert_counts(result)
    assert any("not a regular file" in p for p in result.stats.problems)


def test_oversized_line_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sesguard.investigate import archive

    monkeypatch.setattr(archive, "MAX_LINE_BYTES", 4096)
    huge = json.dumps({"eventType": "Send", "pad": "x" * 10000}).encode() + b"\n"
    (tmp_path / "a.jsonl").write_bytes(huge + synth.json_lines(_records()))
    result = _read(tmp_path)
    _assert_counts(result)
    assert sum(n for r, n in result.stats.skipped.items() if r.startswith("line longer")) == 1


def test_an_empty_window_is_said_once_not_as_zeros(tmp_path: Path) -> None:
    from sesguard.investigate.causes import rank
    from sesguard.investigate.run import _archive_notes

    old = [synth.event("Send", "2026-01-05T10:00:00Z", ["a@gmail.com"]) for _ in range(3)]
    (tmp_path / "old.jsonl").write_bytes(synth.json_lines(old))
    result = _read(tmp_path)
    ranking = rank(result.tally, None, None)
    _archive_notes(result, ranking)
    assert ranking.missing[0] == "the event archive holds no SES events in the window (3 outside it)"
    assert not any("too few" in m or "no Send events" in m for m in ranking.missing)
