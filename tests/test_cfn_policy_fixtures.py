"""Checkov-style fixtures: one real CloudFormation template per policy, with the expected verdicts in
the logical IDs.

Fixtures live in ``tests/fixtures/cfn/policies/`` and are named after the policy they exercise:

* resource-level policies (configuration sets, identities, IAM principals, receipt rules):
  ``<ID>.yaml`` / ``<ID>.json``, plus optional variants ``<ID>.<variant>.yaml`` (a variant name must not
  start with a status word). Every resource the policy judges is named ``Pass...``, ``Fail...``,
  ``Error...`` (a value deliberately unresolvable: never a pass) or ``Skip...``; the policy must give
  exactly those rows with exactly those statuses. Anything else (topics, supporting policies,
  ``NotJudged...`` principals outside the policy's scope) must give no row at all.
* set-level policies (resource ``account`` or ``template_set``): ``<ID>.<status>[-variant].yaml``; the
  file is a template set of its own and gets exactly one row, with that status.

A ``Metadata: {SesguardFixture: {Observed: ...}}`` on a failing resource (on the template for set-level
fixtures) is text the failing row's message must contain: the observed value. ``Reason: ...`` on an
``Error`` resource is text the error row's message must contain: why it could not be evaluated.

A fixture that exposes a bug in the CloudFormation source, derive, iam_analysis or a policy keeps the
verdict the catalog (``/work/shared/policy-catalog.md``) asks for; the case is listed in
``KNOWN_BUGS`` below and marked ``xfail(strict=True)`` until the bug is fixed (then the strict xfail
fails, and the entry must be removed).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import pytest
from cfnlint.api import lint
from cfnlint.core import get_rules
from cfnlint.decode import decode
from cfnlint.rules import RulesCollection

from sesguard.engine import Finding
from sesguard.model import ACCOUNT, TEMPLATE_SET, Inventory
from sesguard.policies import Policy, load_policies
from sesguard.run import evaluate
from sesguard.sources.cfn import read_cloudformation

FIXTURES: Final = Path(__file__).resolve().parent / "fixtures" / "cfn" / "policies"
FIXTURE_NAME: Final = re.compile(
    r"^(?P<policy>SES-[A-Z]+-\d{3})(?:\.(?P<variant>[a-z0-9][a-z0-9-]*))?\.(?:yaml|yml|json)$"
)
STATUS_PREFIXES: Final = {"Pass": "pass", "Fail": "fail", "Error": "error", "Skip": "skip"}
CASE_ID: Final = re.compile(r"^(?P<prefix>Pass|Fail|Error|Skip)[A-Z0-9]")
SET_VARIANT: Final = re.compile(r"^(?P<status>pass|fail|error|skip)(?:-[a-z0-9-]+)?$")
SET_LEVEL_RESOURCES: Final = frozenset({ACCOUNT, TEMPLATE_SET})
# Credential-shaped text of a fixture that must never appear in a finding (only masked forms may):
# access key IDs, and 40/44-character secret-shaped tokens mixing letters and digits.
ACCESS_KEY_IDS: Final = re.compile(r"(?:AKIA|ASIA)[A-Z2-7]{16}")
SECRET_SHAPED: Final = re.compile(
    r"(?<![A-Za-z0-9/+=])(?:[A-Za-z0-9/+=]{44}|[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"
)

# (fixture file, logical ID or None for the set-level row) -> why the verdict differs from the catalog.
KNOWN_BUGS: Final[dict[tuple[str, str | None], str]] = {}
# Right status, wrong message: only the message test is expected to fail.
KNOWN_MESSAGE_BUGS: Final[dict[tuple[str, str | None], str]] = {}
# Whole-file expectations (exactly these rows, no source errors) that a known bug breaks.
KNOWN_FILE_BUGS: Final[dict[str, str]] = {}


# --- reading the fixtures ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One expected row: a resource of a resource-level fixture, or the one row of a set-level one."""

    file: Path
    policy_id: str
    logical_id: str | None  # None: the set-level row
    status: str
    observed: str | None = None
    reason: str | None = None

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.file.name, self.logical_id)

    @property
    def label(self) -> str:
        return f"{self.file.name}::{self.logical_id}" if self.logical_id else self.file.name


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_file() and not p.name.startswith("."))


def parse_name(path: Path) -> tuple[str, str | None]:
    """(policy ID, variant) of a fixture file name; raises ValueError for a badly named file."""
    match = FIXTURE_NAME.match(path.name)
    if match is None:
        raise ValueError(f"{path.name}: fixture files are named <ID>[.<variant>].yaml|json")
    return match.group("policy"), match.group("variant")


def set_level_status(path: Path) -> str | None:
    """The expected status of a set-level fixture (from its name), None for a resource-level one."""
    _, variant = parse_name(path)
    match = SET_VARIANT.match(variant or "")
    return match.group("status") if match else None


@cache
def decoded(path: Path) -> Mapping[str, Any]:
    template, matches = decode(str(path))
    if matches or not isinstance(template, Mapping):
        raise ValueError(f"{path.name}: cannot be decoded: {[str(m) for m in matches]}")
    return template


def _fixture_notes(node: Any) -> tuple[str | None, str | None]:
    metadata = node.get("Metadata") if isinstance(node, Mapping) else None
    notes = metadata.get("SesguardFixture") if isinstance(metadata, Mapping) else None
    if not isinstance(notes, Mapping):
        return None, None
    observed, reason = notes.get("Observed"), notes.get("Reason")
    return (str(observed) if observed is not None else None, str(reason) if reason is not None else None)


def cases_of(path: Path) -> list[Case]:
    policy_id, _ = parse_name(path)
    template = decoded(path)
    status = set_level_status(path)
    if status is not None:
        observed, reason = _fixture_notes(template)
        return [Case(path, policy_id, None, status, observed, reason)]
    found = []
    resources = template.get("Resources")
    for logical_id, body in (resources if isinstance(resources, Mapping) else {}).items():
        match = CASE_ID.match(str(logical_id))
        if match:
            observed, reason = _fixture_notes(body)
            found.append(
                Case(
                    path, policy_id, str(logical_id), STATUS_PREFIXES[match.group("prefix")], observed, reason
                )
            )
    return found


def all_cases() -> list[Case]:
    """Every case of the well-named, decodable fixtures (the others fail their own tests)."""
    found = []
    for path in fixture_files():
        try:
            found.extend(cases_of(path))
        except ValueError:
            continue
    return found


def expected_line(path: Path, logical_id: str) -> int:
    """The 1-based line of ``  LogicalId:`` (YAML) or ``"LogicalId":`` (JSON) in the Resources section."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".json":
        start = next(i for i, line in enumerate(lines) if re.match(r'^\s*"Resources"\s*:', line))
        pattern = re.compile(rf'^\s*"{re.escape(logical_id)}"\s*:')
    else:
        start = next(i for i, line in enumerate(lines) if re.match(r"^Resources:\s*(#.*)?$", line))
        pattern = re.compile(rf"^  {re.escape(logical_id)}:\s*(#.*)?$")
    return next(i + 1 for i, line in enumerate(lines) if i > start and pattern.match(line))


@cache
def cfn_lint_rules() -> RulesCollection:
    """cfn-lint's own rules, loaded once (loading them is most of what linting one file costs)."""
    return get_rules([], [], [])


# --- running a policy over a fixture -----------------------------------------------------------------
@cache
def policies_by_id() -> dict[str, Policy]:
    return {p.id: p for p in load_policies()}


def policy_named(policy_id: str) -> Policy:
    """The shipped policy a fixture is named after; a fixture of a policy that does not exist fails."""
    policy = policies_by_id().get(policy_id)
    assert policy is not None, f"no policy {policy_id} (policies/{policy_id}.yaml) for its fixture"
    return policy


@dataclass(frozen=True)
class Run:
    inventory: Inventory
    findings: tuple[Finding, ...]


@cache
def run_fixture(path: Path) -> Run:
    policy_id, _ = parse_name(path)
    policy = policy_named(policy_id)
    policies = [p for p in policies_by_id().values() if p.id == policy.id]
    inventory = read_cloudformation(path, str(path))
    evaluation = evaluate(inventory, policies)
    return Run(evaluation.inventory, tuple(evaluation.findings))


def row_key(case: Case) -> str:
    return case.logical_id if case.logical_id is not None else str(case.file)


def rows_for(case: Case) -> list[Finding]:
    return [f for f in run_fixture(case.file).findings if f.key == row_key(case)]


def check_kind_matches_policy(path: Path, policy: Policy) -> None:
    set_level = policy.resource in SET_LEVEL_RESOURCES
    named_set_level = set_level_status(path) is not None
    assert set_level == named_set_level, (
        f"{path.name}: {policy.id} judges {policy.resource!r}, so its fixtures are named "
        + (
            "<ID>.<pass|fail|error|skip>[-variant].yaml"
            if set_level
            else "<ID>[.<variant>].yaml with Pass*/Fail* resources"
        )
    )


def with_marks(case: Case, message_test: bool) -> Any:
    reason = KNOWN_BUGS.get(case.key) or (KNOWN_MESSAGE_BUGS.get(case.key) if message_test else None)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.label, marks=marks)


CASES: Final = all_cases()
FILES: Final = fixture_files()


def file_param(path: Path) -> Any:
    reason = KNOWN_FILE_BUGS.get(path.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(path, id=path.name, marks=marks)


# --- per row ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", [with_marks(c, message_test=False) for c in CASES])
def test_row_status_and_location(case: Case) -> None:
    """The row of each Pass/Fail/Error/Skip resource exists once, with that status, at its file and line."""
    policy = policy_named(case.policy_id)
    check_kind_matches_policy(case.file, policy)
    rows = rows_for(case)
    statuses = {f.key: f.status for f in run_fixture(case.file).findings}
    assert len(rows) == 1, f"{case.label}: expected one {policy.id} row, got {len(rows)}; rows: {statuses}"
    row = rows[0]
    assert row.status == case.status, f"{case.label}: {row.status} ({row.message}); expected {case.status}"
    assert row.resource.location.file == str(case.file)
    if case.logical_id is not None:
        assert row.resource.location.line == expected_line(case.file, case.logical_id)


@pytest.mark.parametrize("case", [with_marks(c, message_test=True) for c in CASES])
def test_row_message(case: Case) -> None:
    """Failing rows name the observed value; error rows say why; every row says something."""
    policy_named(case.policy_id)
    rows = rows_for(case)
    assert len(rows) == 1, f"{case.label}: expected one row, got {len(rows)}"
    row = rows[0]
    assert row.status == case.status, f"{case.label}: {row.status} ({row.message}); expected {case.status}"
    assert row.message.strip(), f"{case.label}: empty message"
    if case.status == "fail":
        assert case.observed, (
            f"{case.label}: a Fail fixture documents its observed value (Metadata.SesguardFixture.Observed)"
        )
        assert case.observed in row.message, f"{case.label}: {row.message!r} does not name {case.observed!r}"
    elif case.status == "error":
        assert "internal error" not in row.message, row.message
        if case.reason:
            assert case.reason in row.message, f"{case.label}: {row.message!r} does not say {case.reason!r}"
    elif case.status == "pass":
        assert row.message.startswith("compliant"), row.message
    else:
        assert row.message.startswith(("not applicable", "nothing to check")), row.message


# --- per file --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [file_param(p) for p in FILES])
def test_rows_are_exactly_the_fixture_cases(path: Path) -> None:
    """The policy gives exactly one row per Pass/Fail/Error/Skip resource (set-level: one row for the
    set) and none for anything else; the file reads without source errors.

    Cases listed in KNOWN_BUGS are left out on both sides (their own tests xfail).
    """
    policy_id, _ = parse_name(path)
    policy = policy_named(policy_id)
    check_kind_matches_policy(path, policy)
    run = run_fixture(path)
    assert not run.inventory.errors, [e.message for e in run.inventory.errors]
    cases = cases_of(path)
    assert cases, f"{path.name}: no Pass*/Fail*/Error*/Skip* resources"
    counts = Counter(f.key for f in run.findings)
    assert all(n == 1 for n in counts.values()), f"duplicate rows: {counts}"
    buggy = {row_key(c) for c in cases if c.key in KNOWN_BUGS}
    expected = {
        status: {row_key(c) for c in cases if c.status == status} - buggy
        for status in STATUS_PREFIXES.values()
    }
    actual = {
        status: {f.key for f in run.findings if f.status == status} - buggy
        for status in STATUS_PREFIXES.values()
    }
    assert {f.status for f in run.findings} <= set(STATUS_PREFIXES.values())
    assert actual == expected


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in FILES])
def test_no_credential_appears_unmasked(path: Path) -> None:
    """No credential-shaped text of a fixture (AKIA/ASIA key IDs, 40/44-character secrets) reaches a
    finding: messages, observed and expected values, and the resource's properties show masked forms."""
    policy_named(parse_name(path)[0])
    text = path.read_text(encoding="utf-8")
    tokens = set(ACCESS_KEY_IDS.findall(text)) | {
        t for t in SECRET_SHAPED.findall(text) if re.search(r"\d", t) and re.search(r"[A-Za-z]", t)
    }
    shown = "\n".join(repr(f) for f in run_fixture(path).findings)
    leaked = sorted(t for t in tokens if t in shown)
    assert not leaked, f"{path.name}: findings print credentials unmasked: {[t[:4] + '...' for t in leaked]}"


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in FILES])
def test_fixture_is_a_valid_template(path: Path) -> None:
    """Fixtures are real CloudFormation: cfn-lint finds no errors (E rules)."""
    matches = lint(path.read_text(encoding="utf-8"), rules=cfn_lint_rules())
    errors = [f"{m.linenumber}: {m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")]
    assert not errors, f"{path.name}: {errors}"


def test_credential_fixtures_use_only_documented_fake_keys() -> None:
    """Literal key IDs in fixtures are AWS's documented examples or visibly fake, never real-looking."""
    for path in FILES:
        for key_id in ACCESS_KEY_IDS.findall(path.read_text(encoding="utf-8")):
            assert "EXAMPLE" in key_id, f"{path.name}: {key_id[:4]}... does not look fake"


# --- coverage --------------------------------------------------------------------------------------------
def test_every_fixture_is_named_after_a_cfn_policy() -> None:
    """Fixture names parse, and name a shipped policy that applies to the cfn source."""
    assert FILES and CASES, f"no fixtures in {FIXTURES}"
    for path in FILES:
        policy = policy_named(parse_name(path)[0])
        assert "cfn" in policy.sources, f"{path.name}: {policy.id} does not apply to CloudFormation"
        check_kind_matches_policy(path, policy)


def test_every_cfn_policy_has_fixtures() -> None:
    """A policy that applies to CloudFormation cannot ship without fixtures: a resource-level one has
    ``<ID>.yaml|json`` with passing and failing resources; a set-level one has a passing and a failing set."""
    missing = []
    for policy in policies_by_id().values():
        if "cfn" not in policy.sources:
            continue
        files = [p for p in FILES if parse_name(p)[0] == policy.id]
        if policy.resource in SET_LEVEL_RESOURCES:
            statuses = {set_level_status(p) for p in files}
            if not {"pass", "fail"} <= statuses:
                missing.append(f"{policy.id}: needs {policy.id}.pass.yaml and {policy.id}.fail.yaml")
            continue
        base = [p for p in files if parse_name(p)[1] is None]
        statuses = {c.status for p in base for c in cases_of(p)}
        if not base or not {"pass", "fail"} <= statuses:
            missing.append(f"{policy.id}: needs {policy.id}.yaml (or .json) with Pass* and Fail* resources")
    assert not missing, missing
