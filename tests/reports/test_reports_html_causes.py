"""The HTML report says each problem once (issue 12): a template input that could not be read, like an
account that could not be read, is one entry with where it is, what is wrong and how many rows and
policies it left unevaluated; those rows stay in the table and the entry knows which they are. The
page's statuses and severities come from sesguard/findings/format.py, not from a copy in report.js."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sesguard.findings.format import FAILING, SEVERITIES_MOST_FIRST, STATUSES, STATUSES_BY_URGENCY
from sesguard.reports import html

from .input_problems import IMG_NAME, PROBLEMS, SCRIPT_NAME, blocked, run
from .test_reports_html import _data

pytest_plugins = ("pytester",)


def test_each_template_input_problem_is_one_entry(pytester: pytest.Pytester) -> None:
    doc, out = run(pytester, "html")
    page = (out / "report.html").read_text(encoding="utf-8")
    data = _data(page)
    ids = [row[0] for row in data["rows"]]
    assert ids == [r["id"] for r in doc["findings"]]
    causes = [c for c in data["causes"] if c["kind"] == "input"]
    assert len(causes) == len(PROBLEMS) == len(data["causes"])  # one per problem, not one per policy
    for problem in PROBLEMS:
        [cause] = [c for c in causes if problem in c["text"]]
        rows = blocked(doc, problem)
        assert len(rows) > 10
        assert cause["count"] == len(rows)
        assert cause["policies"] == len({r.split("::")[0] for r in rows})
        assert sorted(ids[i] for i in cause["rows"]) == sorted(rows)  # the table's filter for it
    [duplicate] = [c for c in causes if PROBLEMS[0] in c["text"]]
    assert duplicate["name"] == "infra" and duplicate["places"] == [f"infra/{SCRIPT_NAME}:1"]
    [unparsed] = [c for c in causes if PROBLEMS[1] in c["text"]]
    assert unparsed["name"] == IMG_NAME and unparsed["places"] == [f"{IMG_NAME}:3"]
    # hostile file names are data, never markup: two <script> elements (data, code), no <img>
    assert len(re.findall(r"<script\b", page)) == 2
    assert "<img" not in page and "alert(1)<!--" not in page


def test_live_and_input_causes_are_told_apart(pytester: pytest.Pytester) -> None:
    """A findings document with both kinds (a merged run): each keeps its own fields; a cause's rows
    that are not in the document are counted but not pointed at."""
    doc, _ = run(pytester)
    rows = doc["findings"]
    doc["causes"].insert(0, {"account": "222222222222", "code": "AccessDenied", "places": ["eu-west-1"],
                             "text": "AssumeRole failed", "policies": ["SES-ACCT-001"],
                             "rows": [rows[0]["id"], "SES-ACCT-001::elsewhere"]})  # fmt: skip
    causes = html.view(doc, [])["causes"]
    assert [c["kind"] for c in causes] == ["live", "input", "input"]
    assert causes[0] == {"kind": "live", "name": "222222222222", "source": None, "code": "AccessDenied",
                         "places": ["eu-west-1"], "text": "AssumeRole failed", "count": 2, "policies": 1,
                         "rows": [0]}  # fmt: skip
    assert causes[1]["source"] in ("cfn", "tf") and causes[1]["code"] in (None, "duplicate")


def test_the_vocabulary_is_the_findings_format(tmp_path: Path) -> None:
    from .conftest import load_fixture

    data = _data(html.write(load_fixture("template-run"), tmp_path).read_text(encoding="utf-8"))
    assert data["statuses"] == list(STATUSES_BY_URGENCY) and sorted(data["statuses"]) == sorted(STATUSES)
    assert data["failing"] == [s for s in STATUSES_BY_URGENCY if s in FAILING]
    assert data["severities"] == list(SEVERITIES_MOST_FIRST)
    # report.js keeps no list of its own: no array literal of two status or severity names
    script = (Path(html.__file__).parent / "assets" / "report.js").read_text(encoding="utf-8")
    names = "|".join((*STATUSES, *SEVERITIES_MOST_FIRST))
    assert not re.search(rf'\[\s*"(?:{names})"\s*,\s*"(?:{names})"', script)
