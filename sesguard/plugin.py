"""The pytest plugin: options, one test per (policy, resource), and the reports at the end.

Loaded by the repository's ``conftest.py`` (``pytest_plugins``) or with ``-p sesguard.plugin``.
Nothing happens unless a source is chosen (``--templates``, ``--aws`` or ``--inventory``).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import pytest

from sesguard import __version__
from sesguard.config import ConfigError, Settings, find_config, load_settings
from sesguard.engine import Finding
from sesguard.model import Inventory
from sesguard.policies import (
    SEVERITIES,
    Policy,
    PolicyError,
    default_policy_dir,
    load_policies,
    policy_set_digest,
)
from sesguard.verdicts import WaiverState

ROW_FIXTURE: Final = "sesguard_finding"
DEFAULT_REPORT_DIR: Final = "reports"


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
    waiver_states: list[WaiverState] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)


STATE_KEY: Final = pytest.StashKey[RunState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """sesguard's options, in one group."""
    group = parser.getgroup("sesguard", "sesguard: SES compliance checks")
    group.addoption(
        "--templates",
        nargs="+",
        action="extend",
        default=[],
        metavar="PATH",
        help="CloudFormation/SAM/CDK templates and Terraform modules or plan JSON (files or folders).",
    )
    group.addoption(
        "--aws",
        action="store_true",
        default=False,
        help="Scan the live AWS account(s) read-only with the standard boto3 credential chain.",
    )
    group.addoption("--profile", default=None, help="AWS profile for --aws.")
    group.addoption(
        "--regions",
        default=None,
        metavar="R1,R2|all",
        help="Regions for --aws (default: the session's region; 'all': every SES region).",
    )
    group.addoption(
        "--assume-role",
        default=None,
        metavar="ROLE_NAME",
        help="Role name assumed in each account given by --accounts or --organization.",
    )
    group.addoption(
        "--external-id",
        default=None,
        metavar="ID",
        help="External ID the --assume-role roles' trust policies require (sts:ExternalId).",
    )
    group.addoption(
        "--role-session-duration",
        type=int,
        default=3600,
        metavar="SECONDS",
        help="Lifetime of each assumed-role session, 900-43200 (default 3600); refreshed as it expires.",
    )
    group.addoption(
        "--accounts", default=None, metavar="ID,ID", help="Accounts to scan through --assume-role."
    )
    group.addoption(
        "--organization",
        action="store_true",
        default=False,
        help="Scan every active account of the organization through --assume-role.",
    )
    group.addoption("--dns", action="store_true", default=False, help="Look up DMARC records in DNS (live).")
    group.addoption(
        "--lookback-days",
        type=int,
        default=14,
        help="Look-back window for the reputation metrics (default 14 days).",
    )
    group.addoption(
        "--inventory",
        default=None,
        metavar="FILE",
        help="Evaluate a saved inventory snapshot offline (no AWS access).",
    )
    group.addoption("--inventory-out", default=None, metavar="FILE", help="Save the live inventory snapshot.")
    group.addoption(
        "--policies", default=None, metavar="DIR", help="Policy folder (default: the shipped policies)."
    )
    group.addoption(
        "--config",
        default=None,
        metavar="FILE",
        help="Settings file (default: ./sesguard.yaml or [tool.sesguard] in ./pyproject.toml).",
    )
    group.addoption(
        "--waivers", action="append", default=[], metavar="FILE", help="Waiver file (repeatable)."
    )
    group.addoption(
        "--fail-on",
        default=None,
        choices=SEVERITIES,
        help="Lowest severity whose failures fail the run (default: low; info never fails).",
    )
    group.addoption(
        "--report-dir",
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help="Where findings.json and the other reports go (default: reports/).",
    )
    group.addoption(
        "--report-format",
        default=None,
        metavar="FMT,FMT",
        help="Report formats: json, sarif, junit, markdown, html, review (default: json,html).",
    )


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
    from sesguard.reports import DEFAULT_REPORT_FORMATS, parse_formats

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
    if (config.getoption("accounts") or config.getoption("organization")) and not config.getoption(
        "assume_role"
    ):
        raise pytest.UsageError("--accounts/--organization need --assume-role ROLE_NAME")
    policy_dir = Path(config.getoption("policies")) if config.getoption("policies") else default_policy_dir()
    try:
        policies = load_policies(policy_dir)
        config_path = (
            Path(config.getoption("config")) if config.getoption("config") else find_config(Path.cwd())
        )
        settings = load_settings(
            config_path, [Path(p) for p in config.getoption("waivers")], policies, config.getoption("fail_on")
        )
    except (PolicyError, ConfigError) as exc:
        raise pytest.UsageError(str(exc)) from None
    _report_formats(config)
    if config.getoption("aws"):
        _live_options(config)
    enabled = [p for p in policies if p.id not in settings.disabled]
    inputs = list(config.getoption("templates"))
    snapshot = None
    if config.getoption("inventory"):
        from sesguard.snapshot import SnapshotError, read_snapshot

        inputs.append(config.getoption("inventory"))
        try:
            snapshot = read_snapshot(Path(config.getoption("inventory")))
        except SnapshotError as exc:
            raise pytest.UsageError(str(exc)) from None
    config.stash[STATE_KEY] = RunState(
        policies=enabled,
        settings=settings,
        policy_dir=policy_dir,
        sources=sources,
        inputs=inputs,
        started_at=_now(),
        snapshot=snapshot,
    )


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


def _collect(config: pytest.Config, state: RunState) -> Inventory:
    from sesguard.sources.templates import read_templates

    inventory = Inventory()
    templates = [Path(p) for p in config.getoption("templates")]
    if templates:
        inventory.extend(read_templates(templates))
    if state.snapshot is not None:
        inventory.extend(state.snapshot)
    if config.getoption("aws"):
        inventory.extend(_collect_live(config))
    return inventory


def _live_options(config: pytest.Config) -> Any:
    """The live reader's options from the command line; inconsistent ones are a usage error."""
    from sesguard.sources.live import LiveOptions

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
        lookback_days=config.getoption("lookback_days"),
        progress=_progress(config),
    )
    from sesguard.sources.live.preflight import preflight

    try:
        preflight(options)
    except ValueError as exc:
        raise pytest.UsageError(f"sesguard: {exc}") from None
    return options


def _collect_live(config: pytest.Config) -> Inventory:
    from sesguard.snapshot import write_snapshot
    from sesguard.sources.live import collect_live

    try:
        live = collect_live(_live_options(config))
    except ValueError as exc:  # e.g. no region configured: a usage error, not a finding
        raise pytest.UsageError(f"sesguard: {exc}") from None
    out = config.getoption("inventory_out")
    if out:
        write_snapshot(live, Path(out))
    return live


def _evaluate(config: pytest.Config, state: RunState) -> None:
    from sesguard.derive import derive
    from sesguard.engine import build_findings
    from sesguard.verdicts import apply_settings

    inventory = _collect(config, state)
    derive(inventory)
    findings = build_findings(state.policies, inventory, state.settings.params_for(state.policies))
    state.findings, state.waiver_states = apply_settings(findings, state.settings, date.today())
    state.inventory = inventory


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
    rows = sorted(state.findings, key=lambda f: f.id)
    metafunc.parametrize(ROW_FIXTURE, rows, ids=[f.id for f in rows], indirect=True)


NO_SOURCE_KEY: Final = pytest.StashKey[bool]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """The checks were collected without a source: a usage error (exit code 4)."""
    if session.config.stash.get(NO_SOURCE_KEY, False):
        pytest.exit(
            "sesguard: choose what to check: --templates PATH [PATH ...], --aws, or --inventory FILE",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def _place(finding: Finding) -> str:
    loc = finding.resource.location
    if loc.file:
        return f"{loc.file}:{loc.line}" if loc.line else loc.file
    parts = [p for p in (loc.account, loc.region) if p]
    return "/".join(parts) + (f" ({loc.arn})" if loc.arn else "")


def _fix(finding: Finding) -> str:
    remedy = finding.remediation
    source = finding.resource.source
    lines = [f"fix: {remedy.get('summary', '')}"]
    if source == "cfn":
        lines.append(f"  CloudFormation: {remedy.get('cloudformation', '')}")
    elif source == "tf":
        lines.append(f"  Terraform: {remedy.get('terraform', '')}")
    else:
        lines.append(f"  console: {remedy.get('console', '')}")
        lines.append(f"  AWS CLI: {remedy.get('cli', '')}")
    return "\n".join(lines)


def describe(finding: Finding) -> str:
    """The failure text of a row: where, what, observed vs expected, and the fix."""
    head = f"{_place(finding)}: {finding.policy_id} [{finding.severity}] {finding.title}"
    body = f"{head}\n  {finding.resource.type} {finding.key}: {finding.message}"
    if finding.status == "error":
        return f"{body}\nnot evaluated: make the value resolvable or the resource readable (see above), then run again"
    return f"{body}\n{_fix(finding)}"


@pytest.fixture
def sesguard_finding(request: pytest.FixtureRequest) -> Finding:
    """The row under test; an ``error`` row errors at setup (it could not be evaluated)."""
    finding: Finding = request.param
    node = request.node
    node.user_properties.extend(
        [
            ("policy_id", finding.policy_id),
            ("severity", finding.severity),
            ("resource", finding.key),
            ("status", finding.status),
        ]
    )
    if finding.status == "error":
        # Failing in a fixture makes pytest report the row as an ERROR (could not be evaluated).
        pytest.fail(describe(finding), pytrace=False)
    return finding


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
        pytest.xfail(
            f"waived until {finding.waiver['expires']}: {finding.waiver['reason']} ({finding.message})"
        )
    if finding.status == "fail" and finding.below_threshold:
        pytest.xfail(f"{finding.severity} is below fail-on: {finding.message}")
    pytest.fail(describe(finding), pytrace=False)


class StaleWaiverWarning(UserWarning):
    """A waiver whose row passes now: it should be removed."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Keep which rows ran (and how), so findings.json covers exactly the selected rows."""
    report = yield
    callspec = getattr(item, "callspec", None)
    state = item.config.stash.get(STATE_KEY, None)
    ran = report.when == "call" or report.outcome != "passed"
    if state is not None and callspec is not None and ROW_FIXTURE in callspec.params and ran:
        state.outcomes[callspec.params[ROW_FIXTURE].id] = report.outcome
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write findings.json (and the other formats) for the evaluated rows."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or state.inventory is None:
        return
    from sesguard.atomic import write_json_atomic
    from sesguard.findings_doc import FINDINGS_FILE, build_document

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
        },
    )
    formats = _report_formats(config)
    written = []
    if "json" in formats:
        written.append(write_json_atomic(document, report_dir / FINDINGS_FILE))
    others = [f for f in formats if f != "json"]
    from sesguard.reports import write_reports

    written.extend(write_reports(document, report_dir, others))
    config.stash[WRITTEN_KEY] = [str(p) for p in written]
    config.stash[DOCUMENT_KEY] = document


WRITTEN_KEY: Final = pytest.StashKey[list[str]]()
DOCUMENT_KEY: Final = pytest.StashKey[dict[str, Any]]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Counts by status and severity, waivers that need attention, and where the reports are."""
    document = config.stash.get(DOCUMENT_KEY, None)
    if document is None:
        return
    summary = document["summary"]
    tr = terminalreporter
    tr.section("sesguard")
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_status"].items() if n)
    tr.write_line(f"verdict: {summary['verdict']} ({counts or 'no rows'})")
    for severity, by_status in summary["by_severity"].items():
        failing = by_status["fail"] + by_status["error"]
        if failing:
            tr.write_line(f"  {severity}: {by_status['fail']} fail, {by_status['error']} error")
    for waiver in document["waivers"]:
        if waiver["state"] in ("stale", "expired", "unused"):
            tr.write_line(
                f"  {waiver['state']} waiver: {waiver['policy_id']}::{waiver['resource']} ({waiver['origin']})"
            )
    for path in config.stash.get(WRITTEN_KEY, []):
        tr.write_line(f"report: {path}")
