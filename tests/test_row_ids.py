"""Row ids are stable and portable: adding templates to a run renames nothing, ids hold no absolute
path, and waivers written with an id's former form still match (or say loudly why not)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sesguard.policies import load_policies
from sesguard.run import evaluate
from sesguard.sources.templates import portable_scope, read_templates, set_label

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"
EXAMPLES = REPO / "examples" / "templates"
PLAN_FIXTURE = REPO / "tests" / "fixtures" / "terraform" / "plan_src" / "root"

pytest_plugins = ("pytester",)


def _run(pytester: pytest.Pytester, report_dir: Path, *args: str) -> dict[str, Any]:
    pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider",
        "--report-dir", str(report_dir), "--report-format", "json,sarif", *args,
    )
    findings: dict[str, Any] = json.loads((report_dir / "findings.json").read_text())
    sarif = json.loads((report_dir / "findings.sarif").read_text())
    prints = {
        result["properties"]["finding_id"]: result["partialFingerprints"] for result in sarif["runs"][0]["results"]
    }
    findings["fingerprints"] = prints
    return findings


def _copy_examples(target: Path) -> Path:
    shutil.copytree(EXAMPLES, target)
    return target


def test_adding_templates_to_a_run_leaves_every_id_verdict_and_fingerprint_as_it_was(
    pytester: pytest.Pytester,
) -> None:
    first = _copy_examples(pytester.path / "team-a")
    tf = pytester.path / "infra"
    shutil.copytree(PLAN_FIXTURE, tf)
    before = _run(pytester, pytester.path / "one", "--templates", str(first), "--templates", str(tf))
    # another team's copy of the same templates (same logical IDs, same Terraform addresses), added
    # before and after the existing inputs
    second = _copy_examples(pytester.path / "team-b")
    other_tf = pytester.path / "other-infra"
    shutil.copytree(PLAN_FIXTURE, other_tf)
    after = _run(
        pytester, pytester.path / "two",
        "--templates", str(second), "--templates", str(first), "--templates", str(other_tf),
        "--templates", str(tf),
    )
    rows_before = {r["id"]: r["status"] for r in before["findings"]}
    rows_after = {r["id"]: r["status"] for r in after["findings"]}
    assert rows_before and set(rows_before) <= set(rows_after)
    assert {i: rows_after[i] for i in rows_before} == rows_before
    assert len(rows_after) == 2 * len(rows_before)
    assert "SES-CS-001::team-a/marketing-mail.yaml:MarketingSet" in rows_before
    assert 'SES-ID-003::infra:aws_sesv2_email_identity.domain["a.example.com"]' in rows_before
    assert not any("#" in i for i in rows_after)
    sarif_before, sarif_after = _fingerprints(before), _fingerprints(after)
    assert sarif_before and {k: sarif_after[k] for k in sarif_before} == sarif_before


def _fingerprints(findings: dict[str, Any]) -> dict[str, Any]:
    prints: dict[str, Any] = findings["fingerprints"]
    return prints


def test_ids_hold_no_absolute_path_whatever_the_inputs(pytester: pytest.Pytester, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "templates"  # not under the directory the run starts in
    _copy_examples(outside)
    inside = _copy_examples(pytester.path / "mine")
    doc = _run(
        pytester, pytester.path / "out", "--templates", str(outside), "--templates", str(inside.resolve())
    )
    ids = [row["id"] for row in doc["findings"]]
    assert ids and not any(str(tmp_path) in i or str(pytester.path) in i or "::/" in i for i in ids)
    assert "SES-CS-001::templates/marketing-mail.yaml:MarketingSet" in ids
    assert "SES-CS-001::mine/marketing-mail.yaml:MarketingSet" in ids
    assert {row["resource"]["set"] for row in doc["findings"]} == {"templates", "mine"}


def test_same_file_twice_numbers_rows_within_each_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy_examples(tmp_path / "t")
    inventory = read_templates([Path("t/marketing-mail.yaml"), Path("t")])
    findings = evaluate(inventory, load_policies(REPO / "policies")).findings
    ids = {f.id for f in findings}
    # each policy's second row of the same resource is #2, whatever other policies did
    assert "SES-CS-001::t/marketing-mail.yaml:MarketingSet#2" in ids
    assert "SES-CS-002::t/marketing-mail.yaml:MarketingSet#2" in ids
    assert not any(i.endswith(("#3", "#4")) for i in ids)


def test_set_labels_and_scopes(tmp_path: Path) -> None:
    assert set_label(tmp_path / "a" / "b", cwd=tmp_path) == "a/b"
    assert set_label(tmp_path, cwd=tmp_path) == "."
    assert set_label(tmp_path / "x", cwd=tmp_path / "y") == "x"
    assert portable_scope(str(tmp_path / "a" / "f.yaml"), tmp_path / "a", "a") == "a/f.yaml"
    assert portable_scope(str(tmp_path / "a" / "f.yaml"), tmp_path / "a", ".") == "f.yaml"
    assert portable_scope(str(tmp_path / "a" / "f.yaml"), tmp_path / "a" / "f.yaml", "a/f.yaml") == "a/f.yaml"
    assert portable_scope(str(tmp_path / "a"), tmp_path / "a", ".") == "."


def test_terraform_root_in_the_working_directory_gives_bare_addresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(PLAN_FIXTURE, tmp_path / "root")
    monkeypatch.chdir(tmp_path / "root")
    inventory = read_templates([Path(".")])
    ids = {f.id for f in evaluate(inventory, load_policies(REPO / "policies")).findings}
    assert 'SES-ID-003::aws_sesv2_email_identity.domain["b.example.com"]' in ids
    assert "SES-IAM-001::module.sender.aws_iam_user.sender[1]" in ids


def test_a_former_id_shared_by_several_rows_waives_none_and_says_so(pytester: pytest.Pytester) -> None:
    _copy_examples(pytester.path / "a")
    _copy_examples(pytester.path / "b")
    pytester.makefile(
        ".yaml",
        sesguard="""
waivers:
  - policy: SES-CS-001
    resource: MarketingSet
    reason: vendor webhook (TICKET-12)
    expires: 2999-01-31
  - policy: SES-CS-001
    resource: a/marketing-mail.yaml:MarketingSet
    reason: written with the new id
    expires: 2999-01-31
""",
    )
    report_dir = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "--report-dir", str(report_dir),
        "--templates", "a", "--templates", "b",
    )
    doc = json.loads((report_dir / "findings.json").read_text())
    rows = {r["id"]: r for r in doc["findings"]}
    assert rows["SES-CS-001::a/marketing-mail.yaml:MarketingSet"]["status"] == "waived"
    assert rows["SES-CS-001::b/marketing-mail.yaml:MarketingSet"]["status"] == "fail"
    (legacy,) = [w for w in doc["waivers"] if w["resource"] == "MarketingSet"]
    assert legacy["state"] == "unused" and legacy["candidates"] == [
        "SES-CS-001::a/marketing-mail.yaml:MarketingSet",
        "SES-CS-001::b/marketing-mail.yaml:MarketingSet",
    ]
    result.stdout.fnmatch_lines(["*ambiguous waiver: SES-CS-001::MarketingSet is the former id of 2 rows*"])


def test_a_terraform_file_given_alone_names_rows_by_its_module_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-commit hook passes files, CI passes folders: both give the same row ids."""
    shutil.copytree(PLAN_FIXTURE, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    policies = load_policies(REPO / "policies")
    by_file = {f.id for f in evaluate(read_templates([Path("infra/main.tf")]), policies).findings}
    by_folder = {f.id for f in evaluate(read_templates([Path("infra")]), policies).findings}
    row = 'SES-ID-003::infra:aws_sesv2_email_identity.domain["a.example.com"]'
    assert row in by_file and row in by_folder


def test_a_set_row_waived_by_its_former_absolute_name_still_matches(pytester: pytest.Pytester) -> None:
    folder = _copy_examples(pytester.path / "infra")
    pytester.makefile(
        ".yaml",
        sesguard=f"""
waivers:
  - policy: SES-IAM-010
    resource: {folder}
    reason: test keys only (TICKET-9)
    expires: 2999-01-31
""",
    )
    report_dir = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        str(CHECKS), "-p", "sesguard.plugin", "-p", "no:cacheprovider", "--report-dir", str(report_dir),
        "--templates", str(folder),
    )
    doc = json.loads((report_dir / "findings.json").read_text())
    rows = {r["id"]: r for r in doc["findings"]}
    assert rows["SES-IAM-010::infra"]["status"] == "waived"
    result.stdout.fnmatch_lines([f"*renamed row: waiver SES-IAM-010::{folder} matched SES-IAM-010::infra*"])
