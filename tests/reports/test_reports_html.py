"""The HTML report as a file: self-contained, data embedded safely (the browser test draws it)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sesguard.reports import html


def _data(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="sesguard-data">(.*?)</script>', page, re.S)
    assert match, "embedded data not found"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_one_file_with_nothing_to_fetch(live_doc: dict[str, Any], tmp_path: Path) -> None:
    page = html.write(live_doc, tmp_path).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<!--sesguard:" not in page  # every slot filled
    assert "default-src 'none'" in page  # the page may not load anything, even by mistake
    refs = re.findall(r'\b(?:src|href)\s*=\s*["\']?([^"\'\s>]+)', page)
    assert refs == ["data:,"]  # only the empty favicon, so the browser asks for none
    assert not re.search(r"@import|url\(\s*['\"]?(?!data:)", page)


def test_data_is_embedded_compactly(live_doc: dict[str, Any], tmp_path: Path) -> None:
    data = _data(html.write(live_doc, tmp_path).read_text(encoding="utf-8"))
    assert len(data["rows"]) == len(live_doc["findings"])
    assert data["columns"][:4] == ["id", "policy", "severity", "status"]
    row = dict(zip(data["columns"], data["rows"][0], strict=True))
    assert row["id"] == live_doc["findings"][0]["id"]
    assert set(data["policies"]) == {f["policy_id"] for f in live_doc["findings"]}
    assert data["policies"]["SES-SUP-001"]["remediation"]["summary"].startswith("Add BOUNCE and COMPLAINT")
    assert data["rates"] == live_doc["rates"]
    assert data["review"][0] == "review/reputation-111111111111-us-east-1.md"
    assert data["history"] == [] and data["changes"]["previous"] is None  # html.write alone records nothing


def test_hostile_text_stays_text(template_doc: dict[str, Any], tmp_path: Path) -> None:
    evil = "</script><script>alert(1)</script><!-- & \u2028"
    template_doc["findings"][0]["message"] = evil
    template_doc["run"]["started_at"] = "<b>now</b>"
    page = html.write(template_doc, tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "<b>now</b>" not in page
    data = _data(page)
    assert data["rows"][0][data["columns"].index("message")] == evil
