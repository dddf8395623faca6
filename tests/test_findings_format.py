"""The findings format in one place: its schema holds for real runs, its row type and vocabulary agree
with the schema, and reading it loads nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sesguard.findings.format import (
    FILE,
    STATUSES,
    STATUSES_BY_URGENCY,
    FindingRow,
    RowResource,
    account_region,
    where,
)
from sesguard.severity import SEVERITIES

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "findings"

pytest_plugins = ("pytester",)


def _schema() -> dict[str, Any]:
    text = resources.files("sesguard.findings").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _problems(doc: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(_schema())
    return [f"{e.json_path}: {e.message[:300]}" for e in validator.iter_errors(doc)]


def test_a_real_run_matches_the_schema(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "templates"
    folder.mkdir()
    for name in ("marketing-mail.yaml", "transactional-mail.yaml"):
        (folder / name).write_text((REPO / "examples" / "templates" / name).read_text(encoding="utf-8"))
    (folder / "broken.yaml").write_text("Resources:\n  A: [unclosed\n", encoding="utf-8")
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(REPO / "checks"), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
        "--templates", str(folder), "--report-dir", str(out), "--report-format", "sarif",
    )  # fmt: skip
    assert result.ret == 1
    doc = json.loads((out / FILE).read_text(encoding="utf-8"))  # written although only sarif was asked for
    assert {"pass", "fail", "error"} <= {row["status"] for row in doc["findings"]}
    assert doc["input_problems"] and doc["policies"]
    assert _problems(doc) == []
    assert _problems(dict(doc, findings=[dict(doc["findings"][0], status="passed")]))  # the schema can fail


@pytest.mark.parametrize("name", ["template-run", "live-run"])
def test_the_hand_written_fixtures_match_the_schema(name: str) -> None:
    assert _problems(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))) == []


def test_the_row_type_is_the_schema_row() -> None:
    defs = _schema()["$defs"]
    for typed, schema_name in ((FindingRow, "row"), (RowResource, "resource")):
        keys = list(typing.get_type_hints(typed))
        assert keys == list(defs[schema_name]["properties"]) == defs[schema_name]["required"]


def test_statuses_and_severities_are_the_schemas() -> None:
    defs = _schema()["$defs"]
    assert list(STATUSES) == defs["status"]["enum"]
    assert sorted(STATUSES_BY_URGENCY) == sorted(STATUSES) and STATUSES_BY_URGENCY[:2] == ("fail", "error")
    assert list(SEVERITIES) == defs["severity"]["enum"]


def test_where_a_resource_lives() -> None:
    assert where({"file": "a.yaml", "line": 3, "set": "infra"}) == "a.yaml:3"
    assert where({"file": "a.yaml", "line": None}) == "a.yaml"
    assert where({"account": "111111111111", "region": "eu-west-1", "arn": "arn:x"}) == "111111111111/eu-west-1"
    assert where({"account": "111111111111", "set": "111111111111"}) == "111111111111"
    assert where({"file": None, "set": "infra"}) == "infra"
    assert where(None) == "" and where({}) == ""
    assert where({"file": "a\nb.yaml", "line": 2}, text=lambda v: str(v).replace("\n", "\\n")) == "a\\nb.yaml:2"
    assert account_region({"account": "111111111111", "region": None}) == "111111111111/global"
    assert account_region({"file": "a.yaml"}) is None


def test_reading_findings_loads_nothing_heavy() -> None:
    heavy = ("sesguard.engine", "sesguard.policies", "jsonschema", "yaml", "sesguard.reports.html")
    code = (
        "import sys, sesguard.findings.reader, sesguard.findings.writers, sesguard.reports.document; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
