"""The pytest plugin: options, one test per (policy, resource), and the reports at the end.

Registered through the ``pytest11`` entry point wherever sesguard is installed (``-p sesguard.plugin``
names the same plugin). Nothing happens unless a source is chosen (``--templates``, ``--aws`` or
``--inventory``); then, when no test paths are given, the shipped checks (:mod:`sesguard.checks`)
are what is collected. Under pytest-xdist the controlling process reads the live account once, hands
the snapshot to the workers, gathers every row's outcome and writes the reports.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from sesguard import __version__
from sesguard.causes import cause_line
from sesguard.checks.verdict import from_verdict_frame
from sesguard.config import ConfigError, Settings, Waiver, find_config, load_settings
from sesguard.engine import Finding
from sesguard.model import Inventory
from sesguard.policies import (
    SEVERITY_RANK,
    Policy,
    PolicyError,
    default_policy_dir,
    load_policies,
    policy_set_digest,
)
from sesguard.runtest import RowRunner
from sesguard.terminal import row_detail, row_line, safe
from sesguard.verdicts import WaiverState, waiver_notice

if TYPE_CHECKING:
    from sesguard.run import Request

ROW_FIXTURE: Final = "sesguard_finding"


@dataclass
class RunState:
    """What one pytest session of sesguard holds: settings, inventory and rows."""

    policies: list[Policy]
    settings: Settings
    policy_dir: Path
    sources: list[str]
    inputs: list[str]
    started_at: str
    inventory: Inventory | None = None
    snapshot: Inventory | None = None
    findings: list[Finding] = field(default_factory=list)
    baseline: list[Waiver] = field(default_factory=list)
    waiver_states: list[WaiverState] = field(default_factory=list)
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


def _sources_requested(config: pytest.Config) -> list[str]:
    sources = []
    if config.getoption("templates"):
        sources.append("templates")
    if config.getoption("aws"):
        sources.append("aws")
    if config.getoption("inventory"):
        sources.append("inventory")
    return sources


def _report_formats(config: pytest.Config) -> list[str]:
    from sesguard.findings.writers import DEFAULT_REPORT_FORMATS, parse_formats

    raw = config.getoption("report_format")
    if raw is None:
        return list(DEFAULT_REPORT_FORMATS)
    try:
        return list(parse_formats(str(raw)))
    except ValueError as exc:
        raise pytest.UsageError(f"--report-format: {exc}") from None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Load policies, settings and waivers; bad files stop the run with one line (exit code 4)."""
    sources = _sources_requested(config)
    if not sources:
        return
    if config.getoption("aws") and config.getoption("inventory"):
        raise pytest.UsageError("--aws and --inventory are exclusive: scan live or evaluate a saved snapshot")
    if config.getoption("inventory_out") and not config.getoption("aws"):
        raise pytest.UsageError("--inventory-out needs --aws (it saves what the live scan read)")
    if config.getoption("shard") is not None and not config.getoption("aws"):
        raise pytest.UsageError("--shard needs --aws (it splits the accounts a live scan reads)")
    if (config.getoption("accounts") or config.getoption("organization")) and not config.getoption(
        "assume_role"
    ):
        raise pytest.UsageError("--accounts/--organization need --assume-role ROLE_NAME")
    _reclaim_test_paths(config)
    _check_template_paths(config)
    policy_dir = Path(config.getoption("policies")) if config.getoption("policies") else default_policy_dir()
    try:
        policies = load_policies(policy_dir)
        config_path = (
            Path(config.getoption("config")) if config.getoption("config") else find_config(Path.cwd())
        )
        settings = load_settings(
            config_path, [Path(p) for p in config.getoption("waivers")], policies, config.getoption("fail_on")
        )
        baseline = _read_baseline(config)
    except (PolicyError, ConfigError) as exc:
        raise pytest.UsageError(str(exc)) from None
    _report_formats(config)
    if config.getoption("aws"):
        _live_options(config)
    enabled = [p for p in policies if p.id not in settings.disabled]
    if not enabled:
        where = settings.config_file or "the settings"
        raise pytest.UsageError(
            f"sesguard: {where}: 'disabled' turns off all {len(policies)} policies; nothing would be checked"
        )
    inputs = list(config.getoption("templates"))
    snapshot = None
    if config.getoption("inventory"):
        from sesguard.shards import ShardError, read_snapshots
        from sesguard.snapshot import SnapshotError

        inputs.extend(config.getoption("inventory"))
        try:
            snapshot = read_snapshots([Path(p) for p in config.getoption("inventory")])
        except (SnapshotError, ShardError) as exc:
            raise pytest.UsageError(f"sesguard: {exc}") from None
    config.stash[STATE_KEY] = RunState(
        policies=enabled,
        settings=settings,
        policy_dir=policy_dir,
        sources=sources,
        inputs=inputs,
        started_at=_now(),
        snapshot=snapshot,
        baseline=baseline,
    )
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


def _read_baseline(config: pytest.Config) -> list[Waiver]:
    from sesguard.baseline import read

    path = config.getoption("baseline")
    return read(Path(path)) if path else []


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


def _check_template_paths(config: pytest.Config) -> None:
    """A ``--templates`` path that does not exist is a usage error (a typo), not 22 error rows; so is one
    that is not a regular file or folder (a pipe, ``/dev/stdin``, ``<(...)``, a FIFO, a device: it
    would be read partly, twice or forever), and a size limit that is not a positive number."""
    from sesguard.sources.input_files import kind_problem

    limit = config.getoption("max_template_bytes")
    if limit <= 0:
        raise pytest.UsageError(f"--max-template-bytes: {limit} is not a positive number of bytes")
    for value in config.getoption("templates"):
        if not Path(value).exists():
            raise pytest.UsageError(f"--templates: {value}: no such file or directory")
        problem = kind_problem(Path(value))
        if problem is not None:
            raise pytest.UsageError(f"--templates {value}: {problem}")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """The effective settings, so a run's output says what judged it."""
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return None
    s = state.settings
    return [
        f"sesguard {__version__}: {len(state.policies)} policies from {state.policy_dir}, "
        f"sources: {', '.join(state.sources)}, fail-on: {s.fail_on}",
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


def _request(config: pytest.Config, state: RunState) -> Request:
    """What this run reads, from the command line."""
    from sesguard.run import Request

    return Request(
        templates=[Path(p) for p in config.getoption("templates")],
        max_template_bytes=config.getoption("max_template_bytes"),
        snapshot=state.snapshot,
        live=(lambda: _live_inventory(config, state)) if config.getoption("aws") else None,
    )


def _live_inventory(config: pytest.Config, state: RunState) -> Inventory:
    """The live account: read once by the controlling process, a pytest-xdist worker gets its snapshot."""
    from sesguard.snapshot import read_snapshot, write_snapshot

    if _is_worker(config):
        return read_snapshot(Path(config.workerinput[LIVE_SNAPSHOT_INPUT]))  # type: ignore[attr-defined]
    live = _collect_live(config)
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
    if state.inventory is None:
        _evaluate(node.config, state)
        empty = _empty_paths(node.config, state)
        if empty is not None:
            node.config.stash[EMPTY_KEY] = empty
    if EMPTY_KEY in node.config.stash:
        pytest.exit(node.config.stash[EMPTY_KEY], returncode=pytest.ExitCode.USAGE_ERROR)
    if state.live_snapshot is not None:
        node.workerinput[LIVE_SNAPSHOT_INPUT] = str(state.live_snapshot)


def _live_options(config: pytest.Config) -> Any:
    """The live reader's options from the command line; inconsistent ones are a usage error."""
    from sesguard.sources.live import LiveOptions

    timeout = config.getoption("timeout")
    if not timeout > 0:
        raise pytest.UsageError(f"--timeout: {timeout:g} is not a positive number of seconds")

    def split(value: str | None) -> list[str] | None:
        return [v.strip() for v in value.split(",") if v.strip()] if value else None

    options = LiveOptions(
        profile=config.getoption("profile"),
        regions=split(config.getoption("regions")),
        assume_role=config.getoption("assume_role"),
        external_id=config.getoption("external_id"),
        role_session_duration=config.getoption("role_session_duration"),
        accounts=split(config.getoption("accounts")),
        organization=config.getoption("organization"),
        dns=config.getoption("dns"),
        all_regions_strict=config.getoption("all_regions_strict"),
        lookback_days=config.getoption("lookback_days"),
        shard=_shard(config),
        connect_timeout=timeout,
        read_timeout=timeout,
        call_deadline=timeout,
        progress=_progress(config),
    )
    from sesguard.sources.live.preflight import preflight

    try:
        preflight(options)
    except ValueError as exc:
        raise pytest.UsageError(f"sesguard: {exc}") from None
    return options


def _shard(config: pytest.Config) -> Any:
    """``--shard K/N`` as a Shard; a malformed or out-of-range spec is a usage error."""
    spec = config.getoption("shard")
    if spec is None:
        return None
    from sesguard.shards import Shard, ShardError

    try:
        return Shard.parse(str(spec), config.getoption("shard_by"))
    except ShardError as exc:
        raise pytest.UsageError(f"sesguard: {exc}") from None


def _collect_live(config: pytest.Config) -> Inventory:
    from sesguard.snapshot import write_snapshot
    from sesguard.sources.live import collect_live

    try:
        live = collect_live(_live_options(config))
    except ValueError as exc:  # e.g. no region configured: a usage error, not a finding
        raise pytest.UsageError(f"sesguard: {exc}") from None
    state = config.stash[STATE_KEY]
    live.meta["sesguard"] = {"version": __version__, "policy_set_digest": policy_set_digest(state.policy_dir)}
    out = config.getoption("inventory_out")
    if out:
        write_snapshot(live, Path(out))
    return live


def _evaluate(config: pytest.Config, state: RunState) -> None:
    from sesguard.run import collect, evaluate

    evaluation = evaluate(
        collect(_request(config, state)), state.policies, state.settings, date.today(), state.baseline
    )
    state.findings, state.waiver_states = evaluation.findings, evaluation.waiver_states
    state.inventory = evaluation.inventory


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize the check with one row per (policy, resource), ids ``POLICY::resource``, sorted."""
    if ROW_FIXTURE not in metafunc.fixturenames:
        return
    state = metafunc.config.stash.get(STATE_KEY, None)
    if state is None:  # reported once collection is over (an exit inside a collector is a collection error)
        metafunc.config.stash[NO_SOURCE_KEY] = True
        metafunc.parametrize(ROW_FIXTURE, [], indirect=True)
        return
    if state.inventory is None:
        _evaluate(metafunc.config, state)
        empty = _empty_paths(metafunc.config, state)
        if empty is not None:
            metafunc.config.stash[EMPTY_KEY] = empty
    rows = sorted(state.findings, key=lambda f: f.id)
    # Direct parametrization: the row is the argument itself. Through the fixture (indirect) pytest would
    # build a `request` fixture definition per row and phase, a tenth of a large run's time.
    metafunc.parametrize(ROW_FIXTURE, rows, ids=[f.id for f in rows])


NO_SOURCE_KEY: Final = pytest.StashKey[bool]()
EMPTY_KEY: Final = pytest.StashKey[str]()


def _empty_paths(config: pytest.Config, state: RunState) -> str | None:
    """The usage error for ``--templates`` paths that hold no template (unless ``--allow-empty``)."""
    empty = state.inventory.meta.get("empty_paths") if state.inventory is not None else None
    if not empty or config.getoption("allow_empty"):
        return None
    return (
        f"sesguard: no template found in {', '.join(map(str, empty))} (CloudFormation .yaml/.yml/.json/"
        ".template with Resources, Terraform .tf or plan JSON); pass --allow-empty if that is expected"
    )


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
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or state.inventory is None or _is_worker(session.config):
        return
    if EMPTY_KEY in session.config.stash:
        return  # a usage error: no report says anything about a run that checked nothing
    _forget_passed_setups(session.config)
    from sesguard.findings.build import build_document
    from sesguard.findings.writers import each_report

    config = session.config
    report_dir = Path(config.getoption("report_dir"))
    selected = set(state.outcomes)
    findings = [f for f in state.findings if f.id in selected] if selected else state.findings
    document = build_document(
        findings,
        state.waiver_states,
        state.inventory,
        run={
            "started_at": state.started_at,
            "finished_at": _now(),
            "sources": state.sources,
            "inputs": state.inputs,
            "policy_set_digest": policy_set_digest(state.policy_dir),
            "policy_count": len(state.policies),
            "fail_on": state.settings.fail_on,
            "config_file": state.settings.config_file,
            "waiver_files": state.settings.waiver_files,
            "inventory_collected_at": state.inventory.collected_at,
            "api_calls": state.inventory.meta.get("api_calls"),
            "selected_rows": len(findings),
            "total_rows": len(state.findings),
            # -k, --lf, -x, a shard: not every row ran, so the run cannot speak for the others
            "partial": len(findings) < len(state.findings),
        },
        policies=state.policies,
    )
    formats = _report_formats(config)
    config.stash[DOCUMENT_KEY] = document  # the results are printed even when no report can be written
    written: list[Path] = []
    try:
        for path in each_report(document, report_dir, formats):  # findings.json whatever formats says
            written.append(path)
    except OSError as exc:
        config.stash[WRITE_PROBLEM_KEY] = (
            f"sesguard: --report-dir {report_dir}: cannot write the reports ({_write_problem(report_dir, exc)})"
        )
    baseline_out = config.getoption("create_baseline")
    if baseline_out:
        from sesguard.baseline import write as write_baseline

        try:
            count = write_baseline(state.findings, Path(baseline_out), state.started_at)
        except OSError as exc:
            config.stash[WRITE_PROBLEM_KEY] = (
                f"sesguard: --create-baseline {baseline_out}: cannot write it "
                f"({_write_problem(Path(baseline_out).parent, exc)})"
            )
        else:
            written.append(Path(baseline_out))
            config.stash[BASELINE_KEY] = f"baseline: {baseline_out} records {count} failing row(s)"
    config.stash[WRITTEN_KEY] = [str(p) for p in written]
    if WRITE_PROBLEM_KEY in config.stash:
        # The reports asked for do not exist: a usage error, said in one line after the results.
        session.exitstatus = pytest.ExitCode.USAGE_ERROR
    elif config.getoption("soft_fail") and session.exitstatus == pytest.ExitCode.TESTS_FAILED:
        session.exitstatus = pytest.ExitCode.OK
        config.stash[SOFT_FAIL_KEY] = True


def _write_problem(folder: Path, exc: OSError) -> str:
    """Why writing into ``folder`` failed, in words: a file in the way, or the system's reason."""
    blocked = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        return f"{blocked} is a file, not a folder"
    return exc.strerror or str(exc)


def _forget_passed_setups(config: pytest.Config) -> None:
    """Drop the passed setup/teardown reports without output from the terminal's statistics.

    pytest looks up each failure's teardown reports by scanning all of them, quadratic in the rows of
    a run with thousands of failures (``-v``); without output they print nothing.
    """
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and "" in reporter.stats:
        reporter.stats[""] = [r for r in reporter.stats[""] if getattr(r, "sections", None)]


def failing_lines(
    findings: list[Finding], outcomes: dict[str, str], causes: Sequence[Mapping[str, Any]] = ()
) -> list[str]:
    """One terminal line per cause shared by error rows (an account or region that could not be
    read), then one per other row that failed the run, most severe first."""
    grouped = {row_id for cause in causes for row_id in cause.get("rows") or ()}
    lines = [cause_line(cause) for cause in causes]
    failing = [f for f in findings if outcomes.get(f.id) == "failed" and f.id not in grouped]
    failing.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.id))
    return lines + [f"{'ERROR ' if f.status == 'error' else 'FAILED'} {safe(f.id)} {row_line(f)}" for f in failing]


WRITTEN_KEY: Final = pytest.StashKey[list[str]]()
WRITE_PROBLEM_KEY: Final = pytest.StashKey[str]()
BASELINE_KEY: Final = pytest.StashKey[str]()
SOFT_FAIL_KEY: Final = pytest.StashKey[bool]()
DOCUMENT_KEY: Final = pytest.StashKey[dict[str, Any]]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Counts by status and severity, waivers that need attention, and where the reports are."""
    document = config.stash.get(DOCUMENT_KEY, None)
    if document is None:
        return
    summary = document["summary"]
    tr = terminalreporter
    tr.section("sesguard")
    state = config.stash.get(STATE_KEY, None)
    if state is not None:
        for line in failing_lines(state.findings, state.outcomes, document.get("causes") or ()):
            tr.write_line(line)
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_status"].items() if n)
    soft = " (--soft-fail: exit code 0)" if config.stash.get(SOFT_FAIL_KEY, False) else ""
    tr.write_line(f"verdict: {summary['verdict']} ({counts or 'no rows'}){soft}")
    for severity, by_status in summary["by_severity"].items():
        failing = by_status["fail"] + by_status["error"]
        if failing:
            tr.write_line(f"  {severity}: {by_status['fail']} fail, {by_status['error']} error")
    baseline_states: dict[str, int] = {}
    for waiver in document["waivers"]:
        notice = waiver_notice(waiver)
        if notice is not None:
            tr.write_line(f"  {safe(notice, limit=2000)}")
    for waiver in document["waivers"]:
        kind = waiver.get("kind", "waiver")
        if kind == "baseline":
            baseline_states[waiver["state"]] = baseline_states.get(waiver["state"], 0) + 1
            continue
        name = "suppression" if kind == "inline" else "waiver"
        if waiver["state"] in ("stale", "expired", "unused"):
            tr.write_line(
                f"  {waiver['state']} {name}: {waiver['policy_id']}::{waiver['resource']} ({waiver['origin']})"
            )
        elif waiver["state"] == "invalid":
            tr.write_line(
                f"  invalid {name}: {waiver['policy_id']}::{waiver['resource']} ({waiver['origin']}): "
                "a reason is required; it suppresses nothing"
            )
    if baseline_states:
        tr.write_line(
            "  baseline: "
            + ", ".join(f"{n} {state}" for state, n in sorted(baseline_states.items()))
            + " (stale/unused entries no longer fail: --create-baseline again to drop them)"
        )
    if config.stash.get(BASELINE_KEY, None):
        tr.write_line(config.stash[BASELINE_KEY])
    for path in config.stash.get(WRITTEN_KEY, []):
        tr.write_line(f"report: {path}")
    problem = config.stash.get(WRITE_PROBLEM_KEY, None)
    if problem is not None:
        tr.write_line(problem, red=True, bold=True)
