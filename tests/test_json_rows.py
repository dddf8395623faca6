"""findings.json is written with one row per line: the same JSON, fast to write and to diff."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sesguard.atomic import json_rows, write_json_rows_atomic


def test_rows_one_per_line_and_the_same_document(tmp_path: Path) -> None:
    rows = [
        {"id": f"SES-CS-001::set-{i}", "message": "é\n\u202e<b>", "values": [1, {"k": None}]}
        for i in range(3)
    ]
    document = {"format": "sesguard-findings", "run": {"inputs": ["a", "b"]}, "findings": rows, "waivers": []}
    path = write_json_rows_atomic(document, tmp_path / "out" / "findings.json")
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == document
    lines = text.splitlines()
    for row in rows:
        assert f"  {json.dumps(row)}," in lines or f"  {json.dumps(row)}" in lines  # one line, ASCII-escaped
    assert ' "run": {' in lines and '  "inputs": [' in lines  # the other members indented as before
    assert [p.name for p in path.parent.iterdir()] == ["findings.json"]  # no temporary file left


def test_values_json_cannot_encode_are_written_as_text() -> None:
    document = {"findings": [{"expires": date(2027, 1, 31)}], "when": date(2027, 1, 1), "empty": {}}
    assert json.loads("".join(json_rows(document))) == {
        "findings": [{"expires": "2027-01-31"}],
        "when": "2027-01-01",
        "empty": {},
    }
    assert json.loads("".join(json_rows({}))) == {}
