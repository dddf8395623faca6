"""Ranking causes from a local archive: the planted segment wins, with its share; thin data says so."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from sesguard.investigate import synth
from sesguard.investigate.causes import rank
from sesguard.investigate.cli import add_arguments, run
from sesguard.investigate.run import Window, read_archive

START = dt.date(2026, 11, 1)
WINDOW = Window(START, START + dt.timedelta(days=13))
IMPORT_DAY = START + dt.timedelta(days=8)


def _write_incident(folder: Path) -> dict[str, int]:
    """Two weeks of healthy sending plus an import on IMPORT_DAY whose bounces are planted."""
    rng = random.Random(7)
    records: list[dict[str, object]] = []
    planted = total = 0
    bounced: set[str] = set()
    for offset in range(14):
        day = START + dt.timedelta(days=offset)
        when = f"{day}T09:00:00Z"
        batches = [
            ("weekly", [f"sub{i}@gmail.com" if i % 2 else f"sub{i}@corp.example" for i in range(200)], 0.1)
        ]
        if day == IMPORT_DAY:
            batches.append(
                ("nov-import", [f"imp{i}@{'yahoo.com' if i % 3 else 'gmail.com'}" for i in range(1000)], 0.3)
            )
        for campaign, recipients, bounce_rate in batches:
            for address in recipients:
                kw: dict[str, Any] = {
                    "configuration_set": "newsletter",
                    "tags": {"campaign": campaign},
                    "identity": "shop.example.net",
                }
                records.append(synth.event("Send", when, [address], **kw))
                if rng.random() < bounce_rate and (
                    campaign == "nov-import" or address.endswith("3@gmail.com")
                ):
                    records.append(synth.event("Bounce", when, [address], bounce_subtype="NoEmail", **kw))
                    total += 1
                    planted += campaign == "nov-import"
                    bounced.add(address)
    (folder / "events.jsonl").write_bytes(synth.json_lines(records))
    new = {a for a in bounced if a.startswith("imp")}
    return {"planted": planted, "total": total, "recipients": len(bounced), "new_recipients": len(new)}


def test_the_planted_import_is_the_top_cause_with_its_share(tmp_path: Path) -> None:
    counts = _write_incident(tmp_path)
    result = read_archive(str(tmp_path), WINDOW, s3=None)
    ranking = rank(result.tally, None, None)
    top = ranking.causes[0]
    assert top.kind == "list_import" and top.value == IMPORT_DAY.isoformat()
    assert top.share == pytest.approx(counts["new_recipients"] / counts["recipients"], abs=0.001)
    assert top.figures["hard_bounced_new"] == counts["new_recipients"]
    campaign = next(c for c in ranking.causes if c.dimension == "campaign")
    assert campaign.value == "campaign=nov-import"
    assert campaign.share == pytest.approx(counts["planted"] / counts["total"], abs=0.001)
    assert "yahoo.com and gmail.com dominate" in campaign.statement
    assert any("no VDM metrics" in m for m in ranking.missing)
    assert any("suppression list not read" in m for m in ranking.missing)


def test_without_send_events_it_says_what_is_missing(tmp_path: Path) -> None:
    when = f"{IMPORT_DAY}T09:00:00Z"
    bounces = [synth.event("Bounce", when, [f"x{i}@gmail.com"], configuration_set="a") for i in range(3)]
    (tmp_path / "b.jsonl").write_bytes(synth.json_lines(bounces))
    ranking = rank(read_archive(str(tmp_path), WINDOW, s3=None).tally, None, None)
    assert ranking.causes == []
    assert any("no Send events" in m for m in ranking.missing)
    assert any("3 hard bounces in the window: too few" in m for m in ranking.missing)


def test_cli_writes_json_html_and_never_an_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    archive = tmp_path / "archive"
    archive.mkdir()
    _write_incident(archive)
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--regions", "eu-west-1", "--events", str(archive), "--no-vdm", "--no-suppression",
                              "--report-dir", str(tmp_path / "reports"), "--lookback-days", "400"])  # fmt: skip

    class Session:
        region_name = "eu-west-1"

        def client(self, *_a: object, **_k: object) -> object:
            raise AssertionError("no AWS client is needed for a local archive without VDM and suppression")

    assert run(args, session=Session()) == 0
    out = capsys.readouterr().out
    written = [(tmp_path / "reports" / n).read_text() for n in ("investigation.json", "investigation.html")]
    for text in (out, *written):
        assert (
            "imp1@" not in text and "sub3@" not in text and "@gmail.com" not in text.replace('"gmail.com', "")
        )
    document = json.loads(written[0])
    assert document["investigations"][0]["causes"][0]["kind"] == "list_import"
    assert "5% review" in written[1] and "<svg" in written[1]


def test_cli_usage_errors_exit_4(tmp_path: Path) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args(["--events", str(tmp_path / "missing")])) == 4
    assert run(parser.parse_args(["--lookback-days", "0"])) == 4


def test_show_recipients_gives_salted_hashes_never_addresses(tmp_path: Path) -> None:
    from sesguard.investigate.causes import rank as rank_causes
    from sesguard.investigate.run import Investigation

    _write_incident(tmp_path)
    first = read_archive(str(tmp_path), WINDOW, s3=None, show_recipients=True)
    second = read_archive(str(tmp_path), WINDOW, s3=None, show_recipients=True)
    listed = [
        Investigation(
            "1", "eu-west-1", WINDOW, found, None, None, rank_causes(found.tally, None, None), True
        ).as_dict()["sources"]["archive"]["top_problem_recipients"]
        for found in (first, second)
    ]
    names = [entry["recipient"] for entry in listed[0]]
    assert names and all(
        re.fullmatch(r"[0-9a-f]{16}@(yahoo\.com|gmail\.com|corp\.example)", n) for n in names
    )
    assert not {n for n in names} & {e["recipient"] for e in listed[1]}  # a new salt per run
    hidden = Investigation(
        "1", "eu-west-1", WINDOW, first, None, None, rank_causes(first.tally, None, None)
    ).as_dict()
    assert "top_problem_recipients" not in hidden["sources"]["archive"]
