"""The HTML report in a real headless Chromium: renders from disk, no console error, no network
request, filtering and sorting work, printable; a screenshot is kept in the test's tmp folder."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import pytest

from sesguard.findings.format import STATUSES_BY_URGENCY
from sesguard.findings.writers import write_reports
from sesguard.reports import html

from .chromium_cdp import Chromium, find_chromium
from .conftest import run_at
from .input_problems import IMG_NAME, PROBLEMS, SCRIPT_NAME, blocked, run

pytestmark = pytest.mark.browser
pytest_plugins = ("pytester",)

LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    binary = find_chromium()
    if binary is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    folder = tmp_path_factory.mktemp("chromium")
    chromium = Chromium(binary, folder / "profile", folder / "chromium.log")
    yield chromium
    chromium.close()


def _wait(browser: Chromium, session: str, expression: str, expected: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = browser.evaluate(session, expression)
        if value == expected:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{expression} is {value!r}, expected {expected!r}")


def _click(browser: Chromium, session: str, selector: str) -> None:
    """A real mouse click in the middle of the element (scrolled into view first)."""
    box = browser.evaluate(
        session,
        f"(() => {{ const e = document.querySelector({selector!r}); e.scrollIntoView({{block: 'center'}});"
        " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()",
    )
    for kind in ("mousePressed", "mouseReleased"):
        browser.send(
            "Input.dispatchMouseEvent",
            {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            session=session,
        )


def test_report_in_chromium(
    browser: Chromium, live_doc: dict[str, Any], tmp_path: Path, record_property: Any
) -> None:
    reports = tmp_path / "reports"
    for day in ("2026-11-26", "2026-11-27"):
        write_reports(run_at(live_doc, f"{day}T03:00:00Z"), reports, [])
    page = next(p for p in write_reports(live_doc, reports, ["html"]) if p.name == "report.html")

    session = browser.page()
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 1800, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
    browser.wait_for(lambda e: e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session)
    _wait(browser, session, "!!(window.sesguardReport && window.sesguardReport.ready)", True)

    # drawn: cards, charts by severity, status, policy and account/region, trends with the AWS lines
    assert browser.evaluate(session, "document.querySelectorAll('#cards .card').length") >= 8
    for chart in (
        "chart-severity",
        "chart-status",
        "chart-policy",
        "chart-where",
        "trend-pass-rate",
        "trend-failing",
        "trend-bounce",
        "trend-complaint",
    ):
        assert (
            browser.evaluate(
                session, f"document.querySelectorAll('#{chart} svg rect, #{chart} svg path').length"
            )
            > 0
        ), chart
    assert browser.evaluate(session, "document.querySelectorAll('#trend-bounce line.threshold').length") == 3
    assert (
        browser.evaluate(session, "document.querySelectorAll('#trend-complaint line.threshold').length") == 2
    )
    assert browser.evaluate(session, "document.getElementById('waivers-section').hidden") is False
    assert browser.evaluate(session, "document.getElementById('changes-section').hidden") is False
    total = len(live_doc["findings"])
    assert browser.evaluate(session, "window.sesguardReport.shownRows()") == total

    screenshot = tmp_path / "report.png"
    screenshot.write_bytes(
        base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"])
    )
    record_property("screenshot", str(screenshot))
    print(f"screenshot: {screenshot}")

    # filtering: typed into the box like a user, then a status filter
    browser.evaluate(session, "document.getElementById('filter').focus()")
    browser.send("Input.insertText", {"text": "SES-IAM-008"}, session=session)
    _wait(browser, session, "window.sesguardReport.shownRows()", 2)
    ids = browser.evaluate(
        session, "[...document.querySelectorAll('#findings tbody tr')].map(r => r.dataset.id)"
    )
    assert all(i.startswith("SES-IAM-008::") for i in ids)
    assert (
        browser.evaluate(session, "document.getElementById('shown').textContent")
        == f"Showing 2 of {total} rows"
    )
    browser.evaluate(
        session,
        "(() => { const f = document.getElementById('filter'); f.value = '';"
        " f.dispatchEvent(new Event('input')); })()",
    )
    _wait(browser, session, "window.sesguardReport.shownRows()", total)
    browser.evaluate(
        session,
        "(() => { const s = document.getElementById('f-status'); s.value = 'failing';"
        " s.dispatchEvent(new Event('change')); })()",
    )
    _wait(browser, session, "window.sesguardReport.shownRows()", live_doc["summary"]["failing_rows"])

    # sorting: a click on the Policy header
    _click(browser, session, "#findings th[data-key=policy]")
    _wait(
        browser,
        session,
        "document.querySelector('#findings th[data-key=policy]').getAttribute('aria-sort')",
        "ascending",
    )
    first = browser.evaluate(
        session, "document.querySelector('#findings tbody tr td:nth-child(3)').textContent"
    )
    assert first == "SES-ACCT-001"

    # printed: the controls go, the content stays
    browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
    assert (
        browser.evaluate(session, "getComputedStyle(document.querySelector('.controls')).display") == "none"
    )
    assert browser.evaluate(session, "document.querySelectorAll('#findings tbody tr').length") > 0
    pdf = base64.b64decode(
        browser.send("Page.printToPDF", {"printBackground": True}, session=session)["data"]
    )
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    (tmp_path / "report.pdf").write_bytes(pdf)

    # no console error, no uncaught exception, and nothing fetched but the file itself
    mine = [e for e in browser.events if e.get("sessionId") == session]
    errors = [e["params"] for e in mine if e["method"] == "Runtime.exceptionThrown"]
    errors += [
        e["params"]
        for e in mine
        if e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert", "warning")
    ]
    errors += [
        e["params"]["entry"]
        for e in mine
        if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning")
    ]
    assert errors == []
    requests = [e["params"]["request"]["url"] for e in mine if e["method"] == "Network.requestWillBeSent"]
    assert requests == [page.resolve().as_uri()]
    assert all(u.startswith(LOCAL_SCHEMES) for u in requests)


def test_a_large_table_is_drawn_in_pages(
    browser: Chromium, template_doc: dict[str, Any], tmp_path: Path
) -> None:
    base = template_doc["findings"]
    template_doc["findings"] = [
        dict(row, id=f"{row['id']}-{n:04d}") for n in range(70) for row in base
    ]  # 1,260 rows
    total = len(template_doc["findings"])
    page = next(p for p in write_reports(template_doc, tmp_path, ["html"]) if p.name == "report.html")
    session = browser.page()
    browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
    browser.wait_for(lambda e: e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session)
    _wait(browser, session, "!!(window.sesguardReport && window.sesguardReport.ready)", True)
    assert browser.evaluate(session, "window.sesguardReport.shownRows()") == 500
    assert browser.evaluate(session, "document.getElementById('shown').textContent") == (
        f"Showing 500 of {total} matching rows ({total} in all)"
    )
    _click(browser, session, "#more-next")
    _wait(browser, session, "window.sesguardReport.shownRows()", 1000)
    _click(browser, session, "#more-all")
    _wait(browser, session, "window.sesguardReport.shownRows()", total)
    assert browser.evaluate(session, "document.getElementById('more').hidden") is True
    browser.evaluate(session, "document.getElementById('filter').focus()")
    browser.send("Input.insertText", {"text": "SmtpUser"}, session=session)
    _wait(browser, session, "window.sesguardReport.shownRows()", 4 * 70)  # four SmtpUser rows per copy
    mine = [e for e in browser.events if e.get("sessionId") == session]
    assert not [e for e in mine if e["method"] == "Runtime.exceptionThrown"]


def _open(browser: Chromium, page: Path) -> str:
    session = browser.page()
    browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
    browser.wait_for(lambda e: e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session)
    _wait(browser, session, "!!(window.sesguardReport && window.sesguardReport.ready)", True)
    return session


def _no_exception(browser: Chromium, session: str) -> None:
    mine = [e for e in browser.events if e.get("sessionId") == session]
    assert not [e for e in mine if e["method"] in ("Runtime.exceptionThrown", "Page.javascriptDialogOpening")]


def _shown_ids(browser: Chromium, session: str) -> list[str]:
    ids: list[str] = browser.evaluate(
        session, "[...document.querySelectorAll('#findings tbody tr')].map(r => r.dataset.id)"
    )
    return ids


def test_causes_are_drawn_once_each(browser: Chromium, live_doc: dict[str, Any], tmp_path: Path) -> None:
    """An AWS failure shared by many rows (findings.json ``causes``) is one line of its own table;
    its button shows the rows it blocked."""
    blocked = [live_doc["findings"][0]["id"], live_doc["findings"][3]["id"]]
    live_doc["causes"] = [
        {"account": "222222222222", "code": "AccessDenied", "places": ["eu-west-1", "IAM"],
         "text": "AssumeRole failed: AccessDenied: <b>not bold</b>; fix: create the role",
         "policies": ["SES-ACCT-001", "SES-IAM-001"], "rows": blocked},
    ]  # fmt: skip
    page = next(p for p in write_reports(live_doc, tmp_path, ["html"]) if p.name == "report.html")
    session = _open(browser, page)
    assert browser.evaluate(session, "document.getElementById('causes-section').hidden") is False
    cells = browser.evaluate(
        session, "[...document.querySelectorAll('#causes tbody td')].map(c => c.textContent)"
    )
    assert cells == ["222222222222", "eu-west-1, IAM", "AccessDenied", "2",
                     "AssumeRole failed: AccessDenied: <b>not bold</b>; fix: create the role",
                     "Show its 2 rows"]  # fmt: skip
    assert browser.evaluate(session, "document.querySelectorAll('#causes b').length") == 0  # text, not markup
    assert browser.evaluate(session, "document.getElementById('causes-input')") is None
    _click(browser, session, "#causes-live button.show-cause")
    _wait(browser, session, "window.sesguardReport.shownRows()", 2)
    assert sorted(_shown_ids(browser, session)) == sorted(blocked)
    _no_exception(browser, session)


def test_template_input_problems_are_drawn_once_each(browser: Chromium, pytester: pytest.Pytester) -> None:
    """A real ``pytest checks/ --templates`` run with a Terraform module declaring a resource twice
    and a template that does not parse, both behind hostile file names: report.html has one entry per
    problem (set, file and line, the problem, rows and policies it blocked), its button filters the
    table to exactly those rows, the names stay text, and the remediation section leaves out the
    policies whose only failing rows those problems blocked."""
    doc, out = run(pytester, "html")
    session = _open(browser, out / "report.html")
    total = len(doc["findings"])
    assert browser.evaluate(session, "window.sesguardReport.shownRows()") == total  # blocked rows listed
    entries = browser.evaluate(
        session,
        "[...document.querySelectorAll('#causes-input tbody tr')]"
        ".map(r => [...r.querySelectorAll('td')].map(c => c.textContent))",
    )
    assert len(entries) == len(PROBLEMS)  # once per problem, not once per policy
    assert browser.evaluate(session, "document.getElementById('causes-live')") is None
    for n, problem in enumerate(PROBLEMS):
        rows = blocked(doc, problem)
        [entry] = [e for e in entries if problem in e[2]]
        assert entry[3:] == [
            str(len(rows)),
            str(len({r.split("::")[0] for r in rows})),
            f"Show its {len(rows)} rows",
        ]
        # the set's own link to its rows, then back to all rows
        index = entries.index(entry)
        _click(browser, session, f"#causes-input tbody tr:nth-child({index + 1}) button.show-cause")
        _wait(browser, session, "window.sesguardReport.shownRows()", len(rows))
        assert sorted(_shown_ids(browser, session)) == sorted(rows), n
        browser.evaluate(
            session,
            "(() => { const s = document.getElementById('f-cause'); s.value = '';"
            " s.dispatchEvent(new Event('change')); })()",
        )
        _wait(browser, session, "window.sesguardReport.shownRows()", total)
    assert [e[:2] for e in sorted(entries)] == [
        [IMG_NAME, f"{IMG_NAME}:3"],
        ["infra", f"infra/{SCRIPT_NAME}:1"],
    ]
    # the names are text: no element made from them, no script run
    assert browser.evaluate(session, "document.querySelectorAll('img').length") == 0
    assert browser.evaluate(session, "document.scripts.length") == 2
    said = {r for p in PROBLEMS for r in blocked(doc, p)}
    expected = {
        r["policy_id"] for r in doc["findings"] if r["status"] in ("fail", "error") and r["id"] not in said
    }
    drawn = browser.evaluate(
        session, "[...document.querySelectorAll('#remediation .policy-fix')].map(d => d.id)"
    )
    assert sorted(drawn) == sorted(f"fix-{p}" for p in expected)
    _no_exception(browser, session)


def test_status_order_comes_with_the_data(
    browser: Chromium, template_doc: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """report.js draws statuses in the order the page's data gives (findings/format.py's), not its own."""
    order = tuple(reversed(STATUSES_BY_URGENCY))
    monkeypatch.setattr(html, "STATUSES_BY_URGENCY", order)
    page = next(p for p in write_reports(template_doc, tmp_path, ["html"]) if p.name == "report.html")
    session = _open(browser, page)
    shown = browser.evaluate(session, "[...document.querySelectorAll('#f-status option')].map(o => o.value)")
    present = {r["status"] for r in template_doc["findings"]}
    assert shown == ["", "failing", *(s for s in order if s in present)]
    _no_exception(browser, session)
