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
