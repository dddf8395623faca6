"""The ``sesguard`` command: a thin front to the pytest run for people who don't think in pytest.

``scan``, ``iac`` and ``demo`` run ``python -m pytest <checks> -p sesguard.plugin ...`` in a child
process and exit with pytest's code. A child process rather than ``pytest.main``: each run gets a
fresh interpreter (plugin state, imported check modules, boto3 sessions), the demo can point only
the scan at its local endpoint through the child's environment, and pytest's exit code, signals and
output reach the user unchanged.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from sesguard.options import DEFAULT_REPORT_DIR, add_to_command, common_args, own_args
from sesguard.sources import SOURCES
from sesguard.usage import USAGE_ERROR, UsageParser

DEMO_PROFILE_VARS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")

DESCRIPTION = """\
sesguard checks Amazon SES setups (live accounts, CloudFormation, Terraform) against best-practice
policies. Every check is a pytest test; this command runs them for you and writes the reports
(findings.json, and HTML, SARIF, JUnit, Markdown or review drafts on request) into --report-dir.

commands:
  scan       check live AWS accounts, read-only (or a saved inventory snapshot)
  iac        check CloudFormation/SAM/CDK templates and Terraform before they are deployed
  merge      evaluate the snapshots of a sharded scan (scan --shard K/N) as one run
  report     rebuild the reports from the last findings.json and the run history
  policies   list the policies, or show one with its rationale and remediation
  investigate  find where the bounces and complaints come from (VDM, suppression list, event archive)
  local      serve a local SES endpoint (moto plus sesguard's SES v2 extension)
  demo       scan a built-in demo account on a local endpoint and write its reports

Exit codes of scan, iac and demo are pytest's: 0 compliant, 1 violations or rows that could not be
evaluated, 4 bad usage or bad input files (one line names the problem), 2, 3, 5 pytest's own. Arguments after `--` go to pytest unchanged.
Run `sesguard COMMAND --help` for each command's options."""


def checks_dir() -> Path:
    """The pytest checks shipped with sesguard (the package :mod:`sesguard.checks`)."""
    return Path(str(resources.files("sesguard.checks")))


def pytest_command(source_args: Sequence[str], args: argparse.Namespace, extra: Sequence[str]) -> list[str]:
    """The pytest command line for a run."""
    return [
        sys.executable, "-m", "pytest", str(checks_dir()), "-p", "sesguard.plugin",
        *source_args, *common_args(args), *extra,
    ]  # fmt: skip


def run_pytest(command: Sequence[str], env: dict[str, str] | None = None, to_stderr: bool = False) -> int:
    """Run pytest in a child process; its exit code (128 + signal when it was killed).

    ``to_stderr``: the child's standard output goes to our standard error (``--output``).
    """
    try:
        code = subprocess.call(list(command), env=env, stdout=sys.stderr if to_stderr else None)
    except KeyboardInterrupt:
        return 130
    return 128 - code if code < 0 else code


def run_and_print(command: Sequence[str], args: argparse.Namespace, env: dict[str, str] | None = None) -> int:
    """Run pytest; with ``--output FMT`` print that report of the run to standard output (also when the
    run exits 4 having written its findings, as for a policy file that could not be loaded: the other
    policies ran)."""
    fmt = getattr(args, "output", None)
    report_dir = Path(args.report_dir or DEFAULT_REPORT_DIR)
    before = _written(report_dir)
    code = run_pytest(command, env, to_stderr=bool(fmt))
    if fmt and (code in (0, 1) or (code == USAGE_ERROR and _written(report_dir) not in (None, before))):
        text = render_output(report_dir, fmt)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    return code


def _written(report_dir: Path) -> tuple[int, int] | None:
    """When and as what file ``findings.json`` was last written (None: there is none)."""
    from sesguard.findings.format import FILE as FINDINGS_FILE

    try:
        stat = (report_dir / FINDINGS_FILE).stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def render_output(report_dir: Path, fmt: str) -> str:
    """The ``fmt`` report of the findings.json in ``report_dir``, as text."""
    import tempfile

    from sesguard.findings.format import FILE as FINDINGS_FILE
    from sesguard.findings.reader import load
    from sesguard.findings.writers import writer

    if fmt == "json":
        return (report_dir / FINDINGS_FILE).read_text(encoding="utf-8")
    doc = load(report_dir / FINDINGS_FILE)
    with tempfile.TemporaryDirectory(prefix="sesguard-output-") as scratch:
        return writer(fmt)(doc, Path(scratch)).read_text(encoding="utf-8")


# --- commands ---------------------------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace, extra: list[str]) -> int:
    """``sesguard scan``."""
    # a saved snapshot: the live account's options do not apply
    source = ["--inventory", *args.inventory] if args.inventory else ["--aws", *own_args(args, "scan")]
    return run_and_print(pytest_command(source, args, extra), args)


def cmd_merge(args: argparse.Namespace, extra: list[str]) -> int:
    """``sesguard merge``: the shards' snapshots evaluated and reported as one run."""
    return run_pytest(pytest_command(["--inventory", *args.snapshots], args, extra))


def cmd_iac(args: argparse.Namespace, extra: list[str]) -> int:
    """``sesguard iac``; with ``--hook``, files that cannot be templates are passed over quietly."""
    paths = list(args.paths)
    if args.hook:
        from sesguard.sources.sniff import may_be_template

        paths = [p for p in paths if Path(p).is_dir() or may_be_template(Path(p))]
        if not paths:
            print(f"sesguard: none of the {len(args.paths)} file(s) is a template; nothing to check")
            return 0
    args.allow_empty = args.allow_empty or args.hook  # a commit may stage no template at all
    source = ["--templates", *paths, *own_args(args, "iac")]
    return run_and_print(pytest_command(source, args, extra), args)


def cmd_report(args: argparse.Namespace, extra: list[str]) -> int:
    """``sesguard report``: rebuild the reports from findings.json and the history."""
    from sesguard.findings.format import FILE as FINDINGS_FILE
    from sesguard.findings.reader import load
    from sesguard.findings.writers import parse_formats, write_reports

    report_dir = Path(args.report_dir)
    try:
        formats = parse_formats(args.report_format or "")
        doc = load(report_dir / FINDINGS_FILE)
    except FileNotFoundError:
        print(f"sesguard report: {report_dir / FINDINGS_FILE} not found: run a scan first", file=sys.stderr)
        return USAGE_ERROR
    except ValueError as exc:
        print(f"sesguard report: {exc}", file=sys.stderr)
        return USAGE_ERROR
    for path in write_reports(doc, report_dir, formats, rebuild=True):
        print(f"report: {path}")
    return 0


def _policy_dict(policy: Any) -> dict[str, Any]:
    fields = ("id", "title", "severity", "resource", "sources", "parameters", "severity_bands",
              "description", "rationale", "remediation", "references")  # fmt: skip
    return {name: getattr(policy, name, None) for name in fields}


def _show(policy: dict[str, Any]) -> str:
    def para(text: str) -> str:
        return textwrap.fill(
            " ".join(str(text).split()), width=100, initial_indent="  ", subsequent_indent="  "
        )

    lines = [
        f"{policy['id']}: {policy['title']}",
        f"  severity {policy['severity']} · resource {policy['resource']} · sources {', '.join(policy['sources'])}",
    ]
    bands = policy.get("severity_bands") or {}
    if bands:
        steps = ", ".join(f">= {b['min']}: {b['severity']}" for b in bands.get("bands", []))
        lines.append(f"  severity by band of {bands.get('path')}: {steps}")
    if policy.get("parameters"):
        lines += ["", "Parameters (set in sesguard.yaml):"]
        for name, spec in policy["parameters"].items():
            lines.append(f"  {name} = {json.dumps(spec.get('default'))}  ({spec.get('description', '')})")
    for section in ("description", "rationale"):
        lines += ["", f"{section.capitalize()}:", para(policy[section])]
    remediation = policy.get("remediation") or {}
    lines += ["", "Remediation:", para(remediation.get("summary", ""))]
    from sesguard.reports.document import REMEDIATION_LABELS

    for key, label in REMEDIATION_LABELS.items():
        if remediation.get(key):
            lines += [f"  {label}:", textwrap.indent(str(remediation[key]).strip(), "    ")]
    if policy.get("references"):
        lines += ["", "References:"] + [f"  - {r.get('title')}: {r.get('url')}" for r in policy["references"]]
    return "\n".join(lines)


def cmd_policies(args: argparse.Namespace, extra: list[str]) -> int:
    """``sesguard policies [show] [ID ...]``."""
    from sesguard.policies import PolicyError, load_policies

    try:
        policies = [_policy_dict(p) for p in load_policies(Path(args.policies) if args.policies else None)]
    except PolicyError as exc:
        print(f"sesguard policies: {exc}", file=sys.stderr)
        return USAGE_ERROR
    wanted = [w for w in args.ids if w.lower() not in ("show", "list")]
    if args.source:
        policies = [p for p in policies if args.source in p["sources"]]
    if not wanted:
        if args.json:
            print(json.dumps(policies, indent=1, default=str))
            return 0
        for p in policies:
            print(f"{p['id']:<13} {p['severity']:<9} {','.join(p['sources']):<12} {p['title']}")
        print(f"\n{len(policies)} policies. `sesguard policies ID` shows one.")
        return 0
    by_id = {p["id"]: p for p in policies}
    shown = []
    for ident in wanted:
        policy = by_id.get(ident.upper())
        if policy is None:
            close = difflib.get_close_matches(ident.upper(), by_id, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            print(f"sesguard policies: no policy {ident!r}{hint}", file=sys.stderr)
            return USAGE_ERROR
        shown.append(policy)
    if args.json:
        print(json.dumps(shown, indent=1, default=str))
    else:
        print("\n\n".join(_show(p) for p in shown))
    return 0


def cmd_local(args: argparse.Namespace, extra: list[str]) -> int:
    """``sesguard local``: delegated to :mod:`sesguard.local.cli`."""
    from sesguard.local.cli import main as local_main

    return local_main([*args.rest, *extra])


def demo_env(endpoint_env: dict[str, str], access_key_id: str, secret_access_key: str) -> dict[str, str]:
    """The scan's environment: ours, pointed at the local endpoint with the demo's read-only user."""
    env = {k: v for k, v in os.environ.items()
           if k not in DEMO_PROFILE_VARS and not k.startswith("AWS_ENDPOINT_URL_")}  # fmt: skip
    env.update(endpoint_env)
    env.update(
        AWS_ACCESS_KEY_ID=access_key_id,
        AWS_SECRET_ACCESS_KEY=secret_access_key,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def cmd_demo(args: argparse.Namespace, extra: list[str]) -> int:
    """``sesguard demo``: the local endpoint with the demo account, scanned read-only."""
    from sesguard.local import missing_extra

    missing = missing_extra()
    if missing is not None:
        print(missing, file=sys.stderr)
        return USAGE_ERROR
    from sesguard.local.demo import build_demo
    from sesguard.local.endpoint import LocalEndpoint

    if args.report_dir is None:
        args.report_dir = DEFAULT_REPORT_DIR
    with LocalEndpoint(port=args.port) as endpoint:
        info = build_demo(endpoint.url)
        print(
            f"sesguard demo: account {info.account_id} on {endpoint.url}, regions {', '.join(info.regions)}"
        )
        if info.incident is not None:
            from sesguard.investigate.cli import run_demo

            run_demo(endpoint.url, info.auditor_access_key_id, info.auditor_secret_access_key,
                     info.regions[-1], info.incident.events_url, args.report_dir)  # fmt: skip
        env = demo_env(
            endpoint.env(info.regions[0]), info.auditor_access_key_id, info.auditor_secret_access_key
        )
        command = pytest_command(["--aws", "--regions", ",".join(info.regions)], args, extra)
        return run_and_print(command, args, env)


# --- parser -----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with a help text for each command."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = UsageParser(prog="sesguard", description=DESCRIPTION, formatter_class=raw)
    from sesguard import __version__
    from sesguard.investigate import cli as investigate_cli

    parser.add_argument("--version", action="version", version=f"sesguard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    scan = sub.add_parser(
        "scan", formatter_class=raw, help="check live AWS accounts (read-only)",
        description="Check live AWS accounts read-only with the standard boto3 credential chain "
        "(AWS_ENDPOINT_URL is honoured), or evaluate a saved inventory snapshot offline.",
        epilog="examples:\n  sesguard scan --profile prod --regions us-east-1,eu-west-1\n"
        "  sesguard scan --regions all --assume-role sesguard-readonly --organization\n"
        "  sesguard scan --inventory-out snapshot.json    then    sesguard scan --inventory snapshot.json\n"
        "  sesguard scan -- -k 'SES-IAM'                  (pytest options after --)",
    )  # fmt: skip
    add_to_command(scan, "scan")
    scan.set_defaults(handler=cmd_scan)

    merge = sub.add_parser(
        "merge", formatter_class=raw, help="evaluate the snapshots of a sharded scan as one run",
        description="Evaluate and report the snapshots saved by the shards of one scan (`sesguard scan "
        "--shard K/N --inventory-out FILE` on each machine) as one run, with one history entry. The "
        "snapshots must be every shard of the same split, taken with the same policies, and no account "
        "(or account and region) may be in two of them; otherwise one line says why (exit 4).",
        epilog="example:\n  sesguard scan --organization --assume-role sesguard-readonly --shard 2/3 "
        "--inventory-out shard-2.json\n  sesguard merge shard-*.json --report-format json,html,sarif",
    )  # fmt: skip
    merge.add_argument("snapshots", nargs="+", metavar="SNAPSHOT", help="the shards' --inventory-out files")
    add_to_command(merge, "merge")
    merge.set_defaults(handler=cmd_merge)

    iac = sub.add_parser(
        "iac", formatter_class=raw, help="check CloudFormation and Terraform files",
        description="Check CloudFormation/SAM/CDK templates and Terraform (.tf modules and plan JSON "
        "from `terraform show -json`) before they are deployed. Each PATH (file or folder, searched "
        "recursively) is one template set.",
        epilog="examples:\n  sesguard iac infra/\n  sesguard iac template.yaml --report-format json,sarif\n"
        "  sesguard iac infra/ -- -k SES-CS-001",
    )  # fmt: skip
    iac.add_argument("paths", nargs="+", metavar="PATH", help="template files or folders")
    iac.add_argument(
        "--hook", action="store_true",
        help="pre-commit mode: named files that cannot be templates (no Resources or "
        "AWSTemplateFormatVersion; a .tf module without AWS resources) are passed over quietly, and "
        "no template at all is a pass (implies --allow-empty)",
    )  # fmt: skip
    add_to_command(iac, "iac")
    iac.set_defaults(handler=cmd_iac)

    report = sub.add_parser(
        "report", formatter_class=raw, help="rebuild the reports from findings.json and the history",
        description="Rebuild the reports of a report folder from its findings.json and its run history "
        "(history.jsonl): trends over the recorded runs and what changed since the previous one. "
        "Records the run in the history if it is not there yet.",
    )  # fmt: skip
    add_to_command(report, "report", {"--report-dir": DEFAULT_REPORT_DIR, "--report-format": "html"})
    report.set_defaults(handler=cmd_report)

    pol = sub.add_parser(
        "policies", formatter_class=raw, help="list the policies or show one",
        description="List the policies (ID, severity, sources, title), or show one or more with their "
        "parameters, description, rationale, remediation and references.",
        epilog="examples:\n  sesguard policies\n  sesguard policies --source cfn\n"
        "  sesguard policies SES-IAM-001\n  sesguard policies show ses-cs-001 --json",
    )  # fmt: skip
    pol.add_argument("ids", nargs="*", metavar="[show] ID", help="policy IDs to show (case-insensitive)")
    pol.add_argument("--source", choices=tuple(SOURCES), help="only policies for this source")
    add_to_command(pol, "policies")
    pol.add_argument("--json", action="store_true", help="print JSON")
    pol.set_defaults(handler=cmd_policies)

    inv = sub.add_parser(
        "investigate", formatter_class=raw, help="find where the bounces and complaints come from",
        description=investigate_cli.DESCRIPTION,
        epilog="examples:\n  sesguard investigate --regions eu-west-1 --events s3://my-ses-events/firehose/\n"
        "  sesguard investigate --events ./sns-notifications/ --lookback-days 30",
    )  # fmt: skip
    investigate_cli.add_arguments(inv)
    inv.set_defaults(handler=lambda a, _extra: investigate_cli.run(a))

    local = sub.add_parser(
        "local", add_help=False, help="serve a local SES endpoint (see `sesguard local --help`)",
        description="Serve a local SES endpoint; options are those of `sesguard local --help`.",
    )  # fmt: skip
    local.add_argument("rest", nargs=argparse.REMAINDER)
    local.set_defaults(handler=cmd_local)

    demo = sub.add_parser(
        "demo", formatter_class=raw, help="scan the built-in demo account and write its reports",
        description="Start a local SES endpoint in this process, build the demo account in it (two "
        "regions, with violations on purpose), and scan it read-only as a real account. Exits 1 "
        "because the demo account has violations. Needs the 'local' extra.",
        epilog="example:\n  sesguard demo --report-format json,html,markdown,sarif    then open reports/report.html",
    )  # fmt: skip
    demo.add_argument("--port", type=int, default=0, help="endpoint port (default: any free port)")
    add_to_command(demo, "demo")
    demo.set_defaults(handler=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``sesguard`` command; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["local"]:  # everything goes to sesguard.local.cli, --help included
        return cmd_local(argparse.Namespace(rest=argv[1:]), [])
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    args = build_parser().parse_args(argv)
    code: int = args.handler(args, extra)
    return code
