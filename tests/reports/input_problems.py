"""A real template run with two input problems behind hostile file names, for the HTML report's tests:
a Terraform module whose two files declare one resource (``z<script>...tf``) and a CloudFormation
template that does not parse (``<img ...>.yaml``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pytest

CHECKS: Final = Path(__file__).resolve().parents[2] / "checks"
SCRIPT_NAME: Final = "z<script>alert(1)<!--.tf"
"""The second declaration of the duplicate: the file the problem names."""
IMG_NAME: Final = "<img src=x onerror=alert(2)>.yaml"
DUPLICATE: Final = 'resource "aws_sesv2_configuration_set" "x" {\n  configuration_set_name = "%s"\n}\n'
PROBLEMS: Final = ("aws_sesv2_configuration_set.x is declared twice", "template cannot be parsed")


def run(pytester: pytest.Pytester, *formats: str) -> tuple[dict[str, Any], Path]:
    """``pytest checks/ --templates infra <img ...>.yaml`` as a user runs it; findings.json and the
    report folder."""
    infra = pytester.path / "infra"
    infra.mkdir()
    (infra / "a.tf").write_text(DUPLICATE % "a", encoding="utf-8")
    (infra / SCRIPT_NAME).write_text(DUPLICATE % "b", encoding="utf-8")
    (pytester.path / IMG_NAME).write_text("Resources:\n  A: [unclosed\n", encoding="utf-8")
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "-p", "no:randomly", "--tb=no",
        "--templates", "infra", IMG_NAME, "--report-dir", str(out), "--report-format", ",".join(formats),
    )  # fmt: skip
    assert result.ret == 1, result.outlines[-20:]
    doc: dict[str, Any] = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return doc, out


def blocked(doc: dict[str, Any], problem: str) -> list[str]:
    """The ids of the error rows whose message names ``problem`` (every policy that needed its set)."""
    return [r["id"] for r in doc["findings"] if r["status"] == "error" and problem in r["message"]]
