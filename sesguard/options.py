"""sesguard's run options, declared once: the pytest plugin and the ``sesguard`` command both read this table.

Each :class:`Option` is registered with pytest (``pytest --templates ...``) and added to the ``sesguard``
commands listed in its ``commands``, which pass it on to the pytest run they start under the same
name. Options only the ``sesguard`` command has and pytest never sees (``iac --hook``, ``demo
--port``, ``policies --json``) stay with their command in :mod:`sesguard.cli`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from sesguard.findings.writers import DEFAULT_REPORT_FORMATS, REPORT_FORMATS
from sesguard.severity import SEVERITIES
from sesguard.sources.input_files import DEFAULT_MAX_TEMPLATE_BYTES

DEFAULT_TIMEOUT: Final = 60.0  # seconds: connect, each answer, and one call with its retries
DEFAULT_REPORT_DIR: Final = "reports"
OUTPUT_FORMATS: Final = ("json", "sarif", "junit", "markdown", "asff", "ocsf")
"""The report formats ``-o FMT`` prints to standard output."""

RUN_COMMANDS: Final = ("scan", "merge", "iac", "demo")
"""The ``sesguard`` commands that run the checks (through pytest)."""

Kind = Literal["value", "switch", "many", "repeat"]


@dataclass(frozen=True)
class Option:
    """One option: its flag, what it takes, its default in a pytest run, and the commands that have it.

    ``kind``: ``value`` (one value), ``switch`` (no value), ``many`` (one or more values, repeatable),
    ``repeat`` (one value, repeatable). ``pytest``: whether pytest has it (``-o`` is the command's own).
    """

    flag: str
    help: str
    metavar: str | None = None
    kind: Kind = "value"
    type: Callable[[str], Any] | None = None
    choices: Sequence[str] | None = None
    default: Any = None
    commands: tuple[str, ...] = ()
    short: str | None = None
    pytest: bool = True

    @property
    def dest(self) -> str:
        """The attribute name argparse and pytest give it (``--report-dir``: ``report_dir``)."""
        return self.flag.lstrip("-").replace("-", "_")

    def arguments(self, default: Any) -> dict[str, Any]:
        """Keyword arguments of ``add_argument``/``addoption`` with ``default``."""
        kwargs: dict[str, Any] = {"help": self.help, "default": default}
        if self.kind == "switch":
            kwargs["action"] = "store_true"
            kwargs["default"] = bool(default)
            return kwargs
        if self.kind == "many":
            kwargs.update(nargs="+", action="extend")
        elif self.kind == "repeat":
            kwargs["action"] = "append"
        if self.metavar is not None:
            kwargs["metavar"] = self.metavar
        if self.type is not None:
            kwargs["type"] = self.type
        if self.choices is not None:
            kwargs["choices"] = tuple(self.choices)
        return kwargs

    def to_pytest(self, value: Any) -> list[str]:
        """The pytest arguments that give it ``value`` (none for an option not given)."""
        if self.kind == "switch":
            return [self.flag] if value else []
        if value is None or value == []:
            return []
        if self.kind == "many":
            return [self.flag, *map(str, value)]
        if self.kind == "repeat":
            return [part for item in value for part in (self.flag, str(item))]
        return [self.flag, str(value)]


LIVE: Final = ("scan",)
RUN: Final = RUN_COMMANDS

OPTIONS: Final[tuple[Option, ...]] = (
    Option(
        "--templates",
        "CloudFormation/SAM/CDK templates and Terraform modules or plan JSON (files or folders).",
        "PATH",
        kind="many",
        default=[],
    ),
    Option(
        "--allow-empty",
        "A path to check that holds no template is not an error (exit 4 otherwise); the pre-commit hook "
        "passes it.",
        kind="switch",
        commands=("iac",),
    ),
    Option(
        "--max-template-bytes",
        f"Largest template or .tf file read (default {DEFAULT_MAX_TEMPLATE_BYTES:,}); larger ones are error "
        "rows naming the file and the limit.",
        "N",
        type=int,
        default=DEFAULT_MAX_TEMPLATE_BYTES,
        commands=("iac",),
    ),
    Option(
        "--aws",
        "Scan the live AWS account(s) read-only with the standard boto3 credential chain.",
        kind="switch",
    ),
    Option("--profile", "AWS profile (default: the standard boto3 credential chain).", "NAME", commands=LIVE),
    Option(
        "--regions",
        "Regions to scan, comma-separated, or 'all': every SES region (default: the session's region).",
        "R1,R2|all",
        commands=LIVE,
    ),
    Option(
        "--assume-role",
        "Role name assumed in each account given by --accounts or --organization.",
        "ROLE_NAME",
        commands=LIVE,
    ),
    Option(
        "--external-id",
        "External ID the --assume-role roles' trust policies require (sts:ExternalId).",
        "ID",
        commands=LIVE,
    ),
    Option(
        "--role-session-duration",
        "Lifetime of each assumed-role session, 900-43200 (default 3600); refreshed as it expires.",
        "SECONDS",
        type=int,
        default=3600,
        commands=LIVE,
    ),
    Option("--accounts", "Accounts to scan through --assume-role.", "ID,ID", commands=LIVE),
    Option(
        "--organization",
        "Scan every active account of the organization through --assume-role.",
        kind="switch",
        commands=LIVE,
    ),
    Option("--dns", "Look up DMARC records in DNS (live).", kind="switch", commands=LIVE),
    Option(
        "--all-regions-strict",
        "Evaluate alarm and VDM policies also in regions with no identity and nothing sent (live).",
        kind="switch",
        commands=LIVE,
    ),
    Option(
        "--lookback-days",
        "Look-back window for the reputation metrics (default 14 days).",
        "DAYS",
        type=int,
        default=14,
        commands=LIVE,
    ),
    Option(
        "--timeout",
        "Live scans: wait at most SECONDS to connect and for each answer, and give up a call (retries "
        f"included) after SECONDS in all (default {DEFAULT_TIMEOUT:g}).",
        "SECONDS",
        type=float,
        default=DEFAULT_TIMEOUT,
        commands=LIVE,
    ),
    Option(
        "--inventory-out",
        "Save what the live scan read as an inventory snapshot (JSON).",
        "FILE",
        commands=LIVE,
    ),
    Option(
        "--shard",
        "Scan only part K of N of the accounts (a stable split), e.g. one CI job each; save each with "
        "--inventory-out and evaluate them together (sesguard merge, or --inventory A B C).",
        "K/N",
        commands=LIVE,
    ),
    Option(
        "--shard-by",
        "What --shard splits: accounts (default), or account and region scopes.",
        choices=("account", "region"),
        default="account",
        commands=LIVE,
    ),
    Option(
        "--inventory",
        "Evaluate saved inventory snapshots offline (no AWS access); several (e.g. the shards of one "
        "scan) are evaluated and reported as one run.",
        "FILE",
        kind="many",
        default=[],
        commands=("scan",),
    ),
    Option(
        "--report-dir",
        f"Where findings.json and the other reports go (default: {DEFAULT_REPORT_DIR}/).",
        "DIR",
        default=DEFAULT_REPORT_DIR,
        commands=(*RUN, "report"),
    ),
    Option(
        "--report-format",
        f"Report formats: {', '.join(REPORT_FORMATS)}, or all (default: {','.join(DEFAULT_REPORT_FORMATS)}; "
        "sesguard report: html); findings.json is always written.",
        "FMT,FMT",
        commands=(*RUN, "report"),
    ),
    Option(
        "--config",
        "Settings file (default: ./sesguard.yaml or [tool.sesguard] in ./pyproject.toml).",
        "FILE",
        commands=RUN,
    ),
    Option(
        "--fail-on",
        "Lowest severity whose failures fail the run (default: low; info never fails).",
        choices=SEVERITIES,
        commands=RUN,
    ),
    Option(
        "--policies", "Policy folder (default: the shipped policies).", "DIR", commands=(*RUN, "policies")
    ),
    Option(
        "--baseline",
        "Waive the rows that failed when FILE was created (--create-baseline): fail only on new findings.",
        "FILE",
        commands=RUN,
    ),
    Option(
        "--create-baseline",
        "Record the rows that fail now in FILE, for later runs with --baseline FILE.",
        "FILE",
        commands=RUN,
    ),
    Option(
        "--soft-fail",
        "Report everything, but exit 0 when rows fail (usage errors still exit 4).",
        kind="switch",
        commands=RUN,
    ),
    Option("--waivers", "Waiver file (repeatable).", "FILE", kind="repeat", default=[], commands=RUN),
    Option(
        "--output",
        f"Print this report to standard output ({', '.join(OUTPUT_FORMATS)}); pytest's own output goes to "
        "standard error, the reports are still written to --report-dir.",
        "FMT",
        choices=OUTPUT_FORMATS,
        commands=RUN,
        short="-o",
        pytest=False,
    ),
)


def by_flag(flag: str) -> Option:
    """The option named ``flag``."""
    return next(o for o in OPTIONS if o.flag == flag)


def add_to_pytest(group: Any) -> None:
    """Register every pytest option with a pytest option group."""
    for option in OPTIONS:
        if option.pytest:
            group.addoption(option.flag, **option.arguments(option.default))


def add_to_command(
    parser: argparse.ArgumentParser, command: str, defaults: Mapping[str, Any] | None = None
) -> None:
    """Add the options of ``command`` to its parser; those not given are not passed on (default None),
    unless ``defaults`` (by flag) says otherwise."""
    for option in OPTIONS:
        if command in option.commands:
            flags = [option.short, option.flag] if option.short else [option.flag]
            default = (defaults or {}).get(option.flag, [] if option.kind in ("many", "repeat") else None)
            parser.add_argument(*flags, **option.arguments(default))


def pytest_args(args: argparse.Namespace, options: Iterable[Option]) -> list[str]:
    """The pytest arguments of ``options`` as given on a ``sesguard`` command line, in the table's order."""
    return [part for o in options if o.pytest for part in o.to_pytest(getattr(args, o.dest, None))]


def common_args(args: argparse.Namespace) -> list[str]:
    """The pytest arguments of the options every checking command has (report folder, settings, ...)."""
    return pytest_args(args, (o for o in OPTIONS if set(RUN_COMMANDS) <= set(o.commands)))


def own_args(args: argparse.Namespace, command: str) -> list[str]:
    """The pytest arguments of the options of ``command`` the other checking commands lack (``scan --regions``)."""
    return pytest_args(
        args, (o for o in OPTIONS if command in o.commands and not set(RUN_COMMANDS) <= set(o.commands))
    )
