"""write_reports: the formats asked for, written atomically, with the history and review drafts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sesguard.findings.writers import (
    ALWAYS,
    DEFAULT_REPORT_FORMATS,
    REPORT_FORMATS,
    WRITERS,
    parse_formats,
    write_reports,
    writer,
)


def test_format_names() -> None:
    assert REPORT_FORMATS == ("json", "sarif", "junit", "markdown", "html", "review", "asff", "ocsf")
    assert DEFAULT_REPORT_FORMATS == ("json", "html")
    assert tuple(WRITERS) == REPORT_FORMATS and ALWAYS == ("json",)
    assert all(callable(writer(name)) for name in REPORT_FORMATS)
    assert parse_formats("sarif, HTML,sarif") == ("sarif", "html")
    assert parse_formats("") == DEFAULT_REPORT_FORMATS
    with pytest.raises(ValueError, match="unknown report format pdf"):
        parse_formats("html,pdf")


def test_every_format(live_doc: dict[str, Any], tmp_path: Path) -> None:
    written = write_reports(live_doc, tmp_path, list(REPORT_FORMATS))
    names = [p.relative_to(tmp_path).as_posix() for p in written]
    assert names == [
        "findings.json",
        "history.jsonl",
        "findings.sarif",
        "junit.xml",
        "report.md",
        "report.html",
        "review/index.md",
        "findings.asff.json",
        "findings.ocsf.json",
    ]
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert not list(tmp_path.rglob("*.tmp"))  # temporary files of the atomic writes are gone
    assert json.loads((tmp_path / "findings.json").read_text(encoding="utf-8")) == live_doc


def test_only_the_formats_asked_for(template_doc: dict[str, Any], tmp_path: Path) -> None:
    written = write_reports(template_doc, tmp_path, ["html"])
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "findings.json",  # asked for or not
        "history.jsonl",
        "report.html",
    ]
    assert written == [tmp_path / "findings.json", tmp_path / "history.jsonl", tmp_path / "report.html"]


def test_a_rebuild_leaves_findings_json_as_it_is(template_doc: dict[str, Any], tmp_path: Path) -> None:
    written = write_reports(template_doc, tmp_path, ["json", "sarif"], rebuild=True)
    assert written == [tmp_path / "history.jsonl", tmp_path / "findings.sarif"]
    assert not (tmp_path / "findings.json").exists()


def test_review_drafts_come_unasked_when_a_case_needs_them(live_doc: dict[str, Any], tmp_path: Path) -> None:
    written = write_reports(live_doc, tmp_path, ["html"])
    assert tmp_path / "review" / "index.md" in written
    assert (tmp_path / "review" / "reputation-111111111111-us-east-1.md").is_file()


def test_rejects_unknown_formats_and_other_documents(template_doc: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        write_reports(template_doc, tmp_path, ["pdf"])
    with pytest.raises(ValueError, match="not a sesguard-findings version 1 document"):
        write_reports(dict(template_doc, format_version=2), tmp_path, ["sarif"])


def test_a_failed_write_leaves_the_previous_report(
    template_doc: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sesguard.reports import sarif

    write_reports(template_doc, tmp_path, ["sarif"])
    before = (tmp_path / "findings.sarif").read_text(encoding="utf-8")

    def no_rename(src: str, dst: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("sesguard.atomic.os.replace", no_rename)
    template_doc["findings"] = []
    with pytest.raises(OSError, match="disk full"):
        sarif.write(template_doc, tmp_path)
    assert (tmp_path / "findings.sarif").read_text(encoding="utf-8") == before
    assert not list(tmp_path.glob("*.tmp"))
    assert json.loads(before)["runs"][0]["results"]
