"""One sesguard row through pytest's run protocol, without the per-phase machinery a row never uses.

pytest runs each test as setup, call and teardown, each phase wrapped in output capture, log capture,
fixture setup and a report built from the exception's filtered traceback: about a millisecond per
test, most of a large sesguard run. A row of the shipped check has no fixture but its own parameter,
prints nothing, logs nothing and ends in a verdict, so :func:`run_row` gives it the same protocol
with only what pytest's own consumers read: ``pytest_runtest_logstart``, the setup, call and teardown
reports through ``pytest_runtest_logreport`` (terminal, ``--junitxml``, ``--lf``, ``-x``, pytest-xdist,
``--durations``, other plugins' report hooks) with the outcomes, failure representations and user
properties pytest's own path gives them, and ``pytest_runtest_logfinish``. Wrappers around the whole
protocol (warnings capture, assertion hooks, faulthandler) still wrap it.

A row takes pytest's full path whenever something could observe the difference: another fixture
(an autouse one), a marker, a plugin or ``conftest.py`` other than pytest's own hooking a phase
(``pytest_runtest_setup``/``call``/``teardown``/``makereport``, ``pytest_pyfunc_call``: pytest-html's
extras, allure's steps, a project's screenshot-on-failure hook), ``--pdb``/``--trace``,
``--setup-show``/``--setup-only``/``--setup-plan``, ``--runxfail`` or ``--full-trace``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType, TracebackType
from typing import Any, Final, Literal

import pytest
from _pytest._code.code import ExceptionChainRepr, ReprEntry, ReprFileLocation, ReprTraceback

from sesguard.engine import Finding

PHASE_HOOKS: Final = (
    "pytest_runtest_setup",
    "pytest_runtest_call",
    "pytest_runtest_teardown",
    "pytest_runtest_makereport",
    "pytest_pyfunc_call",
    "pytest_exception_interact",
)
"""Hooks the full protocol calls around a test's phases: a plugin implementing one gets the full protocol."""

PHASE_HOOKS_SEEN_BY_DESIGN: Final = ("_pytest.", "sesguard.", "pytest_randomly")
"""Plugins whose phase hooks a row does without: pytest's own (capture, logging, skip/xfail marks, fixtures,
the traceback of a crash: a row has none of them) and pytest-randomly (it reseeds ``random`` around each
test; a row draws no random number)."""

FULL_PROTOCOL_OPTIONS: Final = (
    "usepdb",
    "trace",
    "setupshow",
    "setuponly",
    "setupplan",
    "runxfail",
    "fulltrace",
)
"""Options under which every row takes pytest's full protocol (they change what a phase does)."""

Outcome = Literal["passed", "failed", "skipped"]


class RowRunner:
    """Decides which items take the short protocol and runs them (one per pytest session)."""

    def __init__(
        self,
        config: pytest.Config,
        check: Callable[..., None],
        row_fixture: str,
        setup_row: Callable[[pytest.Item, Finding], None],
        crash_message: Callable[[Finding], str],
    ) -> None:
        self.check = check
        self.row_fixture = row_fixture
        # the row's own argument (and ``request``, which its overridden fixture names): nothing to set up
        self.fixture_names = {row_fixture, "request"}
        self.setup_row = setup_row
        self.crash_message = crash_message
        self.enabled = not any(config.getoption(name, False) for name in FULL_PROTOCOL_OPTIONS)
        self._plain_hooks: dict[int, bool] = {}  # id(ihook) -> no other plugin hooks the phases
        self._check_location: tuple[str, int | None, str] | None = None

    def row_of(self, item: pytest.Item) -> Finding | None:
        """The row ``item`` tests when it may take the short protocol, else None."""
        if not self.enabled or not isinstance(item, pytest.Function) or item.obj is not self.check:
            return None
        finding = item.callspec.params.get(self.row_fixture) if hasattr(item, "callspec") else None
        if not isinstance(finding, Finding) or not self.fixture_names.issuperset(item.fixturenames):
            return None
        if next(item.iter_markers(), None) is not None or not self._plain(item.ihook):
            return None
        return finding

    def _plain(self, ihook: Any) -> bool:
        known = self._plain_hooks.get(id(ihook))
        if known is None:
            known = all(
                _plugin_module(impl.plugin).startswith(PHASE_HOOKS_SEEN_BY_DESIGN)
                for name in PHASE_HOOKS
                for impl in getattr(ihook, name).get_hookimpls()
            )
            self._plain_hooks[id(ihook)] = known
        return known

    def run(self, item: pytest.Item, finding: Finding, nextitem: pytest.Item | None) -> None:
        """logstart, the setup/call/teardown reports pytest would make, logfinish."""
        ihook = item.ihook
        node_id = getattr(item, "id", None) or item.nodeid
        location = self._location(item)
        ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=location)
        keywords: dict[str, Literal[1]] = dict.fromkeys(item.keywords, 1)

        def report(when: str, outcome: Outcome, longrepr: object, started: float, clock: float) -> None:
            report = pytest.TestReport(
                node_id,  # pytest 9: its structured id (no parsing per report); pytest 8: the string
                location,
                keywords,
                outcome,
                longrepr,  # type: ignore[arg-type]
                when,  # type: ignore[arg-type]
                (),
                time.perf_counter() - clock,
                started,
                time.time(),
                user_properties=item.user_properties,
            )
            if wasxfail is not None:
                report.wasxfail = wasxfail
            ihook.pytest_runtest_logreport(report=report)

        wasxfail: str | None = None
        started, clock = time.time(), time.perf_counter()
        try:
            self.setup_row(item, finding)
        except pytest.fail.Exception as exc:
            report("setup", "failed", self._failure(exc, finding), started, clock)
        except (pytest.exit.Exception, KeyboardInterrupt):
            raise
        except BaseException as exc:
            report("setup", "failed", self._crash(item, exc, finding, "setup"), started, clock)
        else:
            report("setup", "passed", None, started, clock)
            started, clock = time.time(), time.perf_counter()
            outcome, longrepr, wasxfail = self._call(item, finding)
            report("call", outcome, longrepr, started, clock)
            wasxfail = None
        session = item.session
        if session.shouldfail or session.shouldstop:
            nextitem = None
        started, clock = time.time(), time.perf_counter()
        setup_state = getattr(session, "_setupstate", None)
        if setup_state is not None and setup_state.stack:  # nodes an earlier test set up
            setup_state.teardown_exact(nextitem)
        report("teardown", "passed", None, started, clock)
        ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=location)

    def _location(self, item: pytest.Item) -> tuple[str, int | None, str]:
        """``item.location``: the check's file and line (computed once: the same function for every row)
        and the row's own name."""
        if self._check_location is None:
            self._check_location = item.location
            return self._check_location
        path, line, _ = self._check_location
        return (path, line, item.getmodpath())  # type: ignore[attr-defined]  # a Function (row_of)

    def _call(self, item: pytest.Item, finding: Finding) -> tuple[Outcome, object, str | None]:
        """The check's outcome, its failure representation (or skip location), and an xfail reason."""
        try:
            self.check(finding)
        except pytest.skip.Exception as exc:
            path, line = _crash_site(exc.__traceback__)
            return "skipped", (path, line, _exconly(exc)), None
        except pytest.xfail.Exception as exc:  # a waived row: rare, so pytest itself renders its traceback
            return "skipped", item.repr_failure(pytest.ExceptionInfo.from_exception(exc)), exc.msg
        except pytest.fail.Exception as exc:
            return "failed", self._failure(exc, finding), None
        except (pytest.exit.Exception, KeyboardInterrupt):
            raise
        except BaseException as exc:  # a crash, not a verdict: pytest renders it, the row fails
            return "failed", self._crash(item, exc, finding, "call"), None
        return "passed", None, None

    def _crash(self, item: pytest.Item, exc: BaseException, finding: Finding, when: str) -> object:
        """pytest's own representation of an unexpected exception, with the row's line as its message."""
        excinfo = pytest.ExceptionInfo.from_exception(exc)
        if when == "call":
            longrepr: Any = item.repr_failure(excinfo)
        else:
            longrepr = item._repr_failure_py(excinfo, style=item.config.getoption("tbstyle", "auto"))
        crash = getattr(longrepr, "reprcrash", None)
        if crash is not None:
            crash.message = self.crash_message(finding)
        return longrepr

    def _failure(self, exc: BaseException, finding: Finding) -> ExceptionChainRepr:
        return _value_repr(exc, self.crash_message(finding))


def _value_repr(exc: BaseException, crash_message: str) -> ExceptionChainRepr:
    """What pytest makes of ``pytest.fail(..., pytrace=False)``: the message only, at the raising line."""
    path, line = _crash_site(exc.__traceback__)
    entry = ReprEntry(str(exc).split("\n"), None, None, None, "value")
    return ExceptionChainRepr(
        [(ReprTraceback([entry], None, style="value"), ReprFileLocation(path, line, crash_message), None)]
    )


def _exconly(exc: BaseException) -> str:
    return pytest.ExceptionInfo.from_exception(exc).exconly(tryshort=True)


def _crash_site(tb: TracebackType | None) -> tuple[str, int]:
    """The innermost frame not hidden from tracebacks (``__tracebackhide__``), as pytest reports it."""
    site = ("", 0)
    while tb is not None:
        frame = tb.tb_frame
        if not frame.f_locals.get("__tracebackhide__") and not frame.f_globals.get("__tracebackhide__"):
            site = (frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return site


def _plugin_module(plugin: object) -> str:
    """The module a plugin comes from (a plugin is a module or an object of a class)."""
    name = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
    return f"{name}." if name in ("sesguard", "_pytest") else name
