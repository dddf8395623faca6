"""The integrations users wire up themselves: the pre-commit hook and the documented workflows."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "templates"


def test_pre_commit_hook_checks_the_changed_files(tmp_path: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "sesguard")
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    changed = [tmp_path / "marketing-mail.yaml", tmp_path / "transactional-mail.yaml"]
    for path in changed:
        path.write_text((EXAMPLES / path.name).read_text())
    command = shlex.split(hook["entry"])
    executable = Path(sys.executable).with_name(command[0])
    result = subprocess.run(
        [str(executable), *command[1:], *map(str, changed)], cwd=tmp_path, capture_output=True, text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    findings = json.loads((tmp_path / ".sesguard" / "reports" / "findings.json").read_text())
    # sets are named relative to where the hook runs: never an absolute path
    assert {row["resource"]["set"] for row in findings["findings"]} == {p.name for p in changed}
    assert any(
        row["id"] == "SES-CS-001::marketing-mail.yaml:MarketingSet" and row["status"] == "fail"
        for row in findings["findings"]
    )


def test_documented_workflows_are_valid_yaml_using_existing_options() -> None:
    for name in ("github-actions-iac.yml", "github-actions-live-scan.yml", "github-actions-sharded-scan.yml"):
        workflow = yaml.safe_load((REPO / "docs" / "ci" / name).read_text())
        steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
        runs = [shlex.split(step["run"].replace("\\\n", " ")) for step in steps if "run" in step]
        commands = [words for words in runs if words and words[0] == "sesguard"]
        assert commands, name
        for words in commands:
            sub = words[1]
            help_text = subprocess.run(
                [str(Path(sys.executable).with_name("sesguard")), sub, "--help"], capture_output=True, text=True,
                check=True,
            ).stdout
            for word in words:
                if word.startswith("--"):
                    assert word in help_text, f"{name}: sesguard {sub} has no option {word}"


def _hook_command() -> list[str]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "sesguard")
    command = shlex.split(hook["entry"])
    return [str(Path(sys.executable).with_name(command[0])), *command[1:]]


def _ordinary_repository(root: Path) -> list[Path]:
    """Files an ordinary repository stages that are not templates."""
    files = {
        "package.json": '{"name": "web", "version": "1.0.0", "scripts": {"test": "jest"}}\n',
        "docker-compose.yml": "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n",
        "config/settings.yaml": "log_level: info\nfeatures: [a, b]\n",
        "helm/templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n",
        "gcp/main.tf": 'provider "google" {}\nresource "google_storage_bucket" "b" {\n  name = "x"\n}\n',
    }
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def test_pre_commit_hook_passes_quietly_over_files_that_are_not_templates(tmp_path: Path) -> None:
    staged = _ordinary_repository(tmp_path)
    result = subprocess.run(
        [*_hook_command(), *map(str, staged)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "nothing to check" in result.stdout and "ERROR" not in result.stdout


def test_pre_commit_hook_checks_only_the_templates_among_the_staged_files(tmp_path: Path) -> None:
    staged = _ordinary_repository(tmp_path)
    template = tmp_path / "infra" / "marketing-mail.yaml"
    template.parent.mkdir()
    template.write_text((EXAMPLES / "marketing-mail.yaml").read_text())
    result = subprocess.run(
        [*_hook_command(), *map(str, staged), str(template)], cwd=tmp_path, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    findings = json.loads((tmp_path / ".sesguard" / "reports" / "findings.json").read_text())
    assert {row["resource"]["set"] for row in findings["findings"]} == {"infra/marketing-mail.yaml"}  # relative to where it ran (row ids)
    assert not [row for row in findings["findings"] if "not a CloudFormation template" in row["message"]]


def test_pre_commit_hook_still_reports_a_broken_template(tmp_path: Path) -> None:
    broken = tmp_path / "stack.yaml"
    broken.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Set: [unclosed\n")
    result = subprocess.run(
        [*_hook_command(), str(broken)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "template cannot be parsed" in result.stdout


def test_a_non_template_named_explicitly_is_still_an_error(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "web"}\n')
    sesguard = Path(sys.executable).with_name("sesguard")
    result = subprocess.run(
        [str(sesguard), "iac", "package.json", "--report-dir", "out", "--report-format", "json"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "not a CloudFormation template" in result.stdout


def test_the_hook_files_pattern_leaves_out_common_non_templates() -> None:
    import re

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "sesguard")

    def selected(path: str) -> bool:  # pre-commit: `files` searched, `exclude` searched
        return bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)

    for path in ("infra/stack.yaml", "template.json", "cdk.out/App.template.json", "main.tf", "a/b.yml"):
        assert selected(path), path
    for path in ("package.json", "web/package-lock.json", "docker-compose.yml", "compose.yaml",
                 ".github/workflows/ci.yml", "tsconfig.base.json", ".pre-commit-config.yaml",
                 "node_modules/x/template.yaml", "README.md", "cdk.json"):  # fmt: skip
        assert not selected(path), path
