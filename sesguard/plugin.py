"""The pytest plugin: options, one test per (policy, resource), and the reports at the end.

Registered through the ``pytest11`` entry point wherever sesguard is installed (``-p sesguard.plugin``
names the same plugin). Nothing happens unless a source is chosen (``--templates``, ``--aws`` or
``--inventory``); then, when no test paths are given, the shipped checks (:mod:`sesguard.checks`)
are what is collected. Under pytest-xdist the controlling process reads the live account once, hands
the snapshot to the workers, gathers every row's outcome and writes the reports.
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from sesguard import __version__, gc_pause
from sesguard.checks.verdict import from_verdict_frame
from sesguard.engine import Finding
from sesguard.run_outputs import Outputs
from sesguard.runtest import RowRunner
from sesguard.terminal import row_detail, row_line
from sesguard.usage import UsageError

if TYPE_CHECKING:
    from sesguard.model import Inventory
    from sesguard.run import Evaluation
    from sesguard.run_setup import Setup

ROW_FIXTURE: Final = "sesguard_finding"


@dataclass
class RunState:
    """What one pytest session of sesguard holds: its setup, the evaluated rows and their outcomes."""

    setup: Setup
    evaluation: Evaluation | None = None
    outcomes: dict[str, str] = field(default_factory=dict)
    live_snapshot: Path | None = None  # the live inventory handed to pytest-xdist workers


LIVE_SNAPSHOT_INPUT: Final = "sesguard_live_snapshot"
"""The ``workerinput`` key naming the controller's live snapshot file (pytest-xdist)."""


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _is_controller(config: pytest.Config) -> bool:
    return config.pluginmanager.has_plugin("dsession")


STATE_KEY: Final = pytest.StashKey[RunState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """sesguard's options (:mod:`sesguard.options`), in one group."""
    from sesguard.options import add_to_pytest

    add_to_pytest(parser.getgroup("sesguard", "sesguard: SES compliance checks"))


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Load policies, settings and waivers; bad files stop the run with one line (exit code 4), except a
    bad policy file: the others still run, and the run reports it and exits 4 (pytest_sessionfinish)."""
    from sesguard.run_setup import check_combination, prepare, requested

    if not requested(config.getoption):
        return
    try:
        check_combination(config.getoption)
        _reclaim_test_paths(config)
        config.stash[STATE_KEY] = RunState(prepare(config.getoption, _progress(config)))
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    config.pluginmanager.register(
        RowOutcomes(config.stash[STATE_KEY].outcomes, reporter), "sesguard-row-outcomes"
    )
    from sesguard.checks.test_policies import test_policy

    config.stash[RUNNER_KEY] = RowRunner(config, test_policy, ROW_FIXTURE, setup_row, row_line)
    _collect_the_checks(config)
    _quiet_by_default(config)


def _collect_the_checks(config: pytest.Config) -> None:
    """No test paths on the command line: collect the shipped checks, not the project's own tests."""
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        from sesguard.cli import checks_dir

        config.args = [str(checks_dir() / "test_policies.py")]


def _quiet_by_default(config: pytest.Config) -> None:
    """One line per failing row (sesguard's summary) unless ``-v`` or ``--tb`` asks for the detail.

    pytest's own per-row output stays available and wins when asked for: ``--tb`` (the detail of each
    row), ``-r`` (its short summary: the same one line, after the node id).
    """
    if config.get_verbosity() <= 0 and not _given(config, "--tb"):
        config.option.tbstyle = "no"
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not _given(config, "-r", "--report-chars"):
        reporter.reportchars = "".join(c for c in reporter.reportchars if c not in "fE")


def _given(config: pytest.Config, *flags: str) -> bool:
    """Whether the command line (or addopts) names one of ``flags``."""
    import os
    import shlex

    args = [*config.invocation_params.args, *config.getini("addopts")]
    args += shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))
    return any(
        arg == flag or arg.startswith(f"{flag}=") or (not flag.startswith("--") and arg.startswith(flag))
        for arg in args
        for flag in flags
    )


def _is_test_path(value: str) -> bool:
    """A path pytest collects (a ``.py`` file or a folder of tests), never a template set."""
    path = Path(value.split("::")[0])
    if path.suffix == ".py" or "::" in value:
        return True
    if not path.is_dir():
        return False
    return (path / "conftest.py").is_file() or any(path.glob("test_*.py")) or any(path.glob("*_test.py"))


def _trailing_template_values(args: Sequence[str]) -> set[str]:
    """The values after the first of each ``--templates`` run on the command line (argparse took them)."""
    trailing: set[str] = set()
    position = -1  # the index of the current value after --templates; -1: not in a --templates run
    for arg in args:
        if arg == "--templates":
            position = 0
        elif arg.startswith("--templates="):
            position = 1
        elif arg.startswith("-"):
            position = -1
        elif position >= 0:
            if position > 0:
                trailing.add(arg)
            position += 1
    return trailing


def _reclaim_test_paths(config: pytest.Config) -> None:
    """``pytest --templates t.yaml checks/``: ``--templates`` took ``checks/``; give it back to pytest.

    ``--templates`` takes several paths, so argparse hands it the positional test paths that follow
    it, and pytest, left without paths, collects its ``testpaths``. When no test path reached pytest,
    a value after the first of a ``--templates`` run that pytest would collect (a ``.py`` file, a
    node id, a folder of tests) goes back to pytest's paths. The first value after ``--templates``
    is always a template path (``--templates .`` in a project with a conftest.py stays one).
    """
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        return
    templates: list[str] = config.option.templates
    trailing = _trailing_template_values(config.invocation_params.args)
    tests = [t for t in templates if t in trailing and _is_test_path(t)]
    if not tests:
        return
    config.option.templates = [t for t in templates if t not in tests]
    config.args = tests
    config.args_source = pytest.Config.ArgsSource.ARGS


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """The effective settings, so a run's output says what judged it."""
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return None
    setup = state.setup
    s = setup.settings
    return [
        f"sesguard {__version__}: {len(setup.policies)} policies from {setup.policy_dir}, "
        f"sources: {', '.join(setup.sources)}, fail-on: {s.fail_on}",
        f"sesguard config: {s.config_file or 'defaults'}; waivers: {len(s.waivers)}"
        + (f"; disabled: {', '.join(s.disabled)}" if s.disabled else ""),
    ]


def _progress(config: pytest.Config) -> Any:
    """Progress lines on the terminal while collecting (output capture is suspended for them)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")

    def show(line: str) -> None:
        if reporter is None:
            return
        if capture is None:
            reporter.write_line(f"sesguard: {line}")
            return
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"sesguard: {line}")

    return show


def _live_inventory(config: pytest.Config, state: RunState) -> Inventory:
    """The live account: read once by the controlling process, a pytest-xdist worker gets its snapshot."""
    from sesguard.snapshot import read_snapshot, write_snapshot

    if _is_worker(config):
        return read_snapshot(Path(config.workerinput[LIVE_SNAPSHOT_INPUT]))  # type: ignore[attr-defined]
    from sesguard.live_run import read_live
    from sesguard.policies import policy_set_digest

    assert state.setup.live is not None
    try:
        live = read_live(state.setup.live, policy_set_digest(state.setup.policy_dir), config.getoption("inventory_out"))
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    if _is_controller(config):
        folder = Path(tempfile.mkdtemp(prefix="sesguard-xdist-"))
        state.live_snapshot = folder / "live.json"
        write_snapshot(live, state.live_snapshot)
        config.add_cleanup(lambda: _remove(folder))
    return live


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist (controller): evaluate once before the workers start, hand them the live snapshot."""
    state = node.config.stash.get(STATE_KEY, None)
    if state is None:
        return
    if state.evaluation is None:
        _evaluate(node.config, state)
    if EMPTY_KEY in node.config.stash:
        pytest.exit(node.config.stash[EMPTY_KEY], returncode=pytest.ExitCode.USAGE_ERROR)
    if state.live_snapshot is not None:
        node.workerinput[LIVE_SNAPSHOT_INPUT] = str(state.live_snapshot)


def _evaluate(config: pytest.Config, state: RunState) -> None:
    """Read and evaluate (once per process); ``--templates`` paths without a template stop the run."""
    from sesguard.run import Request, collect, evaluate
    from sesguard.run_setup import empty_paths_problem

    setup = state.setup
    request = Request(
        templates=[Path(p) for p in config.getoption("templates")],
        max_template_bytes=config.getoption("max_template_bytes"),
        snapshot=setup.snapshot,
        live=(lambda: _live_inventory(config, state)) if setup.live is not None else None,
    )

    def read_and_evaluate() -> Evaluation:
        return evaluate(collect(request), setup.policies, setup.settings, date.today(), setup.baseline)

    if setup.live is not None or FROZEN_KEY not in config.stash:  # an AWS read makes garbage as it goes
        state.evaluation = read_and_evaluate()
    else:  # templates and snapshots: one pause over reading and evaluating, then frozen, not collected
        collecting = gc.isenabled()
        with gc_pause.paused_gc():
            state.evaluation = read_and_evaluate()
            config.stash[FROZEN_KEY] = collecting and gc_pause.freeze()
    empty = empty_paths_problem(state.evaluation.inventory, config.getoption("allow_empty"))
    if empty is not None:
        config.stash[EMPTY_KEY] = empty


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize the check with one row per (policy, resource), ids ``POLICY::resource``, sorted."""
    if ROW_FIXTURE not in metafunc.fixturenames:
        return
    state = metafunc.config.stash.get(STATE_KEY, None)
    if state is None:  # reported once collection is over (an exit inside a collector is a collection error)
        metafunc.config.stash[NO_SOURCE_KEY] = True
        metafunc.parametrize(ROW_FIXTURE, [], indirect=True)
        return
    if state.evaluation is None:
        _evaluate(metafunc.config, state)
    assert state.evaluation is not None
    rows = sorted(state.evaluation.findings, key=lambda f: f.id)
    # Direct parametrization: the row is the argument itself. Through the fixture (indirect) pytest would
    # build a `request` fixture definition per row and phase, a tenth of a large run's time.
    metafunc.parametrize(ROW_FIXTURE, rows, ids=[f.id for f in rows])


NO_SOURCE_KEY: Final = pytest.StashKey[bool]()
EMPTY_KEY: Final = pytest.StashKey[str]()
FROZEN_KEY: Final = pytest.StashKey[bool]()  # whether this run froze the objects it holds (gc_pause)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The checks were collected without a source, or a ``--templates`` path holds no template (and
    ``--allow-empty`` was not given): a usage error (exit code 4)."""
    empty = session.config.stash.get(EMPTY_KEY, None)
    if empty is not None:
        pytest.exit(empty, returncode=pytest.ExitCode.USAGE_ERROR)
    if session.config.stash.get(NO_SOURCE_KEY, False):
        pytest.exit(
            "sesguard: choose what to check: --templates PATH [PATH ...], --aws, or --inventory FILE",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
    stash = session.config.stash
    if STATE_KEY in stash and FROZEN_KEY in stash and gc.isenabled():
        # what the run holds now (modules, evaluation, the rows' items) lives to its end: later
        # collections skip it
        stash[FROZEN_KEY] = gc_pause.freeze(ours=stash[FROZEN_KEY])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> Generator[None, Any, Any]:
    """Before pytest configures: the cleanup that unfreezes what a sesguard run froze (see
    :func:`pytest_collection_finish`), registered first so that it runs last, after pytest's own
    end-of-run collections. Nothing stays frozen after the run (pytest may run again in this process)."""
    config.stash[FROZEN_KEY] = False
    config.add_cleanup(lambda: _unfreeze(config))
    return (yield)


def _unfreeze(config: pytest.Config) -> None:
    if config.stash.get(FROZEN_KEY, False):
        config.stash[FROZEN_KEY] = False
        gc_pause.unfreeze()


@pytest.fixture
def sesguard_finding(request: pytest.FixtureRequest) -> Finding:
    """The row under test (each row parametrizes this argument directly; see pytest_generate_tests)."""
    finding: Finding = request.param
    return finding


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """A row of the shipped check runs through sesguard's short protocol (:mod:`sesguard.runtest`)."""
    runner = item.config.stash.get(RUNNER_KEY, None)
    finding = runner.row_of(item) if runner is not None else None
    if runner is None or finding is None:
        return None
    runner.run(item, finding, nextitem)
    return True


RUNNER_KEY: Final = pytest.StashKey["RowRunner"]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A row's properties (JUnit, xdist); an ``error`` row errors at setup (it could not be evaluated)."""
    callspec = getattr(item, "callspec", None)
    finding = callspec.params.get(ROW_FIXTURE) if callspec is not None else None
    if isinstance(finding, Finding):
        setup_row(item, finding)


def setup_row(item: pytest.Item, finding: Finding) -> None:
    """Give ``item`` its row's properties; fail it (an ERROR: not evaluated) when the row is an error."""
    item.user_properties.extend(
        [
            ("policy_id", finding.policy_id),
            ("severity", finding.severity),
            ("resource", finding.key),
            ("status", finding.status),
            ("row_id", finding.id),
        ]
    )
    if finding.status == "error":
        # Failing at setup makes pytest report the row as an ERROR (could not be evaluated).
        pytest.fail(row_detail(finding), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing row's crash line is its one terminal line (pytest's short summary, JUnit's message).

    Its traceback is cut to sesguard's own frame first: the row's failure is a verdict, not a crash,
    and pytest would otherwise filter the whole hook stack of every failing row (a sixth of a run's time
    with thousands of them).
    """
    callspec = getattr(item, "callspec", None)
    finding = callspec.params.get(ROW_FIXTURE) if callspec is not None else None
    if isinstance(finding, Finding) and call.excinfo is not None:
        call.excinfo = from_verdict_frame(call.excinfo, __name__)
    report = yield
    if report.failed and isinstance(finding, Finding):
        crash = getattr(report.longrepr, "reprcrash", None)
        if crash is not None:
            crash.message = row_line(finding)
    return report


class RowOutcomes:
    """Keeps which rows ran (and how), so findings.json covers exactly the selected rows.

    Reports reach ``pytest_runtest_logreport`` in the process that writes the reports: the only one in
    a serial run, the controlling one under pytest-xdist (rows known by their ``row_id`` property).
    """

    def __init__(self, outcomes: dict[str, str], reporter: Any) -> None:
        self.outcomes = outcomes
        self.reporter = reporter

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Record the row's outcome: its call, or the setup/teardown that did not pass."""
        if report.when != "call" and report.outcome == "passed":
            self._forget(report)
            return
        for name, value in report.user_properties:
            if name == "row_id":
                self.outcomes[str(value)] = report.outcome
                return

    def _forget(self, report: pytest.TestReport) -> None:
        """Keep no passed setup/teardown report without output in the terminal's statistics (memory:
        two of each row's three reports; time: see :func:`_forget_passed_setups`)."""
        kept = self.reporter.stats.get("") if self.reporter is not None else None
        if kept and kept[-1] is report and not report.sections:
            kept.pop()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write findings.json (and the other formats) for the evaluated rows."""
    config = session.config
    state = config.stash.get(STATE_KEY, None)
    if state is None or state.evaluation is None or _is_worker(config):
        return
    if EMPTY_KEY in config.stash:
        return  # a usage error: no report says anything about a run that checked nothing
    _forget_passed_setups(config)
    from sesguard.run import document
    from sesguard.run_outputs import write_outputs

    doc = document(state.evaluation, state.setup, set(state.outcomes))
    config.stash[DOCUMENT_KEY] = doc  # the results are printed even when no report can be written
    outputs = write_outputs(
        doc,
        Path(config.getoption("report_dir")),
        state.setup.formats,
        state.evaluation.findings,
        config.getoption("create_baseline"),
        state.setup.started_at,
    )
    config.stash[OUTPUTS_KEY] = outputs
    if outputs.problem is not None or state.setup.policy_problems:
        # The reports asked for do not exist, or a policy file could not be loaded (every other policy
        # ran): bad input, said in one line each after the results.
        session.exitstatus = pytest.ExitCode.USAGE_ERROR
    elif config.getoption("soft_fail") and session.exitstatus == pytest.ExitCode.TESTS_FAILED:
        session.exitstatus = pytest.ExitCode.OK
        config.stash[SOFT_FAIL_KEY] = True


def _forget_passed_setups(config: pytest.Config) -> None:
    """Drop the passed setup/teardown reports without output from the terminal's statistics.

    pytest looks up each failure's teardown reports by scanning all of them, quadratic in the rows of
    a run with thousands of failures (``-v``); without output they print nothing.
    """
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and "" in reporter.stats:
        reporter.stats[""] = [r for r in reporter.stats[""] if getattr(r, "sections", None)]


OUTPUTS_KEY: Final = pytest.StashKey[Outputs]()
SOFT_FAIL_KEY: Final = pytest.StashKey[bool]()
DOCUMENT_KEY: Final = pytest.StashKey[dict[str, Any]]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Counts by status and severity, waivers that need attention, and where the reports are."""
    document = config.stash.get(DOCUMENT_KEY, None)
    state = config.stash.get(STATE_KEY, None)
    if document is None or state is None or state.evaluation is None:
        return
    from sesguard.run_summary import summary_lines

    tr = terminalreporter
    tr.section("sesguard")
    soft = config.stash.get(SOFT_FAIL_KEY, False)
    for line in summary_lines(document, state.evaluation.findings, state.outcomes, soft):
        tr.write_line(line)
    outputs = config.stash.get(OUTPUTS_KEY, None)
    if outputs is None:
        return
    if outputs.baseline:
        tr.write_line(outputs.baseline)
    for path in outputs.written:
        tr.write_line(f"report: {path}")
    if outputs.problem is not None:
        tr.write_line(outputs.problem, red=True, bold=True)
