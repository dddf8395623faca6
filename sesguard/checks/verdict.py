"""What the test of one row does with its verdict: pass, skip, xfail (waived, below fail-on) or fail.

Shared by the shipped check (:mod:`sesguard.checks.test_policies`) and the plugin, which imports
neither the other.
"""

from __future__ import annotations

from types import TracebackType

import pytest

from sesguard.engine import Finding
from sesguard.terminal import row_detail


def describe(finding: Finding) -> str:
    """The failure text of a row: where, what, observed vs expected, and the fix (terminal-safe)."""
    return row_detail(finding)


def check_finding(finding: Finding) -> None:
    """What the test of one row does with its verdict."""
    if finding.status == "pass":
        if finding.waiver and finding.waiver.get("state") == "stale":
            import warnings

            warnings.warn(
                f"stale waiver: {finding.id} passes now; remove its waiver ({finding.waiver.get('origin')})",
                StaleWaiverWarning,
                stacklevel=2,
            )
        return
    if finding.status == "skip":
        pytest.skip(finding.message)
    if finding.status == "waived" and finding.waiver:
        waiver = finding.waiver
        until = f"until {waiver['expires']}" if waiver.get("expires") else f"by {waiver.get('origin')}"
        pytest.xfail(f"waived {until}: {waiver['reason']} ({finding.message})")
    if finding.status == "fail" and finding.below_threshold:
        pytest.xfail(f"{finding.severity} is below fail-on: {finding.message}")
    pytest.fail(describe(finding), pytrace=False)


class StaleWaiverWarning(UserWarning):
    """A waiver whose row passes now: it should be removed."""


def from_verdict_frame(
    excinfo: pytest.ExceptionInfo[BaseException], *modules: str
) -> pytest.ExceptionInfo[BaseException]:
    """A verdict (``pytest.fail`` from this module or ``modules``) with its traceback starting at the first
    frame of one of them."""
    if not isinstance(excinfo.value, pytest.fail.Exception) or excinfo.value.pytrace:
        return excinfo
    tb: TracebackType | None = excinfo.tb
    while tb is not None and tb.tb_frame.f_globals.get("__name__") not in (__name__, *modules):
        tb = tb.tb_next
    if tb is None:
        return excinfo
    return pytest.ExceptionInfo.from_exc_info((excinfo.type, excinfo.value, tb))
