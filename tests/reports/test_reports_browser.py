"""The HTML report in a real headless Chromium: renders from disk, no console error, no network
request, filtering and sorting work, printable; a screenshot is kept in the test's tmp folder."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import pytest

from sesguard.findings.writers import write_reports

from .chromium_cdp import Chromium, find_chromium
from .conftest import run_at

pytestmark = pytest.mark.browser

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


def test_causes_are_drawn_once_each(browser: Chromium, live_doc: dict[str, Any], tmp_path: Path) -> None:
    """An AWS failure shared by many rows (findings.json ``causes``) is one line of its own table."""
    live_doc["causes"] = [
        {"account": "222222222222", "code": "AccessDenied", "places": ["eu-west-1", "IAM"],
         "text": "AssumeRole failed: AccessDenied: <b>not bold</b>; fix: create the role",
         "policies": ["SES-ACCT-001", "SES-IAM-001"], "rows": ["SES-ACCT-001::x", "SES-IAM-001::y"]},
    ]  # fmt: skip
    page = next(p for p in write_reports(live_doc, tmp_path, ["html"]) if p.name == "report.html")
    session = browser.page()
    browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
    browser.wait_for(lambda e: e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session)
    _wait(browser, session, "!!(window.sesguardReport && window.sesguardReport.ready)", True)
    assert browser.evaluate(session, "document.getElementById('causes-section').hidden") is False
    cells = browser.evaluate(session, "[...document.querySelectorAll('#causes tbody td')].map(c => c.textContent)")
    assert cells == ["222222222222", "eu-west-1, IAM", "AccessDenied", "2",
                     "AssumeRole failed: AccessDenied: <b>not bold</b>; fix: create the role"]  # fmt: skip
    assert browser.evaluate(session, "document.querySelectorAll('#causes b').length") == 0  # text, not markup
    mine = [e for e in browser.events if e.get("sessionId") == session]
    assert not [e for e in mine if e["method"] == "Runtime.exceptionThrown"]
